// Runs `prisma generate` offline. The Prisma 7 CLI wants a schema-engine binary it downloads from
// binaries.prisma.sh even for `generate`, which never runs it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file skips the download (see ../shared/reference/stack-notes.md §2). The client itself is WASM.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("prisma/schema.prisma")) process.exit(0);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const r = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
