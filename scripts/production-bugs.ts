/**
 * npm run bugs — every production bug of scripts/production-bugs/bugs.ts written into a copy of
 * the packages, one at a time, each under a default `leasehold dst run` sweep (no extra seeds).
 * Prints, per bug, what the sweep reported and whether that is what the bug should trip.
 *
 *   npm run bugs [-- --bug B3] [--sweep default|test] [--seeds N] [--jobs N] [--max-failures N]
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { scriptFlags } from './bench-args';
import { PRODUCTION_BUGS, rightReport, testSweepArgs } from './production-bugs/bugs';
import { buggyWorkspace, sweep } from './production-bugs/workspace';

const flags = scriptFlags(
  'bugs',
  'every production bug written into a copy of the packages, each under a default sweep',
  {
    bug: { text: true, help: 'one bug (B1..)' },
    sweep: {
      text: true,
      help: "'default' (a whole default sweep over each bug; the default) or 'test' (the sweeps npm test runs)",
    },
    seeds: { text: true, help: "seeds per scenario (default: the default sweep's)" },
    jobs: { int: 2, help: 'worker processes of each sweep' },
    'max-failures': { text: true, help: 'stop each sweep once N runs have failed' },
  },
);
const only = flags.bug ?? '';
const jobs = flags.jobs;
const maxFailures = positiveFlag('max-failures', flags['max-failures']);
const seeds = positiveFlag('seeds', flags.seeds);
const sweepKind = flags.sweep ?? 'default';
if (sweepKind !== 'default' && sweepKind !== 'test') {
  console.error(`bugs: --sweep is 'default' or 'test' (got ${JSON.stringify(sweepKind)})`);
  process.exit(64);
}

/** `--name N` (a positive whole number), or 0 when not given: the default sweep's. */
function positiveFlag(name: string, text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    console.error(`bugs: --${name} needs a positive whole number (got ${JSON.stringify(text)})`);
    process.exit(64);
  }
  return Number(text);
}

console.log(
  `bugs: ${os.availableParallelism()} cores, Node ${process.version}; ${sweepKind === 'test' ? 'the sweep npm test runs' : seeds > 0 ? `--seeds ${seeds}` : 'default sweep'} per bug, --jobs ${jobs}${maxFailures > 0 ? `, --max-failures ${maxFailures}` : ''}`,
);
console.log('');
console.log('| bug | file | meant to trip | reported (runs) | verdict | seconds |');
console.log('| --- | --- | --- | --- | --- | --- |');
let bad = 0;
for (const bug of PRODUCTION_BUGS.filter((b) => only === '' || b.id === only)) {
  const dir = buggyWorkspace(bug);
  const started = performance.now();
  try {
    const args = ['--no-shrink', '--jobs', String(jobs)];
    if (maxFailures > 0) args.push('--max-failures', String(maxFailures));
    if (seeds > 0) args.push('--seeds', String(seeds));
    if (sweepKind === 'test') args.push(...testSweepArgs(bug));
    const outcome = await sweep(dir, args);
    const counts = new Map<string, number>();
    for (const r of outcome.reported) counts.set(r, (counts.get(r) ?? 0) + 1);
    const reported = [...counts].map(([k, n]) => `${k} x${n}`).join(', ') || 'nothing';
    const ok = rightReport(bug, outcome.reported);
    if (!ok) bad += 1;
    const seconds = ((performance.now() - started) / 1_000).toFixed(0);
    console.log(
      `| ${bug.id} ${bug.title} | ${bug.file} | ${bug.expected[0]} (${bug.check}) | ${reported} (${outcome.runs}) | ${ok ? 'right invariant' : 'WRONG'} | ${seconds} |`,
    );
    if (outcome.runs === 0) console.log(outcome.stderr.slice(-2_000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log('');
console.log(
  bad === 0 ? 'every bug reported as the invariant it breaks' : `${bad} bugs missed or misreported`,
);
process.exitCode = bad === 0 ? 0 : 1;
