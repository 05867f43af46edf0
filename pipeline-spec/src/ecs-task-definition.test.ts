import { describe, expect, it } from "vitest";
import { renderTaskDefinition, type RenderResult } from "./ecs-task-definition";

const TEMPLATE = `{
  "family": "{{SERVICE_NAME}}-task",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "{{CPU}}",
  "memory": "{{MEMORY}}",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "{{IMAGE}}",
      "essential": true,
      "portMappings": [{ "containerPort": {{CONTAINER_PORT}}, "protocol": "tcp" }],
      "environment": [
        { "name": "VERSION", "value": "{{IMAGE_TAG}}" },
        { "name": "GREETING", "value": "{{GREETING}}" }
      ]
    }
  ]
}`;

const VARS = {
  SERVICE_NAME: "checkout",
  CPU: "256",
  MEMORY: "512",
  IMAGE: "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:v2",
  IMAGE_TAG: "v2",
  CONTAINER_PORT: "8080",
  GREETING: "hello",
};

function ok(r: RenderResult): Record<string, unknown> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.problems)}`);
  return r.taskDefinition;
}

function problems(r: RenderResult) {
  if (r.ok) throw new Error("expected problems, got a task definition");
  return r.problems;
}

const container = (td: Record<string, unknown>) => (td.containerDefinitions as Record<string, unknown>[])[0]!;

describe("renderTaskDefinition", () => {
  it("renders string and numeric placeholders: a numeric one stays a number", () => {
    const td = ok(renderTaskDefinition(TEMPLATE, VARS));
    expect(td.family).toBe("checkout-task");
    expect(container(td).image).toBe(VARS.IMAGE);
    expect((container(td).portMappings as { containerPort: unknown }[])[0]!.containerPort).toBe(8080);
    expect(td.cpu).toBe("256");
  });

  it("allows whitespace inside the braces", () => {
    const td = ok(renderTaskDefinition(TEMPLATE.replace("{{IMAGE}}", "{{ IMAGE }}"), VARS));
    expect(container(td).image).toBe(VARS.IMAGE);
  });

  it("escapes values inside strings so quotes, backslashes and newlines cannot break the document", () => {
    const nasty = 'say "hi"\\ and \n bye", "injected": "x';
    const td = ok(renderTaskDefinition(TEMPLATE, { ...VARS, GREETING: nasty }));
    const env = container(td).environment as { name: string; value: string }[];
    expect(env.find((e) => e.name === "GREETING")!.value).toBe(nasty);
    expect(Object.keys(container(td))).not.toContain("injected");
  });

  it("tracks escaped quotes and backslashes in the template itself", () => {
    const template = TEMPLATE.replace('"value": "{{GREETING}}"', '"value": "a \\\\\\" b \\\\", "note": "{{GREETING}}"');
    const td = ok(renderTaskDefinition(template, { ...VARS, GREETING: 'q"uote' }));
    const env = container(td).environment as Record<string, string>[];
    expect(env[1]).toEqual({ name: "GREETING", value: 'a \\" b \\', note: 'q"uote' });
  });

  it("refuses malformed JSON", () => {
    const p = problems(renderTaskDefinition(TEMPLATE.replace('"essential": true,', '"essential": true,,'), VARS));
    expect(p).toHaveLength(1);
    expect(p[0]!.message).toMatch(/^the rendered task definition is not valid JSON: /);
  });

  it("refuses a document that is not an object", () => {
    expect(problems(renderTaskDefinition('["a"]', {}))[0]!.message).toBe("the task definition must be a JSON object");
  });

  it("names every unknown placeholder", () => {
    const p = problems(renderTaskDefinition(TEMPLATE.replace("{{IMAGE_TAG}}", "{{TAG}}").replace("{{GREETING}}", "{{ GREETNG }}"), VARS));
    expect(p.map((x) => x.placeholder).sort()).toEqual(["GREETNG", "TAG"]);
    expect(p.find((x) => x.placeholder === "TAG")!.message).toBe("unknown placeholder {{TAG}}: no service or environment variable TAG");
  });

  it("names an unquoted placeholder whose value is not a number", () => {
    const p = problems(renderTaskDefinition(TEMPLATE, { ...VARS, CONTAINER_PORT: "http" }));
    expect(p).toEqual([
      { placeholder: "CONTAINER_PORT", message: '{{CONTAINER_PORT}} is not in quotes, so it must be a number (or another JSON value), but its value is "http"; write "{{CONTAINER_PORT}}" for a string' },
    ]);
    expect(problems(renderTaskDefinition(TEMPLATE, { ...VARS, CONTAINER_PORT: "" }))[0]!.placeholder).toBe("CONTAINER_PORT");
  });

  it("refuses a port mapping that is not a port", () => {
    const p = problems(renderTaskDefinition(TEMPLATE, { ...VARS, CONTAINER_PORT: "70000" }));
    expect(p).toEqual([{ field: "containerDefinitions[0].portMappings[0].containerPort", message: "containerPort must be a port number, got 70000" }]);
  });

  it("checks Fargate CPU/memory pairs", () => {
    expect(ok(renderTaskDefinition(TEMPLATE, { ...VARS, CPU: "1024", MEMORY: "8192" })).memory).toBe("8192");
    expect(ok(renderTaskDefinition(TEMPLATE, { ...VARS, CPU: "512", MEMORY: "1024" })).cpu).toBe("512");
    expect(problems(renderTaskDefinition(TEMPLATE, { ...VARS, CPU: "256", MEMORY: "4096" }))).toEqual([
      { field: "memory", message: 'Fargate "memory" "4096" is not valid with cpu 256 (valid: 512, 1024 or 2048)' },
    ]);
    expect(problems(renderTaskDefinition(TEMPLATE, { ...VARS, CPU: "300" }))).toEqual([
      { field: "cpu", message: 'Fargate "cpu" must be one of 256, 512, 1024, 2048, 4096, 8192, 16384, got "300"' },
    ]);
    expect(problems(renderTaskDefinition(TEMPLATE, { ...VARS, CPU: "1024", MEMORY: "2500" }))[0]!.field).toBe("memory");
  });

  it("accepts ECS's vCPU / GB notations for Fargate sizes", () => {
    expect(ok(renderTaskDefinition(TEMPLATE, { ...VARS, CPU: "1 vCPU", MEMORY: "2 GB" })).cpu).toBe("1 vCPU");
    expect(problems(renderTaskDefinition(TEMPLATE, { ...VARS, CPU: "0.25 vCPU", MEMORY: "4GB" }))[0]!.field).toBe("memory");
  });

  it("turns numeric task-level cpu/memory into the strings the API expects", () => {
    const template = TEMPLATE.replace('"cpu": "{{CPU}}"', '"cpu": {{CPU}}').replace('"memory": "{{MEMORY}}"', '"memory": {{MEMORY}}');
    const td = ok(renderTaskDefinition(template, VARS));
    expect(td.cpu).toBe("256");
    expect(td.memory).toBe("512");
  });

  it("skips the Fargate pairs for EC2, but wants container memory when the task has none", () => {
    const template = TEMPLATE.replace('"cpu": "{{CPU}}",', "").replace('"memory": "{{MEMORY}}",', "");
    expect(problems(renderTaskDefinition(template, VARS))[0]!.message).toMatch(/^Fargate needs a task-level "cpu"/);
    expect(problems(renderTaskDefinition(template, VARS, { launchType: "EC2" }))).toEqual([
      { field: "containerDefinitions[0].memory", message: 'EC2 without a task-level "memory": container 0 needs "memory" or "memoryReservation"' },
    ]);
    ok(renderTaskDefinition(template.replace('"essential": true,', '"essential": true, "memoryReservation": 256,'), VARS, { launchType: "EC2" }));
  });

  it("refuses a missing family, missing containers, a container without an image", () => {
    expect(problems(renderTaskDefinition(TEMPLATE.replace('"family": "{{SERVICE_NAME}}-task",', ""), VARS))).toEqual([
      { field: "family", message: '"family" is required: letters, digits, "-" and "_"' },
    ]);
    expect(problems(renderTaskDefinition(TEMPLATE, { ...VARS, SERVICE_NAME: "check out" }))[0]!.field).toBe("family");
    const noContainers = `{"family": "x", "cpu": "256", "memory": "512", "containerDefinitions": []}`;
    expect(problems(renderTaskDefinition(noContainers, {}))).toEqual([{ field: "containerDefinitions", message: '"containerDefinitions" must list at least one container' }]);
    expect(problems(renderTaskDefinition(TEMPLATE, { ...VARS, IMAGE: "" }))).toEqual([{ field: "containerDefinitions[0].image", message: 'container 0 needs an "image"' }]);
  });

  it("refuses duplicate container names and Fargate without awsvpc", () => {
    const dup = TEMPLATE.replace('"containerDefinitions": [', '"containerDefinitions": [{"name": "app", "image": "x"},');
    expect(problems(renderTaskDefinition(dup, VARS))).toEqual([{ field: "containerDefinitions", message: 'container name "app" is used twice; names must be unique' }]);
    expect(problems(renderTaskDefinition(TEMPLATE.replace('"awsvpc"', '"bridge"'), VARS))).toEqual([{ field: "networkMode", message: 'Fargate needs "networkMode": "awsvpc"' }]);
  });
});
