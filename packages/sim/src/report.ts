import { formatSwarm, type Swarm } from './faults.js';
import type { RunOverrides, RunResult } from './run.js';
import { findScenario } from './scenario.js';
import { formatSettings } from './settings.js';

/** How a run was started, beyond its scenario and seed: flags for the reproduce command. */
export interface ReproduceExtra extends RunOverrides {
  /** `--impl` as the user gave it. */
  readonly impl?: string;
}

/** The one-line command that reproduces a run exactly (DST_SEED pins the seed). */
export function reproduceCommand(
  run: Pick<RunResult, 'seed' | 'scenario'>,
  extra: ReproduceExtra = {},
): string {
  const flags = [`--scenario ${run.scenario}`];
  if (extra.impl !== undefined) flags.push(`--impl ${extra.impl}`);
  if (extra.nodes !== undefined) flags.push(`--nodes ${extra.nodes}`);
  if (extra.resources !== undefined) flags.push(`--resources ${extra.resources}`);
  if (extra.steps !== undefined) flags.push(`--steps ${extra.steps}`);
  if (extra.swarm !== undefined) flags.push(`--faults '${faultsFlag(extra.swarm)}'`);
  if (extra.settings !== undefined) flags.push(`--settings '${formatSettings(extra.settings)}'`);
  return `DST_SEED=${run.seed} npx leasehold dst run ${flags.join(' ')}`;
}

/** A swarm as `--faults` takes it: `storeLatency=1000 nodePause=40`, or `none`. */
export function faultsFlag(swarm: Swarm): string {
  const text = formatSwarm(swarm).replace(/\/\d+/g, '');
  return text === 'no faults' ? 'none' : text;
}

export function statusText(run: RunResult): string {
  switch (run.status) {
    case 'passed':
      return 'passed';
    case 'safety':
      return run.expected ? 'expected violation (assumption-breaking run)' : 'safety violation';
    case 'liveness':
      return 'liveness violation';
    case 'crash':
      return 'the implementation under test crashed';
    case 'conformance':
      return run.conformance?.against === 'store'
        ? 'the store broke its contract'
        : run.conformance?.against === 'config'
          ? 'a configuration answered against the rules'
          : run.conformance?.against === 'client'
            ? 'the client broke its promise to the holder'
            : 'a step the spec does not allow';
  }
}

/** What a nonconforming run broke, named: `spec/Lease.tla <action>`, `store contract: ...`, ... */
export function conformanceName(conformance: NonNullable<RunResult['conformance']>): string {
  switch (conformance.against) {
    case 'store':
      return `store contract: ${conformance.action}`;
    case 'config':
      return `configuration rules: ${conformance.action}`;
    case 'client':
      return `client contract: ${conformance.action}`;
    case 'spec':
      return `spec/Lease.tla ${conformance.action}`;
  }
}

/** A plain-text failure report (the CLI prints a colored one with the same fields). */
export function plainReport(
  run: RunResult,
  extra: ReproduceExtra & { readonly tracePath?: string } = {},
): string {
  const scenario = findScenario(run.scenario);
  const headline =
    run.violation !== null
      ? `${run.violation.invariant} ${run.violation.name}: ${run.violation.message}`
      : run.conformance !== null
        ? `${conformanceName(run.conformance)}: ${run.conformance.reason}`
        : `crash: ${run.crash?.message ?? 'unknown'}`;
  const lines = [
    `${statusText(run)}: ${headline}`,
    `  scenario  ${run.scenario}${scenario === undefined ? '' : ` (${scenario.title})`}`,
    `  seed      ${run.seed}   step ${failedStep(run)}   at ${run.violation?.atMs ?? run.conformance?.atMs ?? run.simulatedMs} ms simulated`,
    `  world     ${run.nodes} nodes, ${run.resources} resources`,
    `  swarm     ${run.swarmText}`,
    `  settings  ${run.settingsText}`,
    `  last ${run.tail.length} events:`,
    ...run.tail.map((line) => `    ${line}`),
  ];
  if (run.crash !== null)
    lines.push('  stack:', ...run.crash.stack.split('\n').map((l) => `    ${l}`));
  if (extra.tracePath !== undefined) lines.push(`  trace     ${extra.tracePath}`);
  lines.push(`  reproduce ${reproduceCommand(run, extra)}`);
  return lines.join('\n');
}

/** The step at which a run failed (its last step when it passed). */
export function failedStep(run: RunResult): number {
  return run.violation?.step ?? run.conformance?.step ?? run.crash?.step ?? run.steps;
}
