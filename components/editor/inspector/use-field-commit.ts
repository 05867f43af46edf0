"use client";
/**
 * A form field's text, written to the YAML a moment after the user stops typing (and at once on blur), so typing
 * a script makes a few undoable edits, not one per keystroke. While the field has the focus it keeps the user's
 * text (a trailing space must not vanish mid-word); otherwise it follows the document (an edit in the YAML or an
 * undo shows up in the form).
 */
import type { FieldPath } from "@slipway/pipeline-spec";
import { useCallback, useEffect, useRef, useState } from "react";
import { useEditorApi } from "../store/editor-context";

export const FIELD_DEBOUNCE_MS = 400;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function useFieldCommit(path: FieldPath, written: unknown, toText: (v: unknown) => string, fromText: (t: string) => unknown) {
  const api = useEditorApi();
  const [text, setLocal] = useState(() => toText(written));
  const dirty = useRef(false);
  const focused = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ path, written, text, fromText });
  latest.current = { path, written, text, fromText };

  useEffect(() => {
    if (!dirty.current && !focused.current) setLocal(toText(written));
  }, [written, toText]);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (!dirty.current) return;
    dirty.current = false;
    const { path: at, written: before, text: now, fromText: parse } = latest.current;
    const value = parse(now);
    if (!same(value, before)) api.getState().edit({ op: "setField", path: at, value });
  }, [api]);

  const setText = useCallback(
    (next: string) => {
      dirty.current = true;
      setLocal(next);
      latest.current.text = next;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, FIELD_DEBOUNCE_MS);
    },
    [flush],
  );

  const onFocus = useCallback(() => void (focused.current = true), []);
  const onBlur = useCallback(() => {
    focused.current = false;
    flush();
  }, [flush]);

  // A pending change is written when the field goes away (another node selected) rather than lost.
  useEffect(() => flush, [flush]);
  return { text, setText, onFocus, onBlur };
}

/** For choices (selects, checkboxes): written at once, there is nothing to debounce. */
export function useSetField() {
  const api = useEditorApi();
  return useCallback((path: FieldPath, value: unknown) => api.getState().edit({ op: "setField", path, value }), [api]);
}
