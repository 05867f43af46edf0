"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Time } from "../ui/time";
import { formatDuration, StatusBadge } from "./format";
import { RunButton } from "./run-dialog";

/** A pipeline's executions: status, who, when, how long, what started it. Refreshes while any is running. */
export function ExecutionList({ project, pipeline }: { project: ProjectProps; pipeline: { id: string; name: string } }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.execution.list.queryOptions({ projectId: project.id, pipelineId: pipeline.id, take: 100 }), refetchInterval: (q) => (q.state.data?.some((e) => !["SUCCESS", "FAILED", "ABORTED", "ROLLED_BACK"].includes(e.status)) ? 2_000 : 15_000) });
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <div className="hint"><Link href={`/p/${project.slug}/pipelines/${pipeline.id}`}>{pipeline.name}</Link></div>
          <h1>Executions</h1>
        </div>
        <RunButton project={project} pipelineId={pipeline.id} />
      </div>
      {list.error && <div className="banner banner-error">{appErrorOf(list.error).message}</div>}
      <div className="card">
        <table className="table">
          <thead><tr><th>#</th><th>Status</th><th>Trigger</th><th>By</th><th>Started</th><th>Duration</th><th>Revision</th></tr></thead>
          <tbody>
            {list.data?.map((e) => (
              <tr key={e.id} data-testid="execution-row">
                <td><Link href={`/p/${project.slug}/executions/${e.id}`}>#{e.sequenceId}</Link></td>
                <td><StatusBadge status={e.status} /></td>
                <td>{e.trigger}</td>
                <td>{e.triggeredBy?.name ?? "system"}</td>
                <td className="muted"><Time value={e.createdAt} /></td>
                <td>{formatDuration(e.durationMs)}</td>
                <td>rev {e.revision}</td>
              </tr>
            ))}
            {list.data?.length === 0 && <tr><td colSpan={7} className="muted">No executions yet.</td></tr>}
          </tbody>
        </table>
      </div>
    </div>
  );
}
