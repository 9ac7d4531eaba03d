import { Chalk, type ChalkInstance } from 'chalk';
import {
  FAULT_KINDS,
  formatReport,
  MARK_DESCRIPTIONS,
  MARKS,
  plural,
  type FaultKind,
  type ReproduceExtra,
  type RunResult,
  type SweepSummary,
} from '@leasehold/sim';

export function palette(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

/** Faults that fired, by the names `--faults` and `dst scenarios` use: `storeDuplicate=4`. */
function faultsText(fired: Readonly<Record<FaultKind, number>>): string {
  const parts = FAULT_KINDS.filter((k) => fired[k] > 0).map((k) => `${k}=${compact(fired[k])}`);
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
  const header = ['scenario', 'seeds', 'events', 'events/s', 'marks', 'violations', 'faults fired'];
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
    `${plural(summary.seeds, 'run')}, ${compact(summary.events)} events, determinism checked on ${plural(summary.determinismChecked, 'run')}` +
      (summary.nondeterministic.length > 0
        ? c.red(`, ${summary.nondeterministic.length} NONDETERMINISTIC`)
        : ''),
  );
  return out.join('\n');
}

/**
 * The full report of one failing run (README, "Deterministic simulation testing"), in color where
 * the terminal has it.
 */
export function reportText(
  run: RunResult,
  c: ChalkInstance,
  extra: ReproduceExtra & { tracePath?: string },
  which?: string,
): string {
  const color = run.expected ? c.yellow : c.red;
  const style = {
    headline: (t: string) => color.bold(t),
    label: (t: string) => c.dim(t),
    event: (t: string) => c.dim(t),
    command: (t: string) => c.bold(t),
  };
  return formatReport(run, extra, style, which);
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
