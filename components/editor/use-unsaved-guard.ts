"use client";
/**
 * Leaving with unsaved edits asks first: the browser's own prompt for reloads, closing the tab and typed URLs
 * (beforeunload), and a confirm for in-app links. Next's App Router has no "route change start" event to cancel,
 * so links are caught in the capture phase, before Next's own click handler starts the navigation. The draft is
 * kept in localStorage either way; the prompt is about not walking away from it unknowingly.
 */
import { useEffect } from "react";

export const LEAVE_MESSAGE = "You have unsaved changes to this pipeline. Leave anyway? (Your draft stays in this browser.)";

export function useUnsavedGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = e.target instanceof Element ? e.target.closest("a[href]") : null;
      if (!(link instanceof HTMLAnchorElement) || link.target === "_blank" || link.hasAttribute("download")) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      if (!window.confirm(LEAVE_MESSAGE)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty]);
}
