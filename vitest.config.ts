import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = {
  "~": root.replace(/\/$/, ""),
  // `server-only` throws outside a React Server Components bundle; tests import server modules directly.
  "server-only": fileURLToPath(new URL("./scripts/empty-module.ts", import.meta.url)),
};

// Two projects: `unit` is pure and fast; `integration` talks to real PostgreSQL, real processes and loopback
// networks, so it gets a fresh database per run (global setup) and longer timeouts.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["**/*.test.ts", "**/*.test.tsx"],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**", "e2e/**", ".next/**", "bench/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude: ["**/node_modules/**", "e2e/**", ".next/**", "bench/**"],
          environment: "node",
          globalSetup: ["./test-support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: true,
        },
      },
    ],
  },
});
