/**
 * The Prisma schema engine compiled to WebAssembly. Dev tooling only (scripts/db-diff.ts and the drift test): it
 * is an internal Prisma API, so the studio never depends on it at runtime.
 *
 * We only diff datamodel → datamodel. Diffing against a live database needs introspection, which fails through the
 * pg driver adapter ("Column type 'char' could not be deserialized"): the adapter has no mapping for PostgreSQL's
 * internal "char" type used by the catalogs. So each migration folder keeps the schema it was generated from
 * (`schema.snapshot.prisma`), and the next migration is the diff between that snapshot and the current schema.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { DEFAULT_ADMIN_URL } from "./scratch";

let initialised = false;

function initWasm(): void {
  if (initialised) return;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const module = new WebAssembly.Module(readFileSync(path.join(dir, "schema_engine_bg.wasm")));
  const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
  (bg as unknown as { __wbg_set_wasm(e: WebAssembly.Exports): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  initialised = true;
}

/** SQL that turns a database shaped like `fromSchema` (null = empty) into `toSchema` ("" when they agree). */
export async function diffSchemas(fromSchema: string | null, toSchema: string, adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_URL): Promise<string> {
  initWasm();
  const to = [{ path: "schema.prisma", content: toSchema }];
  // The engine insists on a reachable database even for datamodel → datamodel diffs (it opens a connection and
  // never introspects), so give it the local server.
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: adminUrl }));
  const engine = await bg.SchemaEngine.new({ datamodels: [["schema.prisma", toSchema]] } as never, () => undefined, adapter as never);
  try {
    const result = (await engine.diff({
      from: fromSchema === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: fromSchema }] },
      to: { tag: "schemaDatamodel", files: to },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    } as never)) as unknown as { stdout?: string };
    const sql = (result.stdout ?? "").trim();
    return sql === "-- This is an empty migration." ? "" : sql;
  } finally {
    engine.free();
  }
}
