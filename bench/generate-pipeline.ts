/** A generated pipeline of N steps: stages of 10 steps, every third stage fanning out from the first (a real DAG). */
export function generatePipelineYaml(steps: number): string {
  const perStage = 10;
  const stages = Math.ceil(steps / perStage);
  const out = ["apiVersion: slipway/v1", "kind: Pipeline", `name: Generated ${steps}`, "variables:", "  - name: version", '    default: "1.0.0"', "stages:"];
  for (let s = 0; s < stages; s++) {
    out.push(`  # stage ${s}`, `  - id: stage-${s}`);
    if (s > 0) out.push(`    needs: [stage-${s % 3 === 0 ? 0 : s - 1}]`);
    out.push("    steps:");
    for (let i = 0; i < perStage && s * perStage + i < steps; i++) {
      const id = `s${s}-${i}`;
      if (i % 5 === 4) out.push(`      - id: ${id}`, "        type: wait", "        duration: 1s");
      else out.push(`      - id: ${id}`, "        type: shell", "        script: |", `          echo "step ${id} of <+pipeline.name> v<+pipeline.variables.version>"`, "          make build");
    }
  }
  return `${out.join("\n")}\n`;
}
