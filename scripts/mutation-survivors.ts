/**
 * npm run mutation:survivors — the last `npm run mutation` run (reports/mutation/mutation.json),
 * summarised: the score per file and every mutant the DST sweep did not kill (survived, or no
 * test reached it), one line each, as the Markdown MUTATION.md lists them.
 *
 *   npm run mutation:survivors [-- --report reports/mutation/mutation.json]
 */
import { readFileSync } from 'node:fs';
import { stringFlag } from './bench-args';

interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number } };
}

interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: Mutant[] }>;
}

/**
 * Files in the mutated directories that no lease operation runs, by design, with why. They are
 * scored with everything else (the first figure) and listed as one group each, not mutant by
 * mutant; the second figure leaves them out.
 */
export const OFF_THE_SWEEP_PATH: Readonly<Record<string, string>> = {
  'packages/store/src/conformance.ts':
    'describeLeaseStore, the test suite a store adapter runs in its own tests: test code, not a store',
  'packages/client/src/manual-clock.ts':
    'the clock users drive in their own unit tests; the simulator brings its own clocks',
  'packages/client/src/system-clock.ts':
    'the production clock (Date.now, performance.now, timers); the simulator injects its clocks',
  'packages/core/src/duration.ts':
    'parses and prints durations like "30s" for the CLI and configuration text; no lease decision reads it',
};

const path = stringFlag('report') ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

let detected = 0;
let undetected = 0;
let offDetected = 0;
let offUndetected = 0;
const rows: string[] = [];
const perFile: string[] = [];
for (const [file, { source, mutants }] of Object.entries(report.files).sort()) {
  const lines = source.split('\n');
  let fileDetected = 0;
  let fileUndetected = 0;
  for (const m of mutants) {
    if (DETECTED.has(m.status)) fileDetected += 1;
    if (!UNDETECTED.has(m.status)) continue;
    fileUndetected += 1;
    if (OFF_THE_SWEEP_PATH[file] !== undefined) continue;
    const line = m.location.start.line;
    const code = (lines[line - 1] ?? '').trim().replaceAll('|', '\\|').slice(0, 90);
    const replacement = (m.replacement ?? '')
      .replaceAll('|', '\\|')
      .replaceAll('\n', ' ')
      .slice(0, 60);
    rows.push(
      `| ${file}:${line} | ${m.mutatorName} | ${m.status} | \`${replacement}\` | \`${code}\` |`,
    );
  }
  detected += fileDetected;
  undetected += fileUndetected;
  if (OFF_THE_SWEEP_PATH[file] !== undefined) {
    offDetected += fileDetected;
    offUndetected += fileUndetected;
  }
  const total = fileDetected + fileUndetected;
  const score = total === 0 ? '-' : `${((100 * fileDetected) / total).toFixed(1)}%`;
  perFile.push(`| ${file} | ${fileDetected} | ${fileUndetected} | ${score} |`);
}

const total = detected + undetected;
console.log(
  `mutation score ${((100 * detected) / Math.max(1, total)).toFixed(1)}%: ${detected} of ${total} mutants detected (${undetected} not)`,
);
const onPath = detected - offDetected + (undetected - offUndetected);
console.log(
  `without the ${Object.keys(OFF_THE_SWEEP_PATH).length} files off the sweep's path: ${((100 * (detected - offDetected)) / Math.max(1, onPath)).toFixed(1)}%, ${detected - offDetected} of ${onPath}`,
);
console.log('');
console.log('| file | detected | not detected | score |');
console.log('| --- | --- | --- | --- |');
for (const row of perFile) console.log(row);
console.log('');
console.log("| off the sweep's path | why |");
console.log('| --- | --- |');
for (const [file, why] of Object.entries(OFF_THE_SWEEP_PATH)) console.log(`| ${file} | ${why} |`);
console.log('');
console.log('| where | mutator | status | mutant | code |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
