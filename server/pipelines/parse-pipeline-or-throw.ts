import { parsePipelineYaml, type PipelineSpec } from "@slipway/pipeline-spec";
import { AppError } from "../errors";

/**
 * Parses a pipeline document or throws INVALID_SPEC carrying every problem with its line:column. Never throws
 * anything else for bad input: a parser crash on hostile text is reported as a positioned problem too.
 */
export function parsePipelineOrThrow(yaml: string): { spec: PipelineSpec } {
  let result: ReturnType<typeof parsePipelineYaml>;
  try {
    result = parsePipelineYaml(yaml);
  } catch (cause) {
    throw new AppError("INVALID_SPEC", "The pipeline document could not be read", {
      cause,
      problems: [{ code: "yaml-syntax", severity: "error", path: [], message: "The document could not be read as YAML", range: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } }],
    });
  }
  if (!result.ok) {
    const errors = result.problems.filter((p) => p.severity === "error");
    const first = errors[0];
    const where = first ? ` (line ${first.range.start.line}, column ${first.range.start.column}: ${first.message})` : "";
    throw new AppError("INVALID_SPEC", `The pipeline has ${errors.length} problem${errors.length === 1 ? "" : "s"}${where}`, { problems: result.problems });
  }
  return { spec: result.spec };
}
