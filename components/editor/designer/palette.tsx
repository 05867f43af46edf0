"use client";
/**
 * The palette, generated from the registry: drag a kind onto a stage (the step lands where it is dropped) or onto
 * the empty canvas (a new stage holding it). HTML5 drag and drop, so it works from outside React Flow; the drop
 * is resolved in designer-canvas.tsx. Clicking an item adds it to the end of the selected stage instead, for
 * keyboard and touch users.
 */
import { useMemo } from "react";
import { categoryColor, paletteSections, type PaletteItem } from "../registry";
import { useEditorApi } from "../store/editor-context";
import { designerActions } from "./designer-actions";

export const PALETTE_MIME = "application/x-slipway-node";

export function Palette({ disabled }: { disabled: boolean }) {
  const api = useEditorApi();
  const actions = useMemo(() => designerActions(api), [api]);
  const sections = useMemo(paletteSections, []);

  const add = (item: PaletteItem) => {
    const s = api.getState();
    const first = s.selected[0];
    const stageId = first?.startsWith("stage:") ? first.slice(6) : first?.startsWith("step:") ? s.index.steps.get(first.slice(5))?.stageId : undefined;
    const length = stageId ? s.spec?.stages.find((st) => st.id === stageId)?.steps.length : undefined;
    if (item.kind === "step" && stageId && length !== undefined) actions.addStepAt(item.type, { stageId, list: "steps", index: length });
    else actions.addStageAt(item.kind === "step" ? item.type : null, null);
  };

  return (
    <nav className="palette" aria-label="Palette" data-testid="palette">
      {sections.map((section) => (
        <div key={section.category} className="palette-section">
          <div className="palette-heading">{section.category}</div>
          {section.items.map((item) => (
            <button
              key={item.kind === "step" ? item.type : "stage"}
              type="button"
              className="palette-item"
              draggable={!disabled}
              disabled={disabled}
              data-testid="palette-item"
              data-kind={item.kind === "step" ? item.type : "stage"}
              title={item.kind === "step" ? `Drag onto a stage, or click to add to the selected stage` : "Drag onto the canvas for a new stage"}
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item));
                e.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => add(item)}
            >
              <span className="kind-icon" style={{ background: item.kind === "step" ? categoryColor(item.category) : "var(--text-3)" }} aria-hidden>
                {item.icon}
              </span>
              {item.label}
            </button>
          ))}
        </div>
      ))}
    </nav>
  );
}
