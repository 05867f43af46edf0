"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import type { ProjectProps } from "../pipelines/pipeline-list";
import { Dialog } from "../ui/dialog";
import { ApiKeysSection } from "./api-keys-section";
import { MappingsTable } from "./mappings-table";

const ROLES = [["ADMIN", "Admin"], ["PIPELINE_ADMIN", "Pipeline Admin"], ["PIPELINE_EXECUTOR", "Pipeline Executor"], ["VIEWER", "Viewer"]] as const;
type RoleValue = (typeof ROLES)[number][0];

/** Who has which role in the project: members, identity-provider groups mapped to roles, and API keys. */
export function MembersPage({ project }: { project: ProjectProps }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const data = useQuery(trpc.access.members.queryOptions({ projectId: project.id }));
  const canManage = project.permissions.includes("member.manage");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.access.members.queryKey() });
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<{ email: string; password: string } | null>(null);
  const invite = useMutation(trpc.access.invite.mutationOptions({ onSuccess: (r, v) => (setInviting(false), r.oneTimePassword && setInvited({ email: v.email, password: r.oneTimePassword }), refresh()) }));
  const changeRole = useMutation(trpc.access.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.access.remove.mutationOptions({ onSuccess: refresh }));
  const saveMapping = useMutation(trpc.access.saveProjectMapping.mutationOptions({ onSuccess: refresh }));
  const deleteMapping = useMutation(trpc.access.deleteProjectMapping.mutationOptions({ onSuccess: refresh }));
  const err = changeRole.error ?? remove.error ?? saveMapping.error ?? deleteMapping.error;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    invite.mutate({ projectId: project.id, email: String(f.get("email")), role: String(f.get("role")) as RoleValue });
  };

  return (
    <div className="page">
      <div className="page-head">
        <div><div className="hint">{project.name}</div><h1>Members</h1></div>
        {canManage && <button className="btn btn-primary" onClick={() => setInviting(true)}>Invite</button>}
      </div>
      {err && <div className="banner banner-error" style={{ marginBottom: 12 }}>{appErrorOf(err).message}</div>}
      <section className="card" style={{ marginBottom: 20 }} data-testid="members">
        <table className="table">
          <thead><tr><th>Member</th><th>Role</th><th>Sign-in</th><th /></tr></thead>
          <tbody>
            {data.data?.members.map((m) => (
              <tr key={m.id}>
                <td><strong>{m.user.name}</strong><div className="hint">{m.user.email}{m.user.disabled ? " · disabled" : ""}</div></td>
                <td>
                  {canManage ? (
                    <select className="select" value={m.role} aria-label={`Role of ${m.user.email}`} onChange={(e) => changeRole.mutate({ projectId: project.id, membershipId: m.id, role: e.target.value as RoleValue })}>
                      {ROLES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                    </select>
                  ) : ROLES.find(([v]) => v === m.role)?.[1]}
                </td>
                <td className="hint">{m.user.signIn.join(", ") || "not yet"}{m.user.twoFactorEnabled ? " · 2FA" : ""}</td>
                <td style={{ textAlign: "right" }}>{canManage && <button className="btn btn-sm" onClick={() => confirm(`Remove ${m.user.email} from ${project.name}?`) && remove.mutate({ projectId: project.id, membershipId: m.id })}>Remove</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <MappingsTable
        title="Identity-provider groups"
        hint="People signing in through SSO get these roles from their groups, on every request: a change here applies at once."
        mappings={(data.data?.mappings ?? []).map((m) => ({ ...m, inherited: m.projectId === null }))}
        canManage={canManage}
        onSave={(group, role) => saveMapping.mutate({ projectId: project.id, group, role })}
        onDelete={(id) => deleteMapping.mutate({ projectId: project.id, mappingId: id })}
      />
      {project.permissions.includes("apikey.manage") && <ApiKeysSection project={project} />}
      {inviting && (
        <Dialog title="Invite a member" onClose={() => setInviting(false)}>
          <form onSubmit={submit}>
            <div className="field"><label htmlFor="invite-email">Email</label><input id="invite-email" name="email" type="email" className="input" required autoFocus /></div>
            <div className="field"><label htmlFor="invite-role">Role</label><select id="invite-role" name="role" className="select" defaultValue="VIEWER">{ROLES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}</select></div>
            {invite.error && <div className="field-error">{appErrorOf(invite.error).message}</div>}
            <div className="dialog-actions"><button type="button" className="btn" onClick={() => setInviting(false)}>Cancel</button><button className="btn btn-primary" type="submit" disabled={invite.isPending}>Invite</button></div>
          </form>
        </Dialog>
      )}
      {invited && (
        <Dialog title="Invitation created" onClose={() => setInvited(null)}>
          <p>{invited.email} can sign in with this one-time password (shown only now):</p>
          <pre className="card card-pad mono">{invited.password}</pre>
          <div className="dialog-actions"><button className="btn btn-primary" onClick={() => setInvited(null)}>Done</button></div>
        </Dialog>
      )}
    </div>
  );
}
