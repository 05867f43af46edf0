"use client";
import { createContext, useContext, useState, type ReactNode } from "react";
import { useStore } from "zustand";
import { createEditorStore, type EditorStore, type EditorStoreState } from "./editor-store";

const EditorStoreContext = createContext<EditorStore | null>(null);

export function EditorStoreProvider({ init, children }: { init: Parameters<typeof createEditorStore>[0]; children: ReactNode }) {
  const [store] = useState(() => createEditorStore(init));
  return <EditorStoreContext.Provider value={store}>{children}</EditorStoreContext.Provider>;
}

/** Read the editor store with a selector; re-renders only when the selected value changes. */
export function useEditor<T>(selector: (s: EditorStoreState) => T): T {
  return useStore(useEditorApi(), selector);
}

/** The store itself, for event handlers that read the latest state without subscribing (`getState()`). */
export function useEditorApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error("useEditor must be used inside <EditorStoreProvider>");
  return store;
}
