/**
 * decide() as a table: given a pipeline and a script of inputs, the resulting step, stage and execution states.
 * Each row is one behaviour of the engine (argo-rollouts fixture style); the simulator applies decisions in memory.
 */
import { describe, expect, it } from "vitest";
import { Simulator } from "./simulator";

const doc = (stages: string) => `apiVersion: slipway/v1\nkind: Pipeline\nname: t\nstages:\n${stages}`;
const shell = (id: string, extra = "") => `      - id: ${id}\n        type: shell\n        script: echo ${id}\n${extra}`;

type Action = ["finish", string, "success" | "failure" | "timedOut" | "cancelled"] | ["approve" | "reject" | "claim", string] | ["advance", number] | ["abort" | "pause" | "resume"] | ["finishRb", string, "success" | "failure"];

type Case = {
  name: string;
  yaml: string;
  script: Action[];
  steps?: Record<string, string>;
  stages?: Record<string, string>;
  execution: string;
  queued?: string[];
};

const serial = doc(`  - id: a\n    steps:\n${shell("a1")}${shell("a2")}  - id: b\n    steps:\n${shell("b1")}`);
const dag = doc(`  - id: build\n    steps:\n${shell("compile")}  - id: test\n    needs: [build]\n    steps:\n${shell("unit")}  - id: scan\n    needs: [build]\n    steps:\n${shell("sast")}  - id: ship\n    needs: [test, scan]\n    steps:\n${shell("deploy")}`);
const retry = (then = "fail") => doc(`  - id: a\n    steps:\n${shell("flaky", `        onFailure: { action: retry, retries: 2, backoff: 10s, then: ${then} }\n`)}${shell("after")}`);
const withRollback = doc(`  - id: deploy\n    onFailure: { action: rollback }\n    steps:\n${shell("push")}${shell("verify")}    rollbackSteps:\n${shell("restore")}  - id: notify\n    needs: [deploy]\n    when: always\n    steps:\n${shell("tell")}`);
const approval = doc(`  - id: gate\n    steps:\n      - id: ok\n        type: approval\n        timeout: 1h\n        approvers: { roles: [Admin] }\n  - id: go\n    steps:\n${shell("ship")}`);
const parallel = doc(`  - id: a\n    steps:\n      - id: both\n        type: parallel\n        steps:\n${shell("left").replace(/^ {6}/gm, "          ")}${shell("right").replace(/^ {6}/gm, "          ")}${shell("join")}`);
const waitDoc = doc(`  - id: a\n    steps:\n      - id: pause-a-bit\n        type: wait\n        duration: 30s\n${shell("next")}`);

const cases: Case[] = [
  { name: "serial stages run in order and succeed", yaml: serial, script: [["finish", "a1", "success"], ["finish", "a2", "success"], ["finish", "b1", "success"]], execution: "SUCCESS", stages: { a: "SUCCESS", b: "SUCCESS" } },
  { name: "the first step is queued for a delegate at start", yaml: serial, script: [], execution: "RUNNING", queued: ["a1"], steps: { a1: "QUEUED", a2: "PENDING", b1: "PENDING" } },
  { name: "a failed step fails its stage, skips the rest and the dependent stage", yaml: serial, script: [["finish", "a1", "failure"]], execution: "FAILED", steps: { a1: "FAILED", a2: "SKIPPED", b1: "PENDING" }, stages: { a: "FAILED", b: "SKIPPED" } },
  { name: "independent stages of a DAG run side by side", yaml: dag, script: [["finish", "compile", "success"]], execution: "RUNNING", queued: ["compile", "unit", "sast"], steps: { unit: "QUEUED", sast: "QUEUED", deploy: "PENDING" } },
  { name: "a stage needing two waits for both", yaml: dag, script: [["finish", "compile", "success"], ["finish", "unit", "success"]], execution: "RUNNING", steps: { deploy: "PENDING" }, stages: { ship: "PENDING" } },
  { name: "a failure on one branch skips the join stage", yaml: dag, script: [["finish", "compile", "success"], ["finish", "unit", "failure"], ["finish", "sast", "success"]], execution: "FAILED", stages: { test: "FAILED", scan: "SUCCESS", ship: "SKIPPED" } },
  { name: "retry creates a new attempt after the backoff", yaml: retry(), script: [["finish", "flaky", "failure"]], execution: "RUNNING", steps: { flaky: "PENDING" } },
  { name: "the retry attempt is queued once the backoff passed", yaml: retry(), script: [["finish", "flaky", "failure"], ["advance", 10_000]], execution: "RUNNING", steps: { flaky: "QUEUED" } },
  { name: "a retry that succeeds lets the stage go on", yaml: retry(), script: [["finish", "flaky", "failure"], ["advance", 10_000], ["finish", "flaky", "success"], ["finish", "after", "success"]], execution: "SUCCESS" },
  { name: "retries used up fall back to `then: fail`", yaml: retry(), script: [["finish", "flaky", "failure"], ["advance", 10_000], ["finish", "flaky", "failure"], ["advance", 20_000], ["finish", "flaky", "failure"]], execution: "FAILED", steps: { flaky: "FAILED", after: "SKIPPED" } },
  { name: "retries used up fall back to `then: ignore`", yaml: retry("ignore"), script: [["finish", "flaky", "failure"], ["advance", 10_000], ["finish", "flaky", "timedOut"], ["advance", 20_000], ["finish", "flaky", "failure"], ["finish", "after", "success"]], execution: "SUCCESS", steps: { flaky: "IGNORED" } },
  { name: "retries used up can ask for manual intervention, which pauses the execution", yaml: retry("manualIntervention"), script: [["finish", "flaky", "failure"], ["advance", 10_000], ["finish", "flaky", "failure"], ["advance", 20_000], ["finish", "flaky", "failure"]], execution: "PAUSED", steps: { flaky: "INTERVENTION_REQUIRED" } },
  { name: "an ignored failure concludes success", yaml: doc(`  - id: a\n    steps:\n${shell("x", "        onFailure: { action: ignore }\n")}${shell("y")}`), script: [["finish", "x", "failure"], ["finish", "y", "success"]], execution: "SUCCESS", steps: { x: "IGNORED", y: "SUCCESS" } },
  { name: "abort as a failure strategy aborts the execution", yaml: doc(`  - id: a\n    steps:\n${shell("x", "        onFailure: { action: abort }\n")}  - id: b\n    steps:\n${shell("y")}`), script: [["finish", "x", "failure"]], execution: "ABORTED", stages: { a: "FAILED", b: "ABORTED" } },
  { name: "a stage's rollback strategy runs its rollback steps and ends ROLLED_BACK", yaml: withRollback, script: [["finish", "push", "success"], ["finish", "verify", "failure"]], execution: "ROLLING_BACK", steps: { "rb:restore": "QUEUED" }, stages: { deploy: "ROLLING_BACK" } },
  { name: "after rollback steps succeed the execution is ROLLED_BACK and `when: always` stages still run", yaml: withRollback, script: [["finish", "push", "success"], ["finish", "verify", "failure"], ["finishRb", "restore", "success"], ["finish", "tell", "success"]], execution: "ROLLED_BACK", stages: { deploy: "ROLLED_BACK", notify: "SUCCESS" } },
  { name: "a failed rollback step fails the stage", yaml: withRollback, script: [["finish", "push", "failure"], ["finishRb", "restore", "failure"], ["finish", "tell", "success"]], execution: "FAILED", stages: { deploy: "FAILED" } },
  { name: "an approval waits, and the execution says so", yaml: approval, script: [], execution: "APPROVAL_REQUIRED", steps: { ok: "APPROVAL_REQUIRED" } },
  { name: "approving lets the pipeline continue", yaml: approval, script: [["approve", "ok"], ["finish", "ship", "success"]], execution: "SUCCESS", steps: { ok: "APPROVED" } },
  { name: "rejecting fails the pipeline", yaml: approval, script: [["reject", "ok"]], execution: "FAILED", steps: { ok: "REJECTED", ship: "PENDING" }, stages: { gate: "FAILED", go: "SKIPPED" } },
  { name: "an approval nobody answers expires at its timeout", yaml: approval, script: [["advance", 3_600_000]], execution: "FAILED", steps: { ok: "EXPIRED" } },
  { name: "parallel steps start together and the next row waits for both", yaml: parallel, script: [["finish", "left", "success"]], execution: "RUNNING", queued: ["left", "right"], steps: { right: "QUEUED", join: "PENDING" } },
  { name: "a failure in a parallel group waits for its sibling, then skips the rest", yaml: parallel, script: [["finish", "left", "failure"], ["finish", "right", "success"]], execution: "FAILED", steps: { join: "SKIPPED" } },
  { name: "a wait step ends after its duration", yaml: waitDoc, script: [["advance", 30_000]], execution: "RUNNING", steps: { "pause-a-bit": "SUCCESS", next: "QUEUED" } },
  { name: "user abort skips pending work and asks running delegates to stop", yaml: serial, script: [["claim", "a1"], ["abort"]], execution: "RUNNING", steps: { a1: "RUNNING", a2: "ABORTED" } },
  { name: "abort completes when the delegate reports the cancellation", yaml: serial, script: [["claim", "a1"], ["abort"], ["finish", "a1", "cancelled"]], execution: "ABORTED", stages: { a: "ABORTED", b: "ABORTED" } },
  { name: "pause lets running steps finish but starts nothing new", yaml: serial, script: [["pause"], ["finish", "a1", "success"]], execution: "PAUSED", steps: { a1: "SUCCESS", a2: "PENDING" } },
  { name: "resume starts what pause held back", yaml: serial, script: [["pause"], ["finish", "a1", "success"], ["resume"]], execution: "RUNNING", steps: { a2: "QUEUED" } },
  { name: "a step with `when: always` runs after an earlier failure", yaml: doc(`  - id: a\n    steps:\n${shell("x")}${shell("cleanup", "        when: always\n")}`), script: [["finish", "x", "failure"]], execution: "RUNNING", steps: { cleanup: "QUEUED" } },
  { name: "a stage with `when: onFailure` is skipped when nothing failed", yaml: doc(`  - id: a\n    steps:\n${shell("x")}  - id: page-oncall\n    when: onFailure\n    steps:\n${shell("page")}`), script: [["finish", "x", "success"]], execution: "SUCCESS", stages: { "page-oncall": "SKIPPED" } },
  { name: "a step timeout fails a delegate step nobody picks up", yaml: doc(`  - id: a\n    steps:\n${shell("x", "        timeout: 1m\n")}`), script: [["advance", 60_000]], execution: "FAILED", steps: { x: "FAILED" } },
];

describe("decide()", () => {
  it.each(cases)("$name", (c) => {
    const sim = new Simulator(c.yaml);
    const first = sim.reconcile();
    const queued = [...first.dispatch];
    for (const action of c.script) {
      if (action[0] === "finish") queued.push(...sim.finish(action[1], action[2]).dispatch);
      else if (action[0] === "finishRb") queued.push(...sim.finish(action[1], action[2], "", true).dispatch);
      else if (action[0] === "approve") sim.approve(action[1]);
      else if (action[0] === "reject") sim.reject(action[1]);
      else if (action[0] === "claim") sim.claim(action[1]);
      else if (action[0] === "advance") queued.push(...sim.advance(action[1]).dispatch);
      else {
        if (action[0] === "abort") sim.state.abortRequested = true;
        if (action[0] === "pause") sim.state = { ...sim.state, pauseRequested: true };
        if (action[0] === "resume") sim.state = { ...sim.state, pauseRequested: false };
        queued.push(...sim.reconcile().dispatch);
      }
    }
    expect(sim.state.status).toBe(c.execution);
    if (c.steps) expect(sim.statuses()).toMatchObject(c.steps);
    if (c.stages) expect(sim.stageStatuses()).toMatchObject(c.stages);
    if (c.queued) for (const step of c.queued) expect(queued.map((id) => sim.state.attempts.find((a) => a.id === id)?.stepId ?? id.split(":").at(-2))).toContain(step);
  });

  it("records a cause for every transition", () => {
    const sim = new Simulator(serial);
    sim.reconcile();
    sim.finish("a1", "failure", "exit code 2");
    const transitions = sim.log.flatMap((d) => d.transitions);
    expect(transitions.length).toBeGreaterThan(4);
    for (const t of transitions) expect(t.cause.length).toBeGreaterThan(3);
    expect(transitions.find((t) => t.scope === "stage" && t.to === "FAILED")?.cause).toContain("a1");
  });

  it("is idempotent: reconciling again without new input changes nothing", () => {
    const sim = new Simulator(dag);
    sim.reconcile();
    const again = sim.reconcile();
    expect([again.updates, again.creates, again.stages, again.transitions, again.dispatch]).toEqual([[], [], [], [], []]);
  });

  it("asks to look again at the earliest due time", () => {
    const sim = new Simulator(retry());
    sim.reconcile();
    expect(sim.finish("flaky", "failure").wakeAt).toBe(sim.now + 10_000);
  });

  it("doubles the retry backoff", () => {
    const sim = new Simulator(retry());
    sim.reconcile();
    sim.finish("flaky", "failure");
    sim.advance(10_000);
    expect(sim.finish("flaky", "failure").wakeAt).toBe(sim.now + 20_000);
  });

  it("does nothing to a finished execution", () => {
    const sim = new Simulator(serial);
    sim.reconcile();
    sim.finish("a1", "failure");
    expect(sim.reconcile().transitions).toEqual([]);
  });
});
