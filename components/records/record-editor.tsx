"use client";
import { parseYamlWithSchema } from "@slipway/pipeline-spec/parse-record";
import type { Problem } from "@slipway/pipeline-spec";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useMemo, useState } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { RECORD_KINDS, recordJsonSchema, type RecordKind } from "./record-kinds";

const YamlEditor = dynamic(() => import("../editor/yaml/yaml-editor"), { ssr: false });

type Props = { project: ProjectProps; editing: { kind: RecordKind; name: string | null; yaml: string }; canWrite: boolean; onClose: () => void };

/** One record as YAML: validated as you type (same schema as the server), saved whole, or deleted. */
export function RecordEditor({ project, editing, canWrite, onClose }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(editing.yaml);
  const [serverError, setServerError] = useState<string | null>(null);
  const kind = RECORD_KINDS[editing.kind];
  const parsed = useMemo(() => parseYamlWithSchema(text, kind.schema), [text, kind.schema]);
  const problems: Problem[] = parsed.problems;
  const schema = useMemo(() => ({ uri: `https://slipway.dev/schemas/records/${editing.kind}.json`, fileMatch: `*.${editing.kind}.yaml`, json: recordJsonSchema(editing.kind) }), [editing.kind]);
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.record.list.queryKey() });
    onClose();
  };
  const onError = (e: unknown) => {
    const err = appErrorOf(e);
    setServerError(err.field ? `${err.field}: ${err.message}` : err.message);
  };
  const saveEnv = useMutation(trpc.record.saveEnvironment.mutationOptions({ onSuccess: done, onError }));
  const saveSvc = useMutation(trpc.record.saveService.mutationOptions({ onSuccess: done, onError }));
  const saveInfra = useMutation(trpc.record.saveInfrastructure.mutationOptions({ onSuccess: done, onError }));
  const del = useMutation(
    (editing.kind === "environment" ? trpc.record.deleteEnvironment : editing.kind === "service" ? trpc.record.deleteService : trpc.record.deleteInfrastructure).mutationOptions({ onSuccess: done, onError }),
  );

  function save() {
    if (!parsed.ok) return;
    setServerError(null);
    const input = { projectId: project.id, ...(parsed.value as object) };
    if (editing.kind === "environment") saveEnv.mutate(input as Parameters<typeof saveEnv.mutate>[0]);
    else if (editing.kind === "service") saveSvc.mutate(input as Parameters<typeof saveSvc.mutate>[0]);
    else saveInfra.mutate(input as Parameters<typeof saveInfra.mutate>[0]);
  }

  const errors = problems.filter((p) => p.severity === "error");
  return (
    <section className="card" style={{ display: "flex", flexDirection: "column", height: "calc(100vh - 96px)", position: "sticky", top: 0 }} aria-label="Record editor">
      <div className="row" style={{ padding: "10px 14px", borderBottom: "1px solid var(--border)" }}>
        <h2 style={{ flex: 1 }}>{editing.name ? `${kind.singular}: ${editing.name}` : `New ${kind.singular}`}</h2>
        {canWrite && editing.name && <button className="btn btn-sm" onClick={() => del.mutate({ projectId: project.id, name: editing.name! })}>Delete</button>}
        <button className="btn btn-sm" onClick={onClose}>Close</button>
        {canWrite && <button className="btn btn-sm btn-primary" disabled={!parsed.ok} onClick={save}>Save</button>}
      </div>
      {serverError && <div className="banner banner-error" style={{ borderRadius: 0 }} role="alert">Not saved. {serverError}</div>}
      <div style={{ flex: 1, minHeight: 0, position: "relative" }}>
        <YamlEditor path={`file:///records/${editing.kind}/${editing.name ?? "new"}.${editing.kind}.yaml`} value={text} onChange={setText} problems={problems} readOnly={!canWrite} schema={schema} />
      </div>
      {errors.length > 0 && (
        <div className="problems">
          {errors.map((p, i) => (
            <div key={i} style={{ padding: "4px 12px" }}><span className="pos">{p.range.start.line}:{p.range.start.column}</span>{p.message}</div>
          ))}
        </div>
      )}
    </section>
  );
}
