// Stand-alone config for the SSH lab's own tests:
//   npx vitest run --config test-support/ssh-lab/vitest.config.ts
// The repo-wide `integration` project also picks up *.integration.test.ts from here.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // `dir`, not `root`: a root here would make Vite put its cache in ssh-lab/node_modules.
    dir: fileURLToPath(new URL(".", import.meta.url)),
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    environment: "node",
    // Real sshd/HAProxy processes: generous ceilings, though a normal run takes seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Files run one after another: the zero-downtime load test should not share two CPUs with
    // another file's 100-fork start-up. Each file still gets its own lab, so parallel is safe too.
    fileParallelism: false,
  },
});
