import Link from "next/link";
import { ROLE_LABELS } from "~/server/rbac";
import type { Role } from "~/generated/prisma/enums";

type Item = { slug: string; name: string; description: string; role: Role; pipelineCount: number };

export function ProjectList({ projects }: { projects: Item[] }) {
  return (
    <div className="page">
      <div className="page-head">
        <h1>Projects</h1>
      </div>
      {projects.length === 0 ? (
        <div className="card card-pad muted">You are not a member of any project yet. Ask an Admin to add you.</div>
      ) : (
        <div className="card">
          <table className="table">
            <thead>
              <tr><th>Project</th><th>Your role</th><th>Pipelines</th></tr>
            </thead>
            <tbody>
              {projects.map((p) => (
                <tr key={p.slug}>
                  <td><Link href={`/p/${p.slug}/pipelines`}>{p.name}</Link><div className="hint">{p.description}</div></td>
                  <td><span className="badge">{ROLE_LABELS[p.role]}</span></td>
                  <td>{p.pipelineCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
