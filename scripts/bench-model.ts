/**
 * npm run bench:model — exhaustive exploration of spec/Lease.tla's TypeScript mirror.
 * Target (issue 4): the safe configuration, 2 nodes x 1 resource with the standard bounds,
 * finishes in at most 30 s. Prints each run, the median, distinct states per second, and the
 * 3-node figures (MaxTime 2 explored to the end, and the standard bounds up to a state cap).
 *
 *   npm run bench:model [-- --runs N] [--three-states-max N]
 */
import { performance } from 'node:perf_hooks';
import { explore, findModelConfig, type ExploreResult, type ModelConfig } from '@leasehold/model';
import { scriptFlags } from './bench-args';

const { runs: RUNS, 'three-states-max': THREE_STATES_MAX } = scriptFlags(
  'bench:model',
  "exhaustive exploration of spec/Lease.tla's TypeScript mirror",
  {
    runs: { int: 3, help: 'runs of the safe 2-node configuration; the median is reported' },
    'three-states-max': {
      int: 3_000_000,
      help: 'distinct states the 3-node exploration may visit',
    },
  },
);
const TARGET_SECONDS = 30;

function timed(
  config: ModelConfig,
  statesMax?: number,
): { result: ExploreResult; seconds: number } {
  const started = performance.now();
  const result = explore(config, statesMax === undefined ? {} : { statesMax });
  return { result, seconds: (performance.now() - started) / 1000 };
}

function line(label: string, r: ExploreResult, seconds: number): string {
  const rate = Math.round(r.distinctStates / seconds).toLocaleString('en-US');
  return `${label}: ${r.distinctStates.toLocaleString('en-US')} distinct states, depth ${r.depth}, ${r.complete ? 'complete' : 'stopped at the state cap'}, ${r.violations.length} violations, ${seconds.toFixed(1)} s, ${rate} states/s`;
}

const safe = findModelConfig('safe')!;
console.log(
  `node ${process.version}; safe configuration, standard bounds (MaxTime ${safe.timeTicksMax}, MaxToken ${safe.tokenMax})`,
);
const runs: { result: ExploreResult; seconds: number }[] = [];
for (let i = 0; i < RUNS; i++) {
  const run = timed(safe);
  runs.push(run);
  console.log(line(`  2 nodes, run ${i + 1}`, run.result, run.seconds));
}
const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
const median = sorted[Math.floor(sorted.length / 2)]!;
const ok =
  median.seconds <= TARGET_SECONDS &&
  median.result.complete &&
  median.result.violations.length === 0;
console.log(line('2 nodes, median', median.result, median.seconds));
console.log(`target: complete, no violation, <= ${TARGET_SECONDS} s: ${ok ? 'met' : 'NOT MET'}`);

const threeSmall = timed({ ...safe, nodes: 3, timeTicksMax: 2 });
console.log(line('3 nodes, MaxTime 2', threeSmall.result, threeSmall.seconds));
const three = timed({ ...safe, nodes: 3 }, THREE_STATES_MAX);
console.log(
  line(
    `3 nodes, standard bounds (cap ${THREE_STATES_MAX.toLocaleString('en-US')})`,
    three.result,
    three.seconds,
  ),
);
if (!ok) process.exitCode = 1;
