"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { stringify } from "yaml";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Time } from "../ui/time";
import { RecordEditor } from "./record-editor";
import { SecretsSection } from "./secrets-section";
import { RECORD_KINDS, type RecordKind } from "./record-kinds";

type Editing = { kind: RecordKind; name: string | null; yaml: string };

/** Services, environments and infrastructure definitions, each edited as a YAML document against its schema. */
export function RecordsPage({ project }: { project: ProjectProps }) {
  const trpc = useTRPC();
  const records = useQuery(trpc.record.list.queryOptions({ projectId: project.id }));
  const canWrite = project.permissions.includes("record.write");
  const [editing, setEditing] = useState<Editing | null>(null);
  const data = records.data;

  const rows: Record<RecordKind, { name: string; description: string; type: string; updatedAt: Date; doc: object }[]> = {
    environment: (data?.environments ?? []).map((e) => ({ name: e.name, description: e.description, type: e.type, updatedAt: e.updatedAt, doc: { name: e.name, description: e.description, type: e.type, variables: e.variables } })),
    service: (data?.services ?? []).map((s) => ({ name: s.name, description: s.description, type: s.type, updatedAt: s.updatedAt, doc: { name: s.name, description: s.description, spec: s.spec } })),
    infrastructure: (data?.infrastructures ?? []).map((i) => ({ name: i.name, description: i.description, type: `${i.type} · ${i.environment}`, updatedAt: i.updatedAt, doc: { name: i.name, description: i.description, environment: i.environment, spec: i.spec } })),
  };

  return (
    <div className="page" style={{ maxWidth: editing ? "none" : undefined }}>
      <div style={{ display: "grid", gridTemplateColumns: editing ? "minmax(0, 1fr) minmax(0, 1.2fr)" : "1fr", gap: 20 }}>
        <div className="stack" style={{ gap: 20 }}>
          <div>
            <div className="hint">{project.name}</div>
            <h1>Services &amp; environments</h1>
          </div>
          {records.error && <div className="banner banner-error">{appErrorOf(records.error).message}</div>}
          {(["environment", "service", "infrastructure"] as const).map((kind) => (
            <section key={kind} className="card" data-testid={`records-${kind}`}>
              <div className="row" style={{ justifyContent: "space-between", padding: "12px 16px", borderBottom: "1px solid var(--border)" }}>
                <h2>{RECORD_KINDS[kind].title}</h2>
                {canWrite && <button className="btn btn-sm" onClick={() => setEditing({ kind, name: null, yaml: RECORD_KINDS[kind].template })}>New {RECORD_KINDS[kind].singular}</button>}
              </div>
              <table className="table">
                <tbody>
                  {rows[kind].map((r) => (
                    <tr key={r.name} style={{ cursor: "pointer", background: editing?.kind === kind && editing.name === r.name ? "var(--accent-soft)" : undefined }} onClick={() => setEditing({ kind, name: r.name, yaml: stringify(r.doc, { lineWidth: 0 }) })}>
                      <td><strong>{r.name}</strong><div className="hint">{r.description}</div></td>
                      <td><span className="badge">{r.type}</span></td>
                      <td className="hint"><Time value={r.updatedAt} /></td>
                    </tr>
                  ))}
                  {rows[kind].length === 0 && <tr><td className="muted">None yet.</td></tr>}
                </tbody>
              </table>
            </section>
          ))}
          <SecretsSection project={project} />
        </div>
        {editing && <RecordEditor key={`${editing.kind}:${editing.name ?? "new"}`} project={project} editing={editing} canWrite={canWrite} onClose={() => setEditing(null)} />}
      </div>
    </div>
  );
}
