"use client";
/**
 * The YAML pane: Monaco with schema completion/hover, and markers from our parser's problems. Loaded client-only
 * (next/dynamic with ssr: false) because Monaco needs `window`.
 */
import Editor, { type OnMount } from "@monaco-editor/react";
import type { Problem } from "@slipway/pipeline-spec";
import type { editor } from "monaco-editor";
import { useEffect, useRef } from "react";
import { registerYamlSchema, setupMonaco } from "./monaco-setup";

export type YamlEditorProps = {
  value: string;
  onChange?: (value: string) => void;
  problems: Problem[];
  readOnly?: boolean;
  /** Model path; the schema applies to models matching `schema.fileMatch`. */
  path: string;
  schema?: { uri: string; fileMatch: string; json: object };
  /** Called with the editor once mounted, and with null when it goes away. */
  onReady?: (editor: editor.IStandaloneCodeEditor | null) => void;
  /** The user moved the cursor (mouse or keyboard, not our own API calls): its offset in the text. */
  onCursor?: (offset: number) => void;
};

const monaco = typeof window === "undefined" ? null : setupMonaco();

export default function YamlEditor({ value, onChange, problems, readOnly, path, schema, onReady, onCursor }: YamlEditorProps) {
  const ref = useRef<editor.IStandaloneCodeEditor | null>(null);
  const onCursorRef = useRef(onCursor);
  onCursorRef.current = onCursor;
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;
  useEffect(() => () => onReadyRef.current?.(null), []);

  useEffect(() => {
    if (schema) registerYamlSchema(schema.uri, schema.fileMatch, schema.json);
  }, [schema]);

  useEffect(() => {
    const model = ref.current?.getModel();
    if (!monaco || !model) return;
    monaco.editor.setModelMarkers(
      model,
      "slipway",
      problems.map((p) => ({
        startLineNumber: p.range.start.line,
        startColumn: p.range.start.column,
        endLineNumber: p.range.end.line,
        // Zero-width ranges would be invisible: underline at least one character.
        endColumn: p.range.end.line === p.range.start.line && p.range.end.column <= p.range.start.column ? p.range.start.column + 1 : p.range.end.column,
        message: p.message,
        severity: p.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        source: "slipway",
      })),
    );
  }, [problems]);

  const onMount: OnMount = (ed) => {
    ref.current = ed;
    onReady?.(ed);
    // Only moves the user makes select nodes; selections we set ("api") or edits we apply must not loop back.
    ed.onDidChangeCursorPosition((e) => {
      const model = ed.getModel();
      if (!model || (e.source !== "mouse" && e.source !== "keyboard")) return;
      onCursorRef.current?.(model.getOffsetAt(e.position));
    });
  };

  return (
    <Editor
      path={path}
      defaultLanguage="yaml"
      value={value}
      onChange={(v) => onChange?.(v ?? "")}
      onMount={onMount}
      options={{
        readOnly,
        minimap: { enabled: false },
        fontSize: 13,
        tabSize: 2,
        insertSpaces: true,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        renderWhitespace: "boundary",
        quickSuggestions: { other: true, comments: false, strings: true },
        fixedOverflowWidgets: true,
      }}
    />
  );
}
