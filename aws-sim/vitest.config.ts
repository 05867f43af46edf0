import { defineConfig } from "vitest/config";

// Runs aws-sim's own integration tests without the root integration project's global setup (which provisions
// PostgreSQL the sim does not need): `npx vitest run --config aws-sim/vitest.config.ts`.
export default defineConfig({
  test: {
    name: "aws-sim",
    root: new URL(".", import.meta.url).pathname,
    include: ["src/**/*.integration.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
