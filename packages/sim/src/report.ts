import { formatCutList } from './cuts.js';
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
  if (extra.cut !== undefined && extra.cut.ops.length > 0)
    flags.push(`--cut-ops ${formatCutList(extra.cut.ops)}`);
  if (extra.cut !== undefined && extra.cut.faults.length > 0)
    flags.push(`--cut-faults ${formatCutList(extra.cut.faults)}`);
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
            : run.conformance?.against === 'service'
              ? 'the service broke its contract (a query answered with what the store did not hold, or a key let past its rights)'
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
    case 'service':
      return `service contract: ${conformance.action}`;
    case 'spec':
      return `spec/Lease.tla ${conformance.action}`;
  }
}

/** How a report's parts are styled: identity for plain text; the CLI passes colors. */
export interface ReportStyle {
  readonly headline: (text: string) => string;
  readonly label: (text: string) => string;
  readonly event: (text: string) => string;
  readonly command: (text: string) => string;
}

const PLAIN: ReportStyle = {
  headline: (t) => t,
  label: (t) => t,
  event: (t) => t,
  command: (t) => t,
};

/** `1 node`, `2 nodes`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The run's faults as `--faults` takes them, or none. */
function faultsLine(run: RunResult): string {
  const flag = faultsFlag(run.swarm);
  return flag === 'none' ? 'none' : `${flag} (rates per 1000)`;
}

/** What broke, in a line: the invariant and its id, what the spec or a contract forbids, or a crash. */
function brokeText(run: RunResult): string {
  if (run.violation !== null) return `${run.violation.invariant} ${run.violation.name}`;
  if (run.conformance !== null) return conformanceName(run.conformance);
  return 'crash';
}

/**
 * The write the failure followed: the last store request applied with a record (a grant,
 * renewal, release, ...) at the failing step, so a report of I-3, I-5, I-7 or a step the spec
 * does not allow shows the write itself, not only the reads around it. Null when the failing
 * step applied none (a belief that outlived its lease, a crash).
 */
export function failingWrite(run: RunResult): string | null {
  const step = failedStep(run);
  for (let i = run.tail.length - 1; i >= 0; i--) {
    const line = run.tail[i]!;
    if (!line.includes('"e":"apply"')) continue;
    const event = JSON.parse(line) as { s?: number; k?: string; rec?: unknown };
    if (event.s !== step) return null;
    if (event.k === 'ok' && event.rec !== null && event.rec !== undefined) return line;
  }
  return null;
}

/**
 * The report of one failing run (README, "Deterministic simulation testing"): what broke and why,
 * where (scenario, seed, step, time since the run started), the world, its faults and settings, the
 * write that broke it, the last events, and the command that replays it.
 */
export function formatReport(
  run: RunResult,
  extra: ReproduceExtra & { readonly tracePath?: string } = {},
  style: ReportStyle = PLAIN,
  /** Which run this is, when a report follows another of the same failure (a shrunk run). */
  which?: string,
): string {
  const scenario = findScenario(run.scenario);
  const why = run.violation?.message ?? run.conformance?.reason ?? run.crash?.message ?? '';
  const label = (name: string) => style.label(name.padEnd(9));
  const lines = [
    style.headline(
      `✗ ${which === undefined ? '' : `${which}: `}${statusText(run)}: ${brokeText(run)}`,
    ),
    `  ${why}`,
    `  ${label('scenario')} ${run.scenario}${scenario === undefined ? '' : ` (${scenario.title})`}`,
    `  ${label('seed')} ${run.seed}   ${style.label('step')} ${failedStep(run)}   ${style.label('at')} ${run.violation?.atMs ?? run.conformance?.atMs ?? run.simulatedMs} ms since the run started`,
    `  ${label('world')} ${plural(run.nodes, 'node')}, ${plural(run.resources, 'resource')}`,
    `  ${label('faults')} ${faultsLine(run)}`,
    `  ${label('settings')} ${run.settingsText}`,
  ];
  const write = failingWrite(run);
  if (write !== null) lines.push(`  ${label('write')} ${write}`);
  lines.push(
    `  ${style.label(`last ${plural(run.tail.length, 'event')} (t: ms since the run started):`)}`,
    ...run.tail.map((line) => `    ${style.event(line)}`),
  );
  if (run.crash !== null)
    lines.push(
      `  ${style.label('stack:')}`,
      ...run.crash.stack.split('\n').map((l) => `    ${style.event(l)}`),
    );
  if (extra.tracePath !== undefined) lines.push(`  ${label('trace')} ${extra.tracePath}`);
  lines.push(`  ${label('reproduce')} ${style.command(reproduceCommand(run, extra))}`);
  return lines.join('\n');
}

/** The plain-text report (vitest suites, fast-check properties, JUnit files). */
export function plainReport(
  run: RunResult,
  extra: ReproduceExtra & { readonly tracePath?: string } = {},
): string {
  return formatReport(run, extra);
}

/** The step at which a run failed (its last step when it passed). */
export function failedStep(run: RunResult): number {
  return run.violation?.step ?? run.conformance?.step ?? run.crash?.step ?? run.steps;
}
