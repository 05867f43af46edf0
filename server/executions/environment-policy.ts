/**
 * Environment rules, on top of the permission table: who may run into an environment, who may approve there,
 * whether a session that passed MFA is required, and whether the person who started a run may approve it.
 * PRODUCTION environments default to MFA required and no self-approval.
 */
import { EnvironmentPolicySchema, type EnvironmentPolicy } from "@slipway/pipeline-spec/records";
import type { Role } from "~/generated/prisma/enums";
import type { SessionUser } from "../auth/session";
import { AppError } from "../errors";

const SPEC_ROLE: Record<string, Role> = { Admin: "ADMIN", PipelineAdmin: "PIPELINE_ADMIN", PipelineExecutor: "PIPELINE_EXECUTOR", Viewer: "VIEWER" };

export type EnvRule = { name: string; type: string; policy: EnvironmentPolicy };

export function effectivePolicy(env: { type: string; policy: unknown }) {
  const p = EnvironmentPolicySchema.parse(env.policy ?? {});
  const prod = env.type === "PRODUCTION";
  return { ...p, requireMfa: p.requireMfa ?? prod, forbidSelfApproval: p.forbidSelfApproval ?? prod, allowApiKeys: p.allowApiKeys ?? !prod };
}

function listed(roles: string[] | undefined, users: string[] | undefined, user: SessionUser, role: Role): boolean | null {
  if (!roles?.length && !users?.length) return null;
  return Boolean(roles?.some((r) => SPEC_ROLE[r] === role) || users?.some((u) => u.toLowerCase() === user.email.toLowerCase()));
}

export function assertMayRunInto(env: { name: string; type: string; policy: unknown }, user: SessionUser, role: Role): void {
  const p = effectivePolicy(env);
  if (user.kind === "apikey" && !p.allowApiKeys) throw new AppError("FORBIDDEN", `API keys may not run into environment "${env.name}" (its policy: allowApiKeys is off)`);
  const ok = listed(p.runRoles, p.runUsers, user, role);
  if (ok === false) throw new AppError("FORBIDDEN", `Only ${[...(p.runRoles ?? []), ...(p.runUsers ?? [])].join(", ")} may run into environment "${env.name}"`);
  if (p.requireMfa && user.kind === "user" && !user.mfa) throw new AppError("FORBIDDEN", `Running into environment "${env.name}" needs a sign-in with multi-factor authentication`, { details: { needsMfa: true } });
}

export function assertMayApproveIn(env: { name: string; type: string; policy: unknown }, user: SessionUser, role: Role, startedById: string | null): void {
  const p = effectivePolicy(env);
  const ok = listed(p.approveRoles, p.approveUsers, user, role);
  if (ok === false) throw new AppError("FORBIDDEN", `Only ${[...(p.approveRoles ?? []), ...(p.approveUsers ?? [])].join(", ")} may approve in environment "${env.name}"`);
  if (p.forbidSelfApproval && startedById && startedById === user.id) throw new AppError("FORBIDDEN", `You started this run; approvals in environment "${env.name}" must come from someone else`);
  if (p.requireMfa && !user.mfa) throw new AppError("FORBIDDEN", `Approving in environment "${env.name}" needs a sign-in with multi-factor authentication`, { details: { needsMfa: true } });
}
