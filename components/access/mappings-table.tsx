"use client";
import { useState } from "react";

const ROLES = [["ADMIN", "Admin"], ["PIPELINE_ADMIN", "Pipeline Admin"], ["PIPELINE_EXECUTOR", "Pipeline Executor"], ["VIEWER", "Viewer"]] as const;
type RoleValue = (typeof ROLES)[number][0];
type Mapping = { id: string; group: string; role: string; inherited?: boolean };

/** Group → role rules, editable in place; organisation-wide rules show as inherited in a project. */
export function MappingsTable({ title, hint, mappings, canManage, onSave, onDelete }: { title: string; hint: string; mappings: Mapping[]; canManage: boolean; onSave: (group: string, role: RoleValue) => void; onDelete: (id: string) => void }) {
  const [group, setGroup] = useState("");
  const [role, setRole] = useState<RoleValue>("PIPELINE_EXECUTOR");
  return (
    <section className="card" style={{ marginBottom: 20 }} data-testid="mappings">
      <div style={{ padding: "12px 16px", borderBottom: "1px solid var(--border)" }}><h2>{title}</h2><div className="hint">{hint}</div></div>
      <table className="table">
        <tbody>
          {mappings.map((m) => (
            <tr key={m.id}>
              <td className="mono">{m.group}</td>
              <td>
                {canManage && !m.inherited ? (
                  <select className="select" value={m.role} aria-label={`Role for group ${m.group}`} onChange={(e) => onSave(m.group, e.target.value as RoleValue)}>{ROLES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}</select>
                ) : (ROLES.find(([v]) => v === m.role)?.[1] ?? m.role)}
              </td>
              <td className="hint">{m.inherited ? "organisation-wide" : "this project"}</td>
              <td style={{ textAlign: "right" }}>{canManage && !m.inherited && <button className="btn btn-sm" onClick={() => onDelete(m.id)}>Remove</button>}</td>
            </tr>
          ))}
          {mappings.length === 0 && <tr><td className="muted">No group is mapped.</td></tr>}
        </tbody>
      </table>
      {canManage && (
        <form className="row" style={{ padding: 12 }} onSubmit={(e) => (e.preventDefault(), group.trim() && (onSave(group.trim(), role), setGroup("")))}>
          <input className="input" placeholder="group, e.g. team-a-deployers" value={group} onChange={(e) => setGroup(e.target.value)} aria-label="Group" />
          <select className="select" value={role} onChange={(e) => setRole(e.target.value as RoleValue)} aria-label="Role">{ROLES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}</select>
          <button className="btn" type="submit">Add mapping</button>
        </form>
      )}
    </section>
  );
}
