"use client";
/**
 * Two texts side by side with Monaco's diff editor, read-only. Loaded client-only (next/dynamic) like the YAML
 * editor; its models get their own paths so they never touch the draft's model (or its undo history).
 */
import { DiffEditor } from "@monaco-editor/react";
import { useId } from "react";
import { setupMonaco } from "../yaml/monaco-setup";

if (typeof window !== "undefined") setupMonaco();

export type DiffViewProps = { original: string; modified: string; originalLabel: string; modifiedLabel: string };

export default function DiffView({ original, modified, originalLabel, modifiedLabel }: DiffViewProps) {
  const id = useId().replace(/[^a-z0-9]/gi, "");
  return (
    <div className="diff-view" data-testid="diff-view">
      <div className="diff-labels">
        <span data-testid="diff-original-label">{originalLabel}</span>
        <span data-testid="diff-modified-label">{modifiedLabel}</span>
      </div>
      <div className="diff-body">
        <DiffEditor
          original={original}
          modified={modified}
          language="yaml"
          originalModelPath={`file:///diff/${id}/original.yaml`}
          modifiedModelPath={`file:///diff/${id}/modified.yaml`}
          options={{ readOnly: true, originalEditable: false, renderSideBySide: true, minimap: { enabled: false }, automaticLayout: true, scrollBeyondLastLine: false, fontSize: 12.5, renderOverviewRuler: false }}
        />
      </div>
    </div>
  );
}
