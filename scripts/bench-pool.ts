/**
 * npm run bench:pool — the sweep's worker pool against tinypool, side by side in one run: the
 * same 12,000 tasks (every scenario x 1,000 seeds x 200 steps, the determinism sample included)
 * through `leasehold dst run`'s own pool (forked processes, each sent its share of the tasks
 * once, results streamed back) and through tinypool (worker threads, one call per task), each
 * with two workers, alternating, the median of RUNS runs each. tinypool runs its tasks in worker
 * threads, and also (its `runtime: 'child_process'`) in forked processes. Both pools run the
 * built JavaScript (the script builds first and resolves the packages to dist/), as an installed
 * CLI does: Node 20's worker threads do not take tsx's loader.
 *
 *   npm run bench:pool [-- --runs N] [--seeds N]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Tinypool } from 'tinypool';
import { dstRunSettings, runInWorkers, type CliIo } from '@leasehold/cli';
import { median, scriptFlags } from './bench-args';

interface PoolTask {
  readonly index: number;
  readonly scenario: string;
  readonly seed: string;
  readonly determinism: boolean;
  readonly overrides: unknown;
}

const { runs: RUNS, seeds: SEEDS } = scriptFlags(
  'bench:pool',
  "the sweep's worker pool against tinypool, the same tasks side by side",
  {
    runs: { int: 3, help: 'runs of each pool; the median is reported' },
    seeds: { int: 1_000, help: 'seeds per scenario' },
  },
);
const JOBS = 2;

const io: CliIo = {
  stdout: () => undefined,
  stderr: () => undefined,
  env: {},
  cwd: process.cwd(),
  interactive: false,
  color: false,
};
const settings = await dstRunSettings(
  { seeds: String(SEEDS), steps: '200', jobs: String(JOBS), 'no-shrink': true },
  io,
);

async function ours(): Promise<number> {
  const started = performance.now();
  const results = await runInWorkers(settings, () => false);
  if (results.length !== settings.tasks.length) throw new Error('the pool lost results');
  return performance.now() - started;
}

async function tinypool(runtime: 'worker_threads' | 'child_process'): Promise<number> {
  const started = performance.now();
  const pool = new Tinypool({
    filename: new URL('./pool/tinypool-worker.mjs', import.meta.url).href,
    minThreads: JOBS,
    maxThreads: JOBS,
    runtime,
  });
  const results = await Promise.all(
    settings.tasks.map((t) => {
      const task: PoolTask = {
        index: t.index,
        scenario: t.scenario.id,
        seed: t.seed,
        determinism: t.determinism,
        overrides: settings.overrides,
      };
      return pool.run(task) as Promise<unknown>;
    }),
  );
  await pool.destroy();
  if (results.length !== settings.tasks.length) throw new Error('tinypool lost results');
  return performance.now() - started;
}

console.log(
  `bench:pool on ${os.availableParallelism()} cores, Node ${process.version}: ${settings.tasks.length.toLocaleString('en-US')} tasks, ${JOBS} workers each`,
);
const oursMs: number[] = [];
const threadsMs: number[] = [];
const processesMs: number[] = [];
const s = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
for (let run = 1; run <= RUNS; run++) {
  oursMs.push(await ours());
  threadsMs.push(await tinypool('worker_threads'));
  processesMs.push(await tinypool('child_process'));
  console.log(
    `run ${run}/${RUNS}: leasehold's pool ${s(oursMs.at(-1)!)}, tinypool threads ${s(threadsMs.at(-1)!)}, tinypool processes ${s(processesMs.at(-1)!)}`,
  );
}
const a = median(oursMs);
const b = median(threadsMs);
const c = median(processesMs);
console.log(
  `median of ${RUNS}: leasehold's pool ${s(a)}, tinypool threads ${s(b)} (${(b / a).toFixed(2)}x ours), tinypool processes ${s(c)} (${(c / a).toFixed(2)}x ours)`,
);
