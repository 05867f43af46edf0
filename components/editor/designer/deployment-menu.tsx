"use client";
/**
 * "Add deployment": the six strategy templates (pipeline-spec/templates.ts), each a ready stage of explicit,
 * editable steps. The stage's service, infrastructure and environment are filled in from the project's records
 * when exactly one record fits (an SSH template wants an SSH service); with several, guessing would be wrong,
 * so the template's placeholders stay for the user to choose.
 */
import { STRATEGY_LABELS, STRATEGY_TEMPLATES, strategyStage, type StrategyTemplate, type TemplateOptions } from "@slipway/pipeline-spec";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { stageNodeId } from "../graph/spec-to-flow";
import { uniqueId } from "../registry";
import { takenStepIds } from "../store/doc-index";
import { useEditorApi } from "../store/editor-context";

type Records = { services: { name: string; type: string }[]; environments: { name: string }[]; infrastructures: { name: string; type: string; environment: string }[] };

/** Service, infrastructure and environment of a template, where the records leave no choice. */
export function prefill(kind: StrategyTemplate, records: Records | undefined): Omit<TemplateOptions, "stageId"> {
  if (!records) return {};
  const type = kind.startsWith("ssh") ? "SSH" : "ECS";
  const only = <T,>(list: T[]) => (list.length === 1 ? list[0] : undefined);
  const service = only(records.services.filter((s) => s.type === type));
  const infra = only(records.infrastructures.filter((i) => i.type === type));
  const environment = infra?.environment ?? only(records.environments)?.name;
  return { ...(service ? { service: service.name } : {}), ...(infra ? { infrastructure: infra.name } : {}), ...(environment ? { environment } : {}) };
}

export function DeploymentMenu({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const api = useEditorApi();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const records = useQuery({ ...trpc.record.list.queryOptions({ projectId }), staleTime: 60_000 });

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener("mousedown", close);
    return () => window.removeEventListener("mousedown", close);
  }, [open]);

  const add = (kind: StrategyTemplate) => {
    const s = api.getState();
    const stages = new Set(s.index.stages.map((st) => st.id));
    const steps = takenStepIds(s.index);
    // Step ids are prefixed with the stage id; move to the next free stage id until none of them is taken either.
    for (;;) {
      const stageId = uniqueId(kind, stages);
      const stage = strategyStage(kind, { stageId, ...prefill(kind, records.data) });
      const ids = [...(stage.steps ?? []), ...(stage.rollbackSteps ?? [])].map((x) => x.id);
      if (ids.some((id) => steps.has(id))) {
        stages.add(stageId);
        continue;
      }
      s.edit({ op: "addStage", stage }, { select: [stageNodeId(stageId)] });
      break;
    }
    setOpen(false);
  };

  return (
    <div className="menu-anchor" ref={ref}>
      <button type="button" className="btn btn-sm" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="add-deployment">
        Add deployment ▾
      </button>
      {open && (
        <div className="dropdown" role="menu" data-testid="deployment-menu">
          {STRATEGY_TEMPLATES.map((kind) => (
            <button key={kind} type="button" role="menuitem" onClick={() => add(kind)} data-testid={`template-${kind}`}>
              <strong>{STRATEGY_LABELS[kind].title}</strong>
              <span className="hint">{STRATEGY_LABELS[kind].summary}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
