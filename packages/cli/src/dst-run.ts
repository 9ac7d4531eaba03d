import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
import {
  findScenario,
  limits,
  parseSeed,
  planSweep,
  runSeed,
  runTask,
  SCENARIOS,
  conformanceName,
  summarizeSweep,
  sweepExitCode,
  definedOverrides,
  parseSettings,
  parseCutList,
  parseSwarm,
  shapeOverrides,
  shrinkRun,
  sweepSeed,
  type Implementation,
  type RunOverrides,
  type RunResult,
  type SweepTask,
  type TaskResult,
} from '@leasehold/sim';
import { ZOO } from '@leasehold/sim/zoo';
import { palette, reportText, summaryText } from './format.js';
import { UsageError, type CliIo, type Done } from './io.js';
import { JOBS_MAX, REPORTS_MAX, SEEDS_DEFAULT, VIOLATION_LINES_MAX } from './limits.js';
import { implementationPath, loadImplementation } from './load-implementation.js';
import { flagValues, intFlag, shardFlag } from './parse-flags.js';
import { junitXml, writeJunit } from './junit.js';
import { Progress } from './progress.js';
import { TraceFile, tracePath } from './trace-file.js';
import type { WorkerRequest, WorkerTask } from './worker.js';
import { workerEntry } from './worker-entry.js';
import { monoNowMs } from './system-clock.js';

/** `dst run`'s flags as typed; each is checked where it is read, and an error names it. */
export interface DstRunValues {
  readonly seeds?: string;
  readonly seed?: string;
  readonly 'seed-base'?: string;
  readonly scenario?: string;
  readonly steps?: string;
  readonly nodes?: string;
  readonly resources?: string;
  readonly faults?: string;
  readonly settings?: string;
  readonly 'cut-ops'?: string;
  readonly 'cut-faults'?: string;
  readonly shard?: string;
  readonly jobs?: string;
  readonly json?: boolean;
  readonly 'trace-dir'?: string;
  readonly impl?: string;
  readonly 'no-shrink'?: boolean;
  readonly 'max-failures'?: string;
  readonly 'shrink-runs'?: string;
  readonly reporter?: string;
  readonly output?: string;
}

/** --steps, --nodes, --resources, --faults, --settings and --impl: shared with dst replay. */
export function addWorldOptions(command: Command): Command {
  return command
    .option(
      '--steps <n>',
      `scheduler events in the faulty phase of each run (default: drawn by the seed, ${limits.STEPS_DEFAULT}, or ${limits.SMALL_STEPS_MIN}..${limits.SMALL_STEPS_MAX} in the small worlds ${limits.SMALL_WORLD_PCT}% of seeds draw)`,
    )
    .option('--nodes <n>', `nodes per world (1..${limits.NODES_MAX}; default: drawn by the seed)`)
    .option(
      '--resources <n>',
      `resources per world (1..${limits.RESOURCES_MAX}; default: drawn by the seed)`,
    )
    .option(
      '--faults <spec>',
      "the faults to enable instead of the seed's swarm, e.g. 'storeLatency=1000 nodePause=40' (rates per 1000; 'none' for none); shrunk runs print it in their reproduce command",
    )
    .option(
      '--settings <spec>',
      "lease and workload settings instead of the seed's draw, any subset of 'ttl=500/1000 grace=0 skew=100 margin=0 drift=10000 renewals=none timeout=300 think=150 writes=6 work=300 abandon=15 blocking=50 wait=2500 admin=5 cleanup=5 stale=10' (every failure report prints the run's settings)",
    )
    .option(
      '--cut-ops <n,...>',
      "leave out the workload's operations with these numbers (counted in the order they start); shrunk runs print it in their reproduce command",
    )
    .option(
      '--cut-faults <n,...>',
      'leave out the fault events with these numbers (counted in the order they strike); shrunk runs print it in their reproduce command',
    )
    .option(
      '--impl <file>',
      `test your own implementation: a module exporting \`implementation\` ({ name, createClient(options) }, see README "Bring your own implementation"; TypeScript loads through tsx); zoo:${ZOO[0]!.id} .. zoo:${ZOO.at(-1)!.id} run a variant of the bug zoo (leasehold dst zoo)`,
    );
}

export const EXIT_CODES_HELP = `
exit codes: 0 passed, 1 safety violation, 2 liveness violation, 3 implementation crashed,
            4 nondeterminism detected, 5 a step the spec does not allow, a broken store, client or
            configuration contract (and no invariant broken),
            64 bad usage, 70 internal error of the harness`;

export function dstRunCommand(io: CliIo, done: Done): Command {
  const command = new Command('run')
    .description(
      'run seeded simulations of every scenario (or one) and check I-1..I-8 on every step',
    )
    .option(
      '--seeds <n>',
      `seeds per scenario (default ${SEEDS_DEFAULT}, at most ${limits.SEEDS_MAX})`,
    )
    .option(
      '--seed <s>',
      'run exactly one seed (decimal, or hex such as 0x1f or a commit hash); DST_SEED=S does the same',
    )
    .option('--seed-base <s>', 'first seed of the sweep (default 1); CI passes the commit hash')
    .option('--scenario <name>', 'one scenario (see: leasehold dst scenarios)');
  return addWorldOptions(command)
    .option('--shard <k/n>', 'run the K-th of N slices of the sweep')
    .option('--jobs <n>', 'worker processes (default: cores, at most 2 when not given)')
    .option(
      '--json',
      'print one JSON object as the last line of stdout (human output goes to stderr)',
    )
    .addOption(
      new Option(
        '--reporter <name>',
        'also write the sweep as a report file for CI: junit (one test case per seed; a failure carries its report and reproduce line); needs --output',
      ).choices(['junit']),
    )
    .option('--output <file>', 'where --reporter writes its file')
    .option('--trace-dir <dir>', "where failing runs' JSON-lines traces go (default .dst/traces)")
    .option('--no-shrink', 'do not shrink the first failing run')
    .option(
      '--shrink-runs <n>',
      `runs the shrink of the first failing run may try (default and at most ${limits.SHRINK_RUNS_MAX})`,
    )
    .option(
      '--max-failures <n>',
      'stop the sweep once N runs have failed (the summary covers the runs that ran)',
    )
    .addHelpText(
      'after',
      `
Every run of a scenario the model covers is also validated step by step against spec/Lease.tla.
${EXIT_CODES_HELP}`,
    )
    .action(async (_options, self: Command) =>
      done(await dstRun(flagValues<DstRunValues>(self), io)),
    );
}

export interface DstRunSettings {
  readonly tasks: SweepTask[];
  readonly plannedTotal: number;
  /** --steps, --nodes, --resources, --faults, --settings: passed to every run and reproduce command. */
  readonly overrides: RunOverrides;
  readonly shrink: boolean;
  /** Runs a shrink may try. */
  readonly shrinkRuns: number;
  /** Stop once this many runs failed (Infinity: run the whole sweep). */
  readonly maxFailures: number;
  readonly jobs: number;
  readonly json: boolean;
  readonly traceDir: string;
  /** A user's implementation module (`--impl`), loaded in every worker. */
  readonly implPath: string | undefined;
  /** `--impl` as the user typed it, for the reproduce command. */
  readonly implArg: string | undefined;
  readonly implementation: Implementation | undefined;
  /** `--reporter junit --output FILE`: where the JUnit XML report goes. */
  readonly junitPath: string | undefined;
  /** The sweep's seeds in words, for the summary line and reports: `seeds 1..300 (seed base 1)`. */
  readonly seedsText: string;
}

/** Reads and checks every flag; a bad one is a UsageError naming the flag and what it accepts. */
export async function dstRunSettings(values: DstRunValues, io: CliIo): Promise<DstRunSettings> {
  const pinned = pinnedSeed(values.seed, io.env.DST_SEED);
  const scenarios = values.scenario === undefined ? SCENARIOS : [scenarioFlag(values.scenario)];
  const seeds = intFlag('seeds', values.seeds, 1, limits.SEEDS_MAX, SEEDS_DEFAULT);
  const base = parseSeed(values['seed-base'] ?? '1');
  if (base.kind !== 'ok') throw new UsageError(`--seed-base: ${base.reason}`);
  const overrides = overridesFlags(values);
  const shard = shardFlag(values.shard);
  const jobs = intFlag('jobs', values.jobs, 1, JOBS_MAX, Math.min(2, availableParallelism()));
  const plan = {
    scenarios,
    seeds,
    seedBase: base.seed,
    ...(pinned === undefined ? {} : { pinnedSeed: pinned }),
  };
  const plannedTotal = planSweep(plan).length;
  const seedsText =
    pinned === undefined
      ? `seeds ${sweepSeed(base.seed, 0)}..${sweepSeed(base.seed, seeds - 1)} (seed base ${values['seed-base'] ?? '1'})`
      : `seed ${pinned}`;
  const tasks = planSweep({ ...plan, ...(shard === undefined ? {} : { shard }) });
  return {
    tasks,
    plannedTotal,
    overrides,
    shrink: values['no-shrink'] !== true,
    shrinkRuns: intFlag(
      'shrink-runs',
      values['shrink-runs'],
      1,
      limits.SHRINK_RUNS_MAX,
      limits.SHRINK_RUNS_MAX,
    ),
    maxFailures:
      values['max-failures'] === undefined
        ? Infinity
        : intFlag('max-failures', values['max-failures'], 1, limits.SEEDS_MAX * 100, 0),
    jobs,
    json: values.json === true,
    traceDir: values['trace-dir'] ?? join(io.cwd, '.dst', 'traces'),
    implPath: values.impl === undefined ? undefined : implementationPath(values.impl, io.cwd),
    implArg: values.impl,
    implementation:
      values.impl === undefined ? undefined : await loadImplementation(values.impl, io.cwd),
    junitPath: reporterFlags(values, io.cwd),
    seedsText: `${seedsText}${shard === undefined ? '' : `, shard ${shard.index}/${shard.count}`}`,
  };
}

/** `--reporter junit --output FILE` (both or neither): the report's path. */
function reporterFlags(values: DstRunValues, cwd: string): string | undefined {
  if (values.reporter === undefined && values.output === undefined) return undefined;
  if (values.reporter === undefined)
    throw new UsageError('--output names the file of a --reporter; add --reporter junit');
  if (values.output === undefined)
    throw new UsageError(`--reporter ${values.reporter} needs --output FILE`);
  return resolve(cwd, values.output);
}

/** --steps, --nodes, --resources, --faults and --settings, checked (shared with dst replay). */
export function overridesFlags(values: {
  steps?: string | undefined;
  nodes?: string | undefined;
  resources?: string | undefined;
  faults?: string | undefined;
  settings?: string | undefined;
  'cut-ops'?: string | undefined;
  'cut-faults'?: string | undefined;
}): RunOverrides {
  const swarm = values.faults === undefined ? undefined : parseSwarm(values.faults);
  if (swarm?.kind === 'invalid') throw new UsageError(`--faults: ${swarm.reason}`);
  const settings = values.settings === undefined ? undefined : parseSettings(values.settings);
  if (settings?.kind === 'invalid') throw new UsageError(`--settings: ${settings.reason}`);
  return definedOverrides({
    steps:
      values.steps === undefined
        ? undefined
        : intFlag('steps', values.steps, 1, limits.STEPS_MAX, 0),
    nodes:
      values.nodes === undefined
        ? undefined
        : intFlag('nodes', values.nodes, 1, limits.NODES_MAX, 0),
    resources:
      values.resources === undefined
        ? undefined
        : intFlag('resources', values.resources, 1, limits.RESOURCES_MAX, 0),
    swarm: swarm?.swarm,
    settings: settings?.settings,
    cut: {
      ops: cutFlag('cut-ops', values['cut-ops']),
      faults: cutFlag('cut-faults', values['cut-faults']),
    },
  } as RunOverrides);
}

/** `--cut-ops 3,7` / `--cut-faults 2`: the numbers, checked. */
function cutFlag(name: string, value: string | undefined): readonly number[] {
  if (value === undefined) return [];
  const parsed = parseCutList(value);
  if (parsed.kind === 'invalid') throw new UsageError(`--${name}: ${parsed.reason}`);
  return parsed.numbers;
}

function pinnedSeed(flag: string | undefined, env: string | undefined): string | undefined {
  const fromFlag = flag === undefined ? undefined : parseSeed(flag);
  const fromEnv = env === undefined || env === '' ? undefined : parseSeed(env);
  if (fromFlag?.kind === 'invalid') throw new UsageError(`--seed: ${fromFlag.reason}`);
  if (fromEnv?.kind === 'invalid') throw new UsageError(`DST_SEED: ${fromEnv.reason}`);
  if (fromFlag !== undefined && fromEnv !== undefined && fromFlag.seed !== fromEnv.seed) {
    throw new UsageError(`--seed ${fromFlag.seed} and DST_SEED=${fromEnv.seed} disagree; give one`);
  }
  return fromFlag?.seed ?? fromEnv?.seed;
}

export function scenarioFlag(name: string) {
  const scenario = findScenario(name);
  if (scenario === undefined) {
    throw new UsageError(
      `--scenario must be one of: ${SCENARIOS.map((s) => s.id).join(', ')} (got ${JSON.stringify(name)})`,
    );
  }
  return scenario;
}

export type Finished = TaskResult & { readonly index: number; readonly wallMs: number };

export async function dstRun(values: DstRunValues, io: CliIo): Promise<number> {
  const settings = await dstRunSettings(values, io);
  const human = settings.json ? io.stderr : io.stdout;
  const c = palette(io.color);
  const progress = new Progress(io.stderr, io.interactive, settings.tasks.length);
  let events = 0;
  let failing = 0;
  const onResult = (finished: Finished): boolean => {
    events += finished.run.events;
    if (finished.run.status !== 'passed' && !finished.run.expected) failing += 1;
    progress.tick(events, failing);
    return failing >= settings.maxFailures;
  };
  const results =
    settings.jobs > 1 && settings.tasks.length > 1
      ? await runInWorkers(settings, onResult)
      : await runInProcess(settings, onResult);

  const summary = summarizeSweep(results);
  const wallMsByScenario = new Map<string, number>();
  for (const r of results)
    wallMsByScenario.set(r.run.scenario, (wallMsByScenario.get(r.run.scenario) ?? 0) + r.wallMs);
  human(`${summaryText(summary, wallMsByScenario, c)}\n`);
  await reportFailures(results, settings, human, c);
  const exitCode = sweepExitCode(summary);
  if (settings.junitPath !== undefined) {
    const extra = { ...settings.overrides, ...implementationExtra(settings) };
    writeJunit(settings.junitPath, junitXml(results, { seeds: settings.seedsText, extra }));
    human(`JUnit report: ${settings.junitPath}\n`);
  }
  human(`${settings.seedsText}\n`);
  human(
    exitCode === 0
      ? c.green.bold('\nall runs passed\n')
      : c.red.bold(`\nFAILED (exit ${exitCode})\n`),
  );
  if (settings.json) {
    io.stdout(
      `${JSON.stringify({
        seeds: summary.seeds,
        events: summary.events,
        exitCode,
        violations: summary.violations,
        nondeterministic: summary.nondeterministic,
        traceHashes: summary.traceHashes,
        marks: summary.marks,
        marksNeverHit: summary.marksNeverHit,
        faultsFired: summary.faultsFired,
        determinismChecked: summary.determinismChecked,
        validated: summary.scenarios.reduce((n, s) => n + s.validated, 0),
      })}\n`,
    );
  }
  return exitCode;
}

/** `--impl` as the user typed it, for reproduce lines. */
function implementationExtra(settings: DstRunSettings) {
  return settings.implArg === undefined ? {} : { impl: settings.implArg };
}

function implementationOption(settings: DstRunSettings) {
  return settings.implementation === undefined ? {} : { implementation: settings.implementation };
}

/** `onResult` answers whether the sweep should stop (--max-failures reached). */
async function runInProcess(
  settings: DstRunSettings,
  onResult: (f: Finished) => boolean,
): Promise<Finished[]> {
  const results: Finished[] = [];
  for (const task of settings.tasks) {
    const started = monoNowMs();
    const result = await runTask(task, {
      ...settings.overrides,
      ...implementationOption(settings),
    });
    const finished = { ...result, index: task.index, wallMs: monoNowMs() - started };
    results.push(finished);
    if (onResult(finished)) break;
  }
  return results;
}

/** Runs the sweep's tasks in `--jobs` worker processes (exported for `npm run bench:pool`). */
export async function runInWorkers(
  settings: DstRunSettings,
  onResult: (f: Finished) => boolean,
): Promise<Finished[]> {
  const entry = workerEntry();
  const jobs = Math.min(settings.jobs, settings.tasks.length);
  const results: Finished[] = [];
  const children: ReturnType<typeof fork>[] = [];
  let stopping = false;
  await Promise.all(
    Array.from({ length: jobs }, (_, j) => {
      const tasks: WorkerTask[] = settings.tasks
        .filter((_, i) => i % jobs === j)
        .map((t) => ({
          index: t.index,
          scenario: t.scenario.id,
          seed: t.seed,
          determinism: t.determinism,
        }));
      return new Promise<void>((resolve, reject) => {
        const child = fork(entry.path, [], {
          execArgv: [...entry.execArgv],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        child.on('message', (message: Finished) => {
          if (stopping) return;
          results.push(message);
          if (!onResult(message)) return;
          stopping = true;
          for (const c of children) c.kill();
        });
        child.on('error', reject);
        child.on('exit', (code) => {
          const expected = tasks.length;
          const got = results.filter((r) => tasks.some((t) => t.index === r.index)).length;
          if ((code === 0 && got === expected) || stopping) resolve();
          else
            reject(
              new Error(
                `sweep worker ${j + 1} exited with code ${code} after ${got}/${expected} runs`,
              ),
            );
        });
        const request: WorkerRequest = {
          tasks,
          overrides: settings.overrides,
          ...(settings.implPath === undefined ? {} : { implPath: settings.implPath }),
        };
        child.send(request);
      });
    }),
  );
  return results;
}

/** Full reports for the first failing runs, each with its trace written to a file. */
async function reportFailures(
  results: readonly Finished[],
  settings: DstRunSettings,
  human: (text: string) => void,
  c: ReturnType<typeof palette>,
): Promise<void> {
  const failures = results
    .filter((r) => r.run.status !== 'passed' && !r.run.expected)
    .sort((a, b) => a.index - b.index);
  const impl = implementationExtra(settings);
  for (const [i, failure] of failures.slice(0, REPORTS_MAX).entries()) {
    const path = await writeTrace(failure.run, settings, settings.overrides, '');
    human(`\n${reportText(failure.run, c, { ...settings.overrides, ...impl, tracePath: path })}\n`);
    if (i === 0 && settings.shrink) await reportShrunk(failure.run, settings, human, c);
  }
  const rest = failures.slice(REPORTS_MAX, REPORTS_MAX + VIOLATION_LINES_MAX);
  for (const f of rest) {
    human(`${c.red('✗')} ${f.run.scenario} seed ${f.run.seed}: ${oneLine(f.run)}\n`);
  }
  const hidden = failures.length - REPORTS_MAX - rest.length;
  if (hidden > 0) human(`... and ${hidden} more failing runs\n`);
}

/** What a failing run reported, on one line. */
function oneLine(run: RunResult): string {
  if (run.violation !== null) return `${run.violation.invariant} ${run.violation.message}`;
  if (run.conformance !== null)
    return `${conformanceName(run.conformance)}: ${run.conformance.reason}`;
  return `crash ${run.crash?.message ?? ''}`;
}

/** Shrinks the first failing run and prints the smallest run found, its trace and command. */
async function reportShrunk(
  run: RunResult,
  settings: DstRunSettings,
  human: (text: string) => void,
  c: ReturnType<typeof palette>,
): Promise<void> {
  const started = monoNowMs();
  const shrunk = await shrinkRun({
    scenario: scenarioFlag(run.scenario),
    seed: run.seed,
    runsMax: settings.shrinkRuns,
    ...settings.overrides,
    ...implementationOption(settings),
  });
  if (shrunk === null) return;
  const seconds = ((monoNowMs() - started) / 1_000).toFixed(1);
  const overrides = shapeOverrides(shrunk.shape);
  const path = await writeTrace(shrunk.shrunk, settings, overrides, '-shrunk');
  const impl = implementationExtra(settings);
  human(
    `\n${c.bold('shrunk')}: ${shrunk.original.events} -> ${shrunk.shrunk.events} events, ${shrunk.shrunk.opsToFailure} operations, ` +
      `${shrunk.minimal ? '1-minimal' : 'not shown 1-minimal (out of runs, or the run does not replay identically)'}, in ${shrunk.runs} runs (${seconds} s): ` +
      `${shrunk.path.length === 0 ? 'no smaller run found' : shrunk.path.join('; ')}\n`,
  );
  human(
    `${reportText(shrunk.shrunk, c, { ...overrides, ...impl, tracePath: path }, 'the shrunk run')}\n`,
  );
}

/** Replays a run (it is deterministic) with a file sink, so the full trace lands on disk. */
async function writeTrace(
  run: RunResult,
  settings: DstRunSettings,
  overrides: RunOverrides,
  suffix: string,
): Promise<string> {
  const path = tracePath(settings.traceDir, run.scenario, `${run.seed}${suffix}`);
  const file = new TraceFile(path);
  try {
    await runSeed({
      scenario: scenarioFlag(run.scenario),
      seed: run.seed,
      traceSink: file,
      ...overrides,
      ...implementationOption(settings),
    });
  } finally {
    file.close();
  }
  return path;
}
