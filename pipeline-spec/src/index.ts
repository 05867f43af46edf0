/**
 * @slipway/pipeline-spec: the Slipway pipeline language. Pure (no Node built-ins, no I/O), imported by the browser
 * editor, the server and the delegate. The delegate wire protocol is a separate entry:
 * `@slipway/pipeline-spec/protocol`.
 */
export * from "./common";
export * from "./duration";
export * from "./failure-strategy";
export * from "./steps/index";
export * from "./schema";
export type { Path, Position, Problem, ProblemCode, Range } from "./problem";
export { MAX_PROBLEMS } from "./problem";
export { MAX_PIPELINE_BYTES, parsePipelineYaml } from "./parse";
export type { ParseResult } from "./parse";
export { createLocator } from "./locate";
export type { Locator } from "./locate";
export {
  buildStageGraph,
  checkCycles,
  checkDuplicateIds,
  checkSelfNeeds,
  checkStageGraph,
  checkUnknownNeeds,
  checkUnreachable,
  effectiveNeeds,
} from "./graph";
export type { StageGraph } from "./graph";
export { findExpressions, parseExpression, resolveExpressions } from "./expressions";
export type {
  Expression,
  ExpressionContext,
  ExpressionMatch,
  ParsedExpression,
  ResolveOptions,
  ResolveResult,
} from "./expressions";
export { validateExpressions } from "./expression-check";
export { pipelineJsonSchema, PIPELINE_JSON_SCHEMA_ID } from "./json-schema";
export type { JsonSchema } from "./json-schema";
export { stringifyPipeline } from "./print";
export { DEMO_PIPELINE_YAML } from "./samples";
export * from "./edit/index";
export { STRATEGY_LABELS, STRATEGY_TEMPLATES, strategyStage } from "./templates";
export type { StrategyTemplate, TemplateOptions } from "./templates";
