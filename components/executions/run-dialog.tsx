"use client";
import { parsePipelineYaml } from "@slipway/pipeline-spec";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Dialog } from "../ui/dialog";

type Variable = { name: string; type: string; default?: string | number | boolean; required?: boolean; description?: string };

/** "Run": asks for the pipeline's variables (defaults filled in, secrets as password fields) and starts it. */
export function RunButton({ project, pipelineId, variables }: { project: ProjectProps; pipelineId: string; variables?: Variable[] }) {
  const [open, setOpen] = useState(false);
  if (!project.permissions.includes("pipeline.execute")) return null;
  return (
    <>
      <button className="btn btn-primary" onClick={() => setOpen(true)} data-testid="run-button">Run</button>
      {open && <RunDialog project={project} pipelineId={pipelineId} variables={variables} onClose={() => setOpen(false)} />}
    </>
  );
}

function RunDialog({ project, pipelineId, variables, onClose }: { project: ProjectProps; pipelineId: string; variables?: Variable[]; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pipeline = useQuery({ ...trpc.pipeline.byId.queryOptions({ projectId: project.id, pipelineId }), enabled: !variables });
  const vars = variables ?? (pipeline.data ? readVariables(pipeline.data.head.yaml) : []);
  const start = useMutation(trpc.execution.start.mutationOptions({ onSuccess: (e) => router.push(`/p/${project.slug}/executions/${e.id}`) }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const inputs: Record<string, string> = {};
    for (const v of vars) {
      const value = String(form.get(v.name) ?? "");
      if (value !== String(v.default ?? "") || v.type === "secret") if (value !== "") inputs[v.name] = value;
    }
    start.mutate({ projectId: project.id, pipelineId, inputs });
  };
  const err = start.error ? appErrorOf(start.error) : null;
  return (
    <Dialog title="Run pipeline" onClose={onClose}>
      <form onSubmit={submit}>
        {vars.length === 0 && <p className="muted">This pipeline has no variables.</p>}
        {vars.map((v) => (
          <div className="field" key={v.name}>
            <label htmlFor={`var-${v.name}`}>{v.name}{v.required ? " *" : ""} <span className="hint">({v.type})</span></label>
            <input id={`var-${v.name}`} name={v.name} className="input" type={v.type === "secret" ? "password" : "text"} defaultValue={v.type === "secret" || v.default === "<+input>" ? "" : String(v.default ?? "")} placeholder={v.type === "secret" && v.default ? "leave empty to use the default secret" : ""} />
            {v.description && <span className="hint">{v.description}</span>}
            {err?.field === `variables.${v.name}` && <span className="field-error">{err.message}</span>}
          </div>
        ))}
        {err && !err.field?.startsWith("variables.") && <div className="field-error" role="alert">{err.message}</div>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={start.isPending}>{start.isPending ? "Starting…" : "Run"}</button>
        </div>
      </form>
    </Dialog>
  );
}

/** The variables declared in the document (the run form needs only names, types and defaults). */
function readVariables(yaml: string): Variable[] {
  const r = parsePipelineYaml(yaml);
  return r.ok ? (r.spec.variables ?? []).map((v) => ({ name: v.name, type: v.type, default: v.default, required: v.required, description: v.description })) : [];
}
