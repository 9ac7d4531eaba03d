/**
 * npm run mutation:scores — the last `npm run mutation` (the DST sweep) and `npm run mutation:unit`
 * (the unit tests) runs, side by side: the sweep's score over its scope, the unit tests' score over
 * the whole scope, the two together, a table per file, and every mutant the sweep did not detect
 * (and every one off its path the unit tests did not), one line each, with where it stands, what it
 * changes and what each run made of it. Why a mutant survives is MUTATION.md's to say,
 * mutant by mutant; this script only counts.
 *
 *   npm run mutation:scores [-- --sweep reports/mutation/mutation.json]
 *                           [-- --unit reports/mutation-unit/mutation.json]
 */
import { existsSync, readFileSync } from 'node:fs';
import { scriptFlags } from './bench-args';

interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: {
    readonly start: { readonly line: number; readonly column: number };
    readonly end: { readonly line: number; readonly column: number };
  };
}

interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: Mutant[] }>;
}

/** What StrykerJS counts as detected, and as undetected; the rest (ignored, errors) is neither. */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const flags = scriptFlags('mutation:scores', 'the last mutation runs: both scores, and survivors', {
  sweep: {
    text: true,
    help: "the sweep run's JSON report (default reports/mutation/mutation.json)",
  },
  unit: {
    text: true,
    help: "the unit run's JSON report (default reports/mutation-unit/mutation.json)",
  },
});
const sweep = load(flags.sweep ?? 'reports/mutation/mutation.json');
const unit = load(flags.unit ?? 'reports/mutation-unit/mutation.json');

function load(path: string): Report | null {
  if (!existsSync(path)) {
    console.error(`mutation:scores: no report at ${path} (skipped)`);
    return null;
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

/** One mutant, the same in both runs: file, span, mutator and replacement. */
function key(file: string, m: Mutant): string {
  const { start, end } = m.location;
  return `${file}:${start.line}:${start.column}-${end.line}:${end.column}:${m.mutatorName}:${m.replacement ?? ''}`;
}

interface Tally {
  detected: number;
  undetected: number;
}
const tally = (): Tally => ({ detected: 0, undetected: 0 });
const add = (t: Tally, status: string) => {
  if (DETECTED.has(status)) t.detected += 1;
  else if (UNDETECTED.has(status)) t.undetected += 1;
};
const score = (t: Tally) => {
  const total = t.detected + t.undetected;
  return total === 0 ? '-' : `${((100 * t.detected) / total).toFixed(1)}%`;
};
const line = (name: string, t: Tally) =>
  `${name}: ${score(t)}, ${t.detected} of ${t.detected + t.undetected} detected`;

const sweepStatus = new Map<string, string>();
for (const [file, { mutants }] of Object.entries(sweep?.files ?? {}))
  for (const m of mutants) sweepStatus.set(key(file, m), m.status);

const sweepTotal = tally();
const unitTotal = tally();
const together = tally();
const perFile = new Map<string, { sweep: Tally; unit: Tally; together: Tally }>();
const survivors: string[] = [];
const files = new Set([...Object.keys(sweep?.files ?? {}), ...Object.keys(unit?.files ?? {})]);
for (const file of [...files].sort()) {
  const row = { sweep: tally(), unit: tally(), together: tally() };
  perFile.set(file, row);
  for (const m of sweep?.files[file]?.mutants ?? []) {
    add(row.sweep, m.status);
    add(sweepTotal, m.status);
  }
  const unitMutants = unit?.files[file]?.mutants ?? sweep?.files[file]?.mutants ?? [];
  const source = (unit?.files[file] ?? sweep?.files[file])?.source.split('\n') ?? [];
  for (const m of unitMutants) {
    const byUnit = unit === null ? 'NoCoverage' : m.status;
    if (unit !== null) {
      add(row.unit, byUnit);
      add(unitTotal, byUnit);
    }
    const bySweep = sweepStatus.get(key(file, m));
    const both = DETECTED.has(byUnit) || (bySweep !== undefined && DETECTED.has(bySweep));
    const status = both ? 'Killed' : UNDETECTED.has(byUnit) ? byUnit : (bySweep ?? byUnit);
    add(row.together, status);
    add(together, status);
    // Listed: every mutant the sweep leaves (the sweep's own target), and every mutant off its
    // path the unit tests leave.
    const missed = bySweep === undefined ? UNDETECTED.has(status) : UNDETECTED.has(bySweep);
    if (!missed) continue;
    const at = m.location.start.line;
    const code = (source[at - 1] ?? '').trim().replaceAll('|', '\\|').slice(0, 80);
    const replacement = (m.replacement ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
    survivors.push(
      `| ${file}:${at} | ${m.mutatorName} | ${bySweep ?? 'off the sweep'} | ${byUnit} | \`${replacement.slice(0, 60)}\` | \`${code}\` |`,
    );
  }
}

if (sweep !== null) console.log(line('the DST sweep alone (its scope)', sweepTotal));
if (unit !== null) console.log(line('the unit tests alone (the whole scope)', unitTotal));
if (sweep !== null && unit !== null)
  console.log(line('the sweep and the unit tests together (the whole scope)', together));
console.log('');
console.log('| file | sweep | unit tests | together |');
console.log('| --- | --- | --- | --- |');
for (const [file, row] of perFile)
  console.log(
    `| ${file} | ${score(row.sweep)} | ${score(row.unit)} | ${score(row.together)} (${row.together.undetected} left) |`,
  );
console.log('');
console.log('| where | mutator | sweep | unit tests | mutant | code |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of survivors) console.log(row);
