"use client";
/**
 * Where a deployment strategy stands, from the progress its delegate posts (pipeline-spec protocol, Progress).
 *
 *   SSH   one row per host: the phase it is in or last ran, its status, the release it runs now; the batch bar and a
 *         count of hosts per release ("which hosts are on which version"). A host's name opens its own log lane.
 *   ECS   the service state machine of reference 003 §8.2 across the stage's steps (deploy → shift → monitor → …),
 *         the live blue/green weights, the services' task counts and rollout state, and the sample that failed a
 *         verification with a link to it.
 */
import type { Progress } from "@slipway/pipeline-spec/protocol";
import styles from "./strategy-progress.module.css";
import type { StepRow } from "./use-execution";

type SshProgress = Extract<Progress, { kind: "ssh" }>;
type EcsProgress = Extract<Progress, { kind: "ecs" }>;

export function SshHosts({ progress, lane, onLane }: { progress: SshProgress; lane: string | null; onLane: (lane: string | null) => void }) {
  const done = progress.hosts.filter((h) => h.status === "done").length;
  const failed = progress.hosts.filter((h) => h.status === "failed").length;
  const releases = new Map<string, number>();
  for (const h of progress.hosts) releases.set(h.release ?? "unknown", (releases.get(h.release ?? "unknown") ?? 0) + 1);
  const share = (n: number) => `${(100 * n) / Math.max(1, progress.hosts.length)}%`;
  return (
    <section className={styles.box} aria-label="Hosts" data-testid="ssh-progress">
      <div className={styles.head}>
        <strong>Hosts</strong>
        <span className="hint">
          {done} of {progress.hosts.length} done{failed ? `, ${failed} failed` : ""}
          {progress.batch && progress.batch.total > 0 ? ` · batch ${Math.min(progress.batch.index + 1, progress.batch.total)} of ${progress.batch.total}` : ""}
        </span>
      </div>
      <div className={styles.bar} role="progressbar" aria-label="Hosts done" aria-valuemin={0} aria-valuemax={progress.hosts.length} aria-valuenow={done}>
        <span className={styles.barDone} style={{ width: share(done) }} />
        <span className={styles.barFailed} style={{ width: share(failed) }} />
      </div>
      <div className={styles.releases} data-testid="ssh-releases">
        {[...releases].map(([release, n]) => (
          <span key={release} className={styles.chip}>
            {release}: {n} host{n === 1 ? "" : "s"}
          </span>
        ))}
      </div>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Host</th>
            <th>Phase</th>
            <th>Status</th>
            <th>Release</th>
          </tr>
        </thead>
        <tbody>
          {progress.hosts.map((h) => (
            <tr key={h.name} data-testid="ssh-host" data-host={h.name} data-status={h.status} aria-selected={lane === h.name}>
              <td>
                <button className={styles.link} onClick={() => onLane(lane === h.name ? null : h.name)} title="Show this host's log">
                  {h.name}
                </button>
              </td>
              <td>{h.phase ?? "–"}</td>
              <td>
                <span className={`${styles.status} ${styles[h.status]}`}>{h.status}</span>
                {h.message && <div className="hint">{h.message}</div>}
              </td>
              <td>{h.release ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * The success path of 003 §8.2, with the weights the stage's steps actually used in place of 10/50/100; a rolling
 * update (one service updated in place) has the short path.
 */
function statePath(phases: string[]): string[] {
  if (phases.includes("UPDATING_SERVICE")) return ["PRE_CHECK", "REGISTER_TASK_DEFINITION", "UPDATING_SERVICE", "STABLE"];
  const weights = [...new Set(phases.map((p) => /^(?:TRAFFIC_SHIFT|MONITORING|ANOMALY)_(\d+)$/.exec(p)?.[1]).filter((w): w is string => !!w))].sort((a, b) => +a - +b);
  const path = ["STABLE_BLUE", "REGISTER_TASK_DEFINITION", "CREATING_GREEN", "HEALTHY_GREEN"];
  for (const w of weights) path.push(`TRAFFIC_SHIFT_${w}`, `MONITORING_${w}`);
  path.push("STABLE_GREEN", "DELETING_BLUE", "COMPLETE");
  return path;
}

const FAILED = /^(UNHEALTHY|ANOMALY_\d+)$/;

export function EcsStrategy({ steps }: { steps: StepRow[] }) {
  const posts = steps.filter((s) => s.progress?.kind === "ecs").map((s) => ({ step: s, p: s.progress as EcsProgress }));
  if (!posts.length) return null;
  const latest = posts.at(-1)!.p;
  const reached = posts.map((x) => x.p.phase);
  const rolling = reached.some((p) => p === "ROLLING_BACK");
  const path = statePath(reached);
  const weights = [...posts].reverse().find((x) => x.p.weights)?.p.weights ?? null;
  const services = [...posts].reverse().find((x) => x.p.services.length)?.p.services ?? [];
  const failing = [...posts].reverse().find((x) => x.p.failingSample);
  return (
    <section className={styles.box} aria-label="ECS deployment" data-testid="ecs-progress" data-phase={latest.phase}>
      <div className={styles.head}>
        <strong>ECS service</strong>
        <span className="hint">now: {latest.phase}</span>
      </div>
      <ol className={styles.path} aria-label="Service state">
        {path.map((phase) => (
          <li key={phase} className={reached.includes(phase) ? (phase === latest.phase ? styles.current : styles.passed) : undefined}>
            {phase}
          </li>
        ))}
        {reached.filter((p) => FAILED.test(p) || p === "ROLLING_BACK").map((p) => (
          <li key={p} className={styles.bad}>
            {p}
          </li>
        ))}
        {rolling && latest.phase !== "ROLLING_BACK" && <li className={styles.current}>{latest.phase} (restored)</li>}
      </ol>
      {weights && (
        <div data-testid="ecs-weights">
          <div className={styles.weights} role="img" aria-label={`blue ${weights.blue}%, green ${weights.green}%`}>
            <span className={styles.blue} style={{ width: `${weights.blue}%` }}>{weights.blue > 8 ? `blue ${weights.blue}%` : ""}</span>
            <span className={styles.green} style={{ width: `${weights.green}%` }}>{weights.green > 8 ? `green ${weights.green}%` : ""}</span>
          </div>
        </div>
      )}
      {services.length > 0 && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Service</th>
              <th>Role</th>
              <th>Tasks</th>
              <th>Task definition</th>
              <th>Rollout</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={`${s.name}-${s.role}`} data-testid="ecs-service">
                <td>{s.name}</td>
                <td>{s.role}</td>
                <td>
                  {s.running}/{s.desired}
                  {s.pending ? ` (+${s.pending} pending)` : ""}
                </td>
                <td>{s.taskDefinition.split("/").at(-1)}</td>
                <td>{s.rolloutState ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {failing?.p.failingSample && (
        <div className="banner banner-error" data-testid="failing-sample">
          <strong>{failing.step.stepId}</strong> failed on {failing.p.failingSample.metric}: {failing.p.failingSample.value} against a threshold of {failing.p.failingSample.threshold} at{" "}
          {new Date(failing.p.failingSample.at).toLocaleTimeString()}
          {failing.p.failingSample.link && (
            <>
              {" "}
              ·{" "}
              <a href={failing.p.failingSample.link} target="_blank" rel="noreferrer">
                see the sample
              </a>
            </>
          )}
        </div>
      )}
    </section>
  );
}
