"use client";
import { useCallback, useLayoutEffect, useState } from "react";

type Options = {
  /** False until the viewer's scroll space is final: a jump computed before then would land on another line. */
  ready: boolean;
  initialLine: number | undefined;
  scrollToLine: (n: number, how: "center" | "reveal") => void;
  stopFollowing: () => void;
};

/**
 * The selected line, GitHub-style: `#L1234` in the URL (on load, on hashchange, from the gutter's links) or the
 * `initialLine` prop selects a line and brings it into view; "copy link" copies the URL of the selection.
 */
export function useLineSelection({ ready, initialLine, scrollToLine, stopFollowing }: Options) {
  const [selected, setSelected] = useState<number | null>(null);
  const [copied, setCopied] = useState(false);

  useLayoutEffect(() => {
    if (!ready) return;
    const fromHash = () => Number(/^#L(\d+)$/.exec(window.location.hash)?.[1] ?? 0);
    const select = (n: number, how: "center" | "reveal") => {
      setSelected(n);
      stopFollowing();
      scrollToLine(n, how);
    };
    const first = fromHash() || initialLine || 0;
    if (first > 0) select(first, "center");
    const onHash = () => fromHash() > 0 && select(fromHash(), "reveal");
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
    // Once: a later `initialLine` is the page's business (it can remount the viewer with a key).
  }, [ready]);

  const copyLink = useCallback(() => {
    if (selected === null) return;
    const url = new URL(window.location.href);
    url.hash = `L${selected}`;
    const done = () => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    };
    // The async clipboard API exists only in secure contexts; a studio on plain http inside a LAN falls back to the
    // address bar, which then shows the link.
    if (navigator.clipboard) void navigator.clipboard.writeText(url.toString()).then(done, () => {});
    else window.history.replaceState(null, "", url);
  }, [selected]);

  return { selected, copied, copyLink };
}
