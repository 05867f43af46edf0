"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { appErrorOf } from "~/app/_trpc/errors";
import { useTRPC } from "~/app/_trpc/client";
import { Time } from "../ui/time";
import { CreatePipelineDialog, DeletePipelineDialog, RenamePipelineDialog } from "./pipeline-dialogs";

export type ProjectProps = { id: string; slug: string; name: string; permissions: string[] };

export function PipelineList({ project }: { project: ProjectProps }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.pipeline.list.queryOptions({ projectId: project.id }));
  const canWrite = project.permissions.includes("pipeline.write");
  const [dialog, setDialog] = useState<null | { kind: "create" } | { kind: "rename" | "delete"; id: string; name: string }>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.pipeline.list.queryKey() });

  const create = useMutation(trpc.pipeline.create.mutationOptions({ onSuccess: (p) => router.push(`/p/${project.slug}/pipelines/${p.id}`) }));
  const rename = useMutation(trpc.pipeline.rename.mutationOptions({ onSuccess: () => (setDialog(null), refresh()) }));
  const remove = useMutation(trpc.pipeline.delete.mutationOptions({ onSuccess: () => (setDialog(null), refresh()) }));

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <div className="hint">{project.name}</div>
          <h1>Pipelines</h1>
        </div>
        {canWrite && <button className="btn btn-primary" onClick={() => setDialog({ kind: "create" })}>New pipeline</button>}
      </div>
      {list.error && <div className="banner banner-error">{appErrorOf(list.error).message}</div>}
      <div className="card">
        <table className="table">
          <thead>
            <tr><th>Name</th><th>Revision</th><th>Last change</th><th style={{ width: 160 }} /></tr>
          </thead>
          <tbody>
            {list.data?.map((p) => (
              <tr key={p.id} data-testid="pipeline-row">
                <td>
                  <Link href={`/p/${project.slug}/pipelines/${p.id}`}>{p.name}</Link>
                  {p.description && <div className="hint">{p.description}</div>}
                </td>
                <td>#{p.headRevision}</td>
                <td className="muted">
                  {p.lastRevision ? <>{p.lastRevision.author?.name ?? "system"}, <Time value={p.lastRevision.createdAt} /> — {p.lastRevision.message}</> : "—"}
                </td>
                <td style={{ textAlign: "right" }}>
                  {canWrite && (
                    <span className="row" style={{ justifyContent: "flex-end" }}>
                      <button className="btn btn-sm" onClick={() => setDialog({ kind: "rename", id: p.id, name: p.name })}>Rename</button>
                      <button className="btn btn-sm" onClick={() => setDialog({ kind: "delete", id: p.id, name: p.name })}>Delete</button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
            {list.data?.length === 0 && (
              <tr><td colSpan={4} className="muted">No pipelines yet.{canWrite ? " Create one to get started." : ""}</td></tr>
            )}
            {list.isLoading && <tr><td colSpan={4} className="muted">Loading…</td></tr>}
          </tbody>
        </table>
      </div>
      {dialog?.kind === "create" && (
        <CreatePipelineDialog busy={create.isPending} error={create.error} onClose={() => setDialog(null)} onSubmit={(name) => create.mutate({ projectId: project.id, name })} />
      )}
      {dialog?.kind === "rename" && (
        <RenamePipelineDialog name={dialog.name} busy={rename.isPending} error={rename.error} onClose={() => setDialog(null)} onSubmit={(name) => rename.mutate({ projectId: project.id, pipelineId: dialog.id, name })} />
      )}
      {dialog?.kind === "delete" && (
        <DeletePipelineDialog name={dialog.name} busy={remove.isPending} error={remove.error} onClose={() => setDialog(null)} onConfirm={() => remove.mutate({ projectId: project.id, pipelineId: dialog.id })} />
      )}
    </div>
  );
}
