/**
 * The three record kinds the records page edits as YAML: their schema (the same zod schema the server parses
 * with), the JSON Schema Monaco uses for completion and hover, and the starting document for a new record.
 */
import { EnvironmentRecordSchema, InfrastructureRecordSchema, ServiceRecordSchema } from "@slipway/pipeline-spec/records";
import { z } from "zod";

export type RecordKind = "environment" | "service" | "infrastructure";

export const RECORD_KINDS = {
  environment: {
    title: "Environments",
    singular: "environment",
    schema: EnvironmentRecordSchema,
    template: "name: qa\ndescription: Where QA signs off\ntype: PRE_PRODUCTION\nvariables:\n  - name: LOG_LEVEL\n    value: debug\n",
  },
  service: {
    title: "Services",
    singular: "service",
    schema: ServiceRecordSchema,
    template:
      "name: my-service\ndescription: \"\"\nspec:\n  type: SSH\n  artifact:\n    source: url\n    location: https://artifacts.example.com/my-service/<+pipeline.variables.version>.tar.gz\n  variables:\n    - name: APP_PORT\n      value: \"8080\"\n  configFiles: []\n",
  },
  infrastructure: {
    title: "Infrastructure",
    singular: "infrastructure definition",
    schema: InfrastructureRecordSchema,
    template:
      "name: my-hosts\ndescription: \"\"\nenvironment: staging\nspec:\n  type: SSH\n  appPath: /opt/app\n  hostGroups:\n    - name: web\n      user: deploy\n      credential: ssh-key\n      hosts:\n        - hostname: 10.0.0.10\n",
  },
} as const;

const jsonSchemas = new Map<RecordKind, object>();

export function recordJsonSchema(kind: RecordKind): object {
  if (!jsonSchemas.has(kind)) jsonSchemas.set(kind, z.toJSONSchema(RECORD_KINDS[kind].schema, { target: "draft-7", io: "input" }));
  return jsonSchemas.get(kind)!;
}
