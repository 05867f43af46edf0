/**
 * A delegate played by the test itself at the domain-function level (register, claim, logs, result) — for engine
 * tests that need precise control of timing. The real delegate process is exercised in the e2e and process tests.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../server/db";
import { appendLogs } from "../server/delegates/append-logs";
import { claimTask } from "../server/delegates/claim-task";
import { offeredTo } from "../server/delegates/dispatch";
import { registerDelegate } from "../server/delegates/register-delegate";
import { createDelegateToken } from "../server/delegates/tokens";

export async function fakeDelegate(db: Db, o: { name?: string; tags?: string[]; maxTasks?: number } = {}) {
  const token = await createDelegateToken({ db, name: `t-${randomUUID().slice(0, 8)}`, userId: (await db.user.findFirstOrThrow()).id, actor: { type: "system", id: null, label: "test" } });
  const caller = { tokenId: token.id, tokenName: token.name, delegate: null };
  const reg = await registerDelegate({ db, caller, body: { name: o.name ?? "fake", tags: o.tags ?? [], maxTasks: o.maxTasks ?? 4, version: "test", hostname: "localhost", runningTaskIds: [], kinds: [] }, ip: null });
  const me = await db.delegate.findUniqueOrThrow({ where: { id: reg.delegateId }, select: { id: true, name: true, tags: true, maxTasks: true } });
  const authed = { ...caller, delegate: me };
  return {
    id: me.id,
    token: token.token,
    offered: () => db.$transaction((tx) => offeredTo(tx, me.id)),
    claim: (taskId: string) => claimTask({ db, caller: authed, taskId, claimId: randomUUID() }),
    log: (taskId: string, fencingToken: number, seq: number, lines: string[]) => appendLogs({ db, delegateId: me.id, taskId, fencingToken, chunks: [{ seq, stream: "stdout", lines, ts: Date.now() }] }),
  };
}
