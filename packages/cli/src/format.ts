import { Chalk, type ChalkInstance } from 'chalk';
import {
  conformanceName,
  failedStep,
  FAULT_KINDS,
  MARK_DESCRIPTIONS,
  MARKS,
  reproduceCommand,
  statusText,
  type FaultKind,
  type ReproduceExtra,
  type RunResult,
  type SweepSummary,
} from '@leasehold/sim';

export function palette(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

const FAULT_SHORT: Readonly<Record<FaultKind, string>> = {
  storeWriteFail: 'wfail',
  storeReplyLost: 'lost',
  storeReadFail: 'rfail',
  storeLatency: 'slow',
  storeDuplicate: 'dup',
  storeLateDelivery: 'late',
  storeCrash: 'scrash',
  storePowerLoss: 'POWER',
  storeServerPowerLoss: 'SPOWER',
  nodeCrash: 'ncrash',
  nodePause: 'pause',
  clockOffset: 'offset',
  clockDrift: 'drift',
  clockJump: 'jump',
  skewBeyondBound: 'SKEW',
  monoDriftBeyondBound: 'MDRIFT',
  suspendBeyondMargin: 'SUSPEND',
};

function faultsText(fired: Readonly<Record<FaultKind, number>>): string {
  const parts = FAULT_KINDS.filter((k) => fired[k] > 0).map(
    (k) => `${FAULT_SHORT[k]}:${compact(fired[k])}`,
  );
  return parts.length === 0 ? '-' : parts.join(' ');
}

export function compact(n: number): string {
  if (n >= 10_000_000) return `${Math.round(n / 1_000_000)}M`;
  if (n >= 10_000) return `${Math.round(n / 1_000)}k`;
  return String(n);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The summary table: one row per scenario, then totals, marks and warnings. */
export function summaryText(
  summary: SweepSummary,
  wallMsByScenario: ReadonlyMap<string, number>,
  c: ChalkInstance,
): string {
  const header = [
    'scenario',
    'seeds',
    'events',
    'events/s',
    'marks',
    'violations',
    'faults fired by type',
  ];
  const rows = summary.scenarios.map((s) => {
    const wallMs = wallMsByScenario.get(s.scenario) ?? 0;
    const rate = wallMs > 0 ? compact(Math.round((s.events * 1_000) / wallMs)) : '-';
    const hit = MARKS.filter((m) => s.marks[m] > 0).length;
    const violations =
      s.violations > 0
        ? c.red(String(s.violations))
        : s.expected > 0
          ? c.yellow(`${s.expected} expected`)
          : c.green('0');
    return [
      s.scenario,
      String(s.seeds),
      compact(s.events),
      rate,
      `${hit}/${MARKS.length}`,
      violations,
      faultsText(s.faultsFired),
    ];
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => stripAnsi(r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => padAnsi(cell, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [c.bold(line(header)), ...rows.map(line)];
  out.push('', c.bold('coverage marks'));
  for (const m of MARKS) {
    const n = summary.marks[m];
    out.push(
      `  ${n === 0 ? c.yellow('never') : pad(compact(n), 5)}  ${pad(m, 26)} ${c.dim(MARK_DESCRIPTIONS[m])}`,
    );
  }
  if (summary.marksNeverHit.length > 0) {
    out.push(c.yellow(`warning: coverage marks never hit: ${summary.marksNeverHit.join(', ')}`));
  }
  out.push(
    '',
    `${summary.seeds} runs, ${compact(summary.events)} events, determinism checked on ${summary.determinismChecked} runs` +
      (summary.nondeterministic.length > 0
        ? c.red(`, ${summary.nondeterministic.length} NONDETERMINISTIC`)
        : ''),
  );
  return out.join('\n');
}

/** The full report of one failing run (DESIGN.md section 5). */
export function reportText(
  run: RunResult,
  c: ChalkInstance,
  extra: ReproduceExtra & { tracePath?: string },
): string {
  const headline =
    run.violation !== null
      ? `${run.violation.invariant} ${run.violation.name}`
      : run.conformance !== null
        ? conformanceName(run.conformance)
        : 'the implementation under test crashed';
  const color = run.expected ? c.yellow : c.red;
  const lines = [
    color.bold(`✗ ${headline}  (${statusText(run)})`),
    `  ${run.violation?.message ?? run.conformance?.reason ?? run.crash?.message ?? ''}`,
    `  ${c.dim('scenario ')} ${run.scenario}`,
    `  ${c.dim('seed     ')} ${run.seed}   ${c.dim('step')} ${failedStep(run)}   ${c.dim('at')} ${run.violation?.atMs ?? run.conformance?.atMs ?? run.simulatedMs} ms simulated`,
    `  ${c.dim('world    ')} ${run.nodes} nodes, ${run.resources} resources`,
    `  ${c.dim('swarm    ')} ${run.swarmText}`,
    `  ${c.dim('settings ')} ${run.settingsText}`,
    `  ${c.dim(`last ${run.tail.length} events:`)}`,
    ...run.tail.map((l) => `    ${c.dim(l)}`),
  ];
  if (run.crash !== null)
    lines.push(
      `  ${c.dim('stack:')}`,
      ...run.crash.stack
        .split('\n')
        .slice(0, 12)
        .map((l) => `    ${c.dim(l)}`),
    );
  if (extra.tracePath !== undefined) lines.push(`  ${c.dim('trace    ')} ${extra.tracePath}`);
  lines.push(`  ${c.dim('reproduce')} ${c.bold(reproduceCommand(run, extra))}`);
  return lines.join('\n');
}

// eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point.
const ANSI = /\u001b\[[0-9;]*m/g;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function padAnsi(text: string, width: number): string {
  const visible = stripAnsi(text).length;
  return visible >= width ? text : text + ' '.repeat(width - visible);
}
