/**
 * npm run bench:dst — the simulator's targets:
 *   1. >= 200,000 simulated events/s on one core with every invariant checked every step by the
 *      independent checker and every step validated against the model (5 nodes, 3 resources),
 *      and the checked/unchecked throughput ratio (target: <= 1.5x); the service topology (agents,
 *      network, 3 replicas of the lease service, one store) >= 100,000 checked events/s; both over
 *      the memory store, and over SQLite for comparison (a third of a sweep's seeds run it);
 *   2. memory flat over a 1,000,000-event run, trace streamed to a file: peak RSS < 300 MB;
 *   3. 10,000 seeds x 200 steps with --jobs 2 in at most 60 s (spread over every scenario).
 *
 *   npm run bench:dst [-- --runs N] [--only throughput|service|memory|sweep]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findScenario, runSeed, SCENARIOS, type Scenario, type StoreKind } from '@leasehold/sim';
import { median, scriptFlags } from './bench-args';

const { runs: RUNS, only: ONLY } = scriptFlags(
  'bench:dst',
  "the simulator's targets: checked events/s, memory over a long run, a sweep's wall time",
  {
    runs: { int: 5, help: 'runs of each throughput measurement; the median is reported' },
    only: { text: true, help: 'one measurement: throughput, service, memory or sweep' },
  },
);
const machine = `${os.availableParallelism()} cores, Node ${process.version}`;

/**
 * Events/s of `seeds` runs of `scenario` (5 nodes, 3 resources, 3 replicas in the service
 * topology) over `store`. Checked: the checker on every step and trace validation against the
 * model where the scenario is validated; unchecked: neither.
 */
async function throughput(
  scenario: Scenario,
  seeds: number,
  steps: number,
  checks: boolean,
  store: StoreKind = 'memory',
): Promise<number> {
  let events = 0;
  const started = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await runSeed({
      scenario,
      seed: String(seed),
      steps,
      nodes: 5,
      resources: 3,
      store,
      ...(scenario.topology === 'service' ? { replicas: 3 } : {}),
      checks,
      validate: checks && scenario.validated,
    });
    if (checks && run.status !== 'passed')
      throw new Error(`seed ${seed} failed: ${run.violation?.message}`);
    events += run.events;
  }
  return (events * 1_000) / (performance.now() - started);
}

async function benchThroughput(): Promise<void> {
  const scenario = findScenario('swarm')!;
  // Warm-up: one untimed run of each kind, so the first timed run is not the JIT's.
  await throughput(scenario, 10, 20_000, true);
  await throughput(scenario, 10, 20_000, false);
  const checked: number[] = [];
  const unchecked: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    // Side by side in one process, alternating, so both see the same machine state.
    checked.push(await throughput(scenario, 10, 20_000, true));
    unchecked.push(await throughput(scenario, 10, 20_000, false));
    console.log(
      `  run ${r + 1}/${RUNS}: checked ${Math.round(checked.at(-1)!).toLocaleString('en-US')} events/s, unchecked ${Math.round(unchecked.at(-1)!).toLocaleString('en-US')} events/s`,
    );
  }
  const c = median(checked);
  const u = median(unchecked);
  console.log(
    `throughput (swarm, 5 nodes, 3 resources, 10 seeds x 20,000 steps per run; median of ${RUNS}): ` +
      `checked ${Math.round(c).toLocaleString('en-US')} events/s, unchecked ${Math.round(u).toLocaleString('en-US')} events/s, ` +
      `checking costs ${(u / c).toFixed(2)}x  [target >= 200,000 checked: ${c >= 200_000 ? 'met' : 'NOT met'}; <= 1.5x: ${u / c <= 1.5 ? 'met' : 'NOT met'}]`,
  );
}

/**
 * The service topology beside the in-process one, alternating in one process: checked events/s
 * of service-swarm and swarm, over the memory store and over SQLite.
 */
async function benchService(): Promise<void> {
  const service = findScenario('service-swarm')!;
  const inProcess = findScenario('swarm')!;
  const kinds: ReadonlyArray<readonly [string, Scenario, StoreKind]> = [
    ['service, memory', service, 'memory'],
    ['in-process, memory', inProcess, 'memory'],
    ['service, sqlite', service, 'sqlite'],
    ['in-process, sqlite', inProcess, 'sqlite'],
  ];
  for (const [, scenario, store] of kinds) await throughput(scenario, 5, 20_000, true, store);
  const figures = new Map<string, number[]>(kinds.map(([name]) => [name, []]));
  for (let r = 0; r < RUNS; r++) {
    const line: string[] = [];
    for (const [name, scenario, store] of kinds) {
      const rate = await throughput(scenario, 10, 20_000, true, store);
      figures.get(name)!.push(rate);
      line.push(`${name} ${Math.round(rate).toLocaleString('en-US')}`);
    }
    console.log(`  run ${r + 1}/${RUNS} (checked events/s): ${line.join(', ')}`);
  }
  const of = (name: string) => median(figures.get(name)!);
  const serviceRate = of('service, memory');
  console.log(
    `service topology (service-swarm, 5 agents, 3 replicas, 3 resources, 10 seeds x 20,000 steps per run; median of ${RUNS}, checked): ` +
      kinds.map(([name]) => `${name} ${Math.round(of(name)).toLocaleString('en-US')}`).join(', ') +
      ` events/s  [target >= 100,000 for the service topology: ${serviceRate >= 100_000 ? 'met' : 'NOT met'}]`,
  );
}

async function benchMemory(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'leasehold-bench-'));
  const path = join(dir, 'trace.jsonl');
  const fd = openSync(path, 'w');
  let buffer: string[] = [];
  let lines = 0;
  const heapMbAt: string[] = [];
  const flush = () => {
    writeSync(fd, `${buffer.join('\n')}\n`);
    buffer = [];
  };
  const started = performance.now();
  const run = await runSeed({
    scenario: findScenario('swarm')!,
    seed: '1',
    steps: 1_400_000,
    traceSink: {
      write: (line) => {
        buffer.push(line);
        if (buffer.length >= 4_096) flush();
        lines += 1;
        if (lines % 200_000 === 0) {
          heapMbAt.push(
            `${lines / 1_000}k: ${Math.round(process.memoryUsage().heapUsed / 1_048_576)} MB`,
          );
        }
      },
    },
  });
  flush();
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1_000;
  const peakMb = process.resourceUsage().maxRSS / 1_024;
  console.log(
    `memory: one run of ${run.events.toLocaleString('en-US')} events (${run.steps.toLocaleString('en-US')} steps, status ${run.status}) ` +
      `streamed to a file in ${seconds.toFixed(1)} s: peak RSS ${Math.round(peakMb)} MB  [target < 300 MB: ${peakMb < 300 ? 'met' : 'NOT met'}]`,
  );
  console.log(`  heap used as the run goes (events: MB): ${heapMbAt.join(', ')}`);
}

function benchSweep(): void {
  const bin = join(import.meta.dirname, '..', 'packages', 'cli', 'bin', 'leasehold.js');
  // 10,000 seeds in all, spread over every scenario (the sweep's seeds are per scenario).
  const perScenario = String(Math.ceil(10_000 / SCENARIOS.length));
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [bin, 'dst', 'run', '--seeds', perScenario, '--steps', '200', '--jobs', '2', '--json'],
    {
      encoding: 'utf8',
      env: { ...process.env, DST_SEED: '' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1_000;
  const summary = JSON.parse(result.stdout.trimEnd().split('\n').at(-1) ?? '{}') as {
    seeds?: number;
    events?: number;
    exitCode?: number;
  };
  console.log(
    `sweep: leasehold dst run --seeds ${perScenario} --steps 200 --jobs 2 (${SCENARIOS.length} scenarios = ${summary.seeds} seeds, ` +
      `${summary.events?.toLocaleString('en-US')} events, exit ${result.status}) in ${seconds.toFixed(1)} s  [target <= 60 s: ${seconds <= 60 ? 'met' : 'NOT met'}]`,
  );
}

console.log(`bench:dst on ${machine}`);
if (ONLY === undefined || ONLY === 'throughput') await benchThroughput();
if (ONLY === undefined || ONLY === 'service') await benchService();
if (ONLY === undefined || ONLY === 'sweep') benchSweep();
if (ONLY === undefined || ONLY === 'memory') await benchMemory();
