import { yamlScalarSource } from "@slipway/pipeline-spec/edit-scalar";

/** The document a new pipeline starts with: valid, commented, and small enough to read at a glance. */
export function starterPipelineYaml(name: string, description = ""): string {
  return [
    "apiVersion: slipway/v1",
    "kind: Pipeline",
    `name: ${yamlScalarSource(name)}`,
    ...(description ? [`description: ${yamlScalarSource(description)}`] : []),
    "",
    "stages:",
    "  # Stages run in order unless they declare `needs`.",
    "  - id: build",
    "    steps:",
    "      - id: compile",
    "        type: shell",
    "        script: |",
    '          echo "Building <+pipeline.name> #<+pipeline.sequenceId>"',
    "",
  ].join("\n");
}
