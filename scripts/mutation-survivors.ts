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

const path = stringFlag('report') ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

let detected = 0;
let undetected = 0;
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
  const total = fileDetected + fileUndetected;
  const score = total === 0 ? '-' : `${((100 * fileDetected) / total).toFixed(1)}%`;
  perFile.push(`| ${file} | ${fileDetected} | ${fileUndetected} | ${score} |`);
}

const total = detected + undetected;
console.log(
  `mutation score ${((100 * detected) / Math.max(1, total)).toFixed(1)}%: ${detected} of ${total} mutants detected (${undetected} not)`,
);
console.log('');
console.log('| file | detected | not detected | score |');
console.log('| --- | --- | --- | --- |');
for (const row of perFile) console.log(row);
console.log('');
console.log('| where | mutator | status | mutant | code |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
