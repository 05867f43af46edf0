/**
 * Structural edits of a pipeline's YAML text, for the graph view and the forms. The text stays canonical: an
 * edit changes only the bytes of what it changes, so comments, key order, quoting, flow or block style and blank
 * lines elsewhere stay exactly as the user wrote them. Pure and browser-safe (no Node built-ins).
 *
 * How it works: the text is parsed with the `yaml` package (Document + CST, with source ranges); each edit finds
 * its target node's range and splices text; the result is parsed again and checked (no YAML error, every alias
 * still has its anchor, the edit had its effect and nothing else moved) before it is returned. Results report
 * `changes` (minimal replacements in offsets of the old text, for Monaco's `executeEdits`) and `changed` (the
 * range of the new text that differs). Offsets are string indexes (UTF-16 code units), like Monaco's.
 *
 * New text follows the style around it: block or flow (a flow list gets a flow item; a block list whose items
 * are `{ … }` maps gets one too), the indentation of nested maps and lists, dashes indented under their key or
 * not, the spacing after `-`, blank lines between items when the list has them, CRLF or LF, a missing final
 * line break stays missing, plain scalars unless quotes are needed (then the document's preferred quote), keys
 * quoted when the document quotes its keys, multi-line strings as `|` blocks, new keys where the schema orders
 * them (`needs` after `name`, `rollbackSteps` after `steps`).
 *
 * Choices worth knowing:
 * - Removing a node removes its lines, the comment lines right above it (no blank line between, not indented
 *   deeper) and the comments inside it (inline, or indented deeper below it); comments after a blank line above
 *   it, or belonging to the next node, stay. The last rollback step leaves `rollbackSteps: []`; the only step
 *   of a stage and the only stage cannot be removed.
 * - A parallel group left with one step is replaced by that step; the group's own comment lines above it stay.
 * - removeStage drops the stage from every `needs` (a list left empty is `needs: []`: that stage now starts at
 *   once). A stage whose `needs` was omitted keeps it omitted, so it now runs after the stage that preceded the
 *   removed one; if that would create a cycle the edit is refused. addStage in the middle of a serial chain
 *   likewise becomes the previous stage of the next one.
 * - connect/disconnect on a stage with an omitted `needs` write the implicit need out (`needs: [prev, new]`,
 *   `needs: []`), so no other edge changes. Cycles are refused ("would create a cycle a → b → a").
 * - Anchors and aliases: an edit inside an alias (`env: *common-env`) is refused, naming the anchor; setting the
 *   aliased value as a whole replaces the alias. An edit inside an anchored node (`&common-env`) edits the
 *   definition, so every alias sees it (that is what the YAML says); graph edits on a `needs` list shared that
 *   way are refused. Any edit that would leave an alias without its anchor is refused.
 * - A rename replaces the scalar's bytes only, keeping plain/'single'/"double" when the new value allows it.
 */
export { applyEdit, applyEdits } from "./apply";
export { locateNode, nodeAtOffset } from "./locate-node";
export { wouldCreateCycle } from "./pipeline";
export type { TextChange } from "./text";
export type { Edit, EditOp, EditResult, FieldPath, NodeRange, NodeTarget, StageInput, StepInput, StepList } from "./types";
