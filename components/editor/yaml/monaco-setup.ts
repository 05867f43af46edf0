/**
 * Monaco, loaded from the local package (never a CDN: machines may be offline), with monaco-yaml for completion
 * and hover documentation from the JSON Schemas generated from our zod schemas. Validation markers do NOT come
 * from monaco-yaml: they come from @slipway/pipeline-spec's parser, the same code the server runs on save, so the
 * editor shows exactly the messages a save would return.
 *
 * monaco-editor is pinned to 0.52.2: monaco-yaml's workers break on ≥ 0.53 (remcohaszing/monaco-yaml#272).
 * Idempotent; call it from client components only.
 */
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";
import { configureMonacoYaml, type SchemasSettings } from "monaco-yaml";

let yaml: ReturnType<typeof configureMonacoYaml> | null = null;
const schemas = new Map<string, SchemasSettings>();

export function setupMonaco(): typeof monaco {
  if (yaml) return monaco;
  (window as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
    getWorker(_moduleId: string, label: string) {
      if (label === "yaml") return new Worker(new URL("monaco-yaml/yaml.worker", import.meta.url), { type: "module" });
      return new Worker(new URL("monaco-editor/esm/vs/editor/editor.worker", import.meta.url), { type: "module" });
    },
  };
  loader.config({ monaco });
  yaml = configureMonacoYaml(monaco, { enableSchemaRequest: false, validate: false, hover: true, completion: true, schemas: [] });
  return monaco;
}

/** Registers (or replaces) the JSON Schema used for models whose path matches `fileMatch`. */
export function registerYamlSchema(uri: string, fileMatch: string, schema: object): void {
  setupMonaco();
  schemas.set(uri, { uri, fileMatch: [fileMatch], schema: schema as SchemasSettings["schema"] });
  yaml!.update({ schemas: [...schemas.values()] });
}

export type MonacoApi = typeof monaco;
