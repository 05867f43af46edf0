"use client";
/** Right-click on a node: the actions that apply to the selection, with their keyboard shortcuts. */
import { useEffect, useMemo } from "react";
import { useEditor, useEditorApi } from "../store/editor-context";
import { designerActions } from "./designer-actions";

export function ContextMenu({ at, canWrite, onClose }: { at: { x: number; y: number }; canWrite: boolean; onClose: () => void }) {
  const api = useEditorApi();
  const actions = useMemo(() => designerActions(api), [api]);
  const selected = useEditor((s) => s.selected);
  const index = useEditor((s) => s.index);
  const hasClipboard = useEditor((s) => s.clipboard.length > 0);
  const steps = selected.filter((id) => id.startsWith("step:"));
  const inGroup = selected.some((id) => id.startsWith("group:") || (id.startsWith("step:") && index.steps.get(id.slice(5))?.groupId));

  useEffect(() => {
    const close = (e: Event) => !(e.target instanceof Element && e.target.closest(".context-menu")) && onClose();
    window.addEventListener("mousedown", close);
    return () => window.removeEventListener("mousedown", close);
  }, [onClose]);

  const item = (label: string, shortcut: string, enabled: boolean, run: () => unknown, testId: string) => (
    <button type="button" role="menuitem" disabled={!enabled} data-testid={testId} onClick={() => (run(), onClose())}>
      <span>{label}</span>
      <kbd>{shortcut}</kbd>
    </button>
  );

  return (
    <div className="context-menu" role="menu" style={{ left: at.x, top: at.y }} data-testid="context-menu">
      {item("Copy", "Ctrl+C", steps.length > 0, () => actions.copy(selected), "menu-copy")}
      {item("Paste", "Ctrl+V", canWrite && hasClipboard, () => actions.paste(selected), "menu-paste")}
      {item("Run in parallel", "", canWrite && steps.length >= 2, () => actions.group(selected), "menu-group")}
      {item("Ungroup", "", canWrite && inGroup, () => actions.ungroup(selected), "menu-ungroup")}
      {item("Delete", "Del", canWrite && selected.length > 0, () => actions.remove(selected, []), "menu-delete")}
    </div>
  );
}
