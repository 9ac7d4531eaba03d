import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import {
  definedOverrides,
  parseSeed,
  parseSettings,
  parseCutList,
  parseSwarm,
  plainReport,
  runSeed,
  statusText,
  type Implementation,
  type RunOverrides,
  type RunResult,
} from '@leasehold/sim';
import { addWorldOptions, overridesFlags, scenarioFlag } from './dst-run.js';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';
import { loadImplementation } from './load-implementation.js';
import { flagValues } from './parse-flags.js';

/** `dst replay`'s flags as typed. */
export interface DstReplayValues {
  readonly seed?: string;
  readonly scenario?: string;
  readonly steps?: string;
  readonly nodes?: string;
  readonly resources?: string;
  readonly faults?: string;
  readonly settings?: string;
  readonly 'cut-ops'?: string;
  readonly 'cut-faults'?: string;
  readonly impl?: string;
  readonly trace?: string;
}

export function dstReplayCommand(io: CliIo, done: Done): Command {
  const command = new Command('replay')
    .description('run one seed of one scenario and print its full trace (JSON lines)')
    .option('--seed <s>', 'the seed (or DST_SEED=S)')
    .option('--scenario <name>', 'the scenario (see: leasehold dst scenarios)');
  return addWorldOptions(command)
    .option(
      '--trace <file>',
      'replay the run a trace file records (its first line names the seed, scenario, world and faults) and check the new trace is byte-identical (exit 4 if not)',
    )
    .addHelpText(
      'after',
      `
The trace goes to stdout, one event per line; the outcome goes to stderr. The world flags are
those of dst run: a shrunk run's reproduce command lists them.`,
    )
    .action(async (_options, self: Command) =>
      done(await dstReplay(flagValues<DstReplayValues>(self), io)),
    );
}

interface ReplayPlan {
  readonly seed: string;
  readonly scenario: string;
  readonly overrides: RunOverrides;
  readonly implementation: Implementation | undefined;
  /** The implementation as `--impl` names it (for the reproduce line); undefined for leasehold's. */
  readonly impl: string | undefined;
  /** The trace lines to match, when replaying a trace file. */
  readonly expected: readonly string[] | undefined;
}

export async function dstReplay(values: DstReplayValues, io: CliIo): Promise<number> {
  const plan =
    values.trace === undefined
      ? await planFromFlags(values, io)
      : await planFromTrace(values.trace, values.impl, io);
  const lines: string[] = [];
  let buffer: string[] = [];
  const run = await runSeed({
    scenario: scenarioFlag(plan.scenario),
    seed: plan.seed,
    ...plan.overrides,
    ...(plan.implementation === undefined ? {} : { implementation: plan.implementation }),
    traceSink: {
      write: (line) => {
        if (plan.expected !== undefined) lines.push(line);
        buffer.push(line);
        if (buffer.length >= 1_000) {
          io.stdout(`${buffer.join('\n')}\n`);
          buffer = [];
        }
      },
    },
  });
  if (buffer.length > 0) io.stdout(`${buffer.join('\n')}\n`);
  if (plan.expected !== undefined) {
    const differsAt = firstDifference(plan.expected, lines);
    if (differsAt !== null) {
      io.stderr(
        `replay DIFFERS from ${values.trace} at line ${differsAt + 1}: the run is not reproducible (nondeterminism)\n`,
      );
      return EXIT.nondeterminism;
    }
    io.stderr(`replay is byte-identical to ${values.trace} (${lines.length} events)\n`);
  }
  io.stderr(
    run.status === 'passed'
      ? `${statusText(run)} (trace hash ${run.traceHash})\n`
      : `${plainReport(run, { ...plan.overrides, ...(plan.impl === undefined ? {} : { impl: plan.impl }) })}\n`,
  );
  return exitFor(run);
}

async function planFromFlags(values: DstReplayValues, io: CliIo): Promise<ReplayPlan> {
  const seedText = values.seed ?? io.env.DST_SEED;
  if (seedText === undefined || seedText === '')
    throw new UsageError('dst replay needs --seed S (or DST_SEED=S), or --trace FILE');
  const seed = parseSeed(seedText);
  if (seed.kind !== 'ok') throw new UsageError(`--seed: ${seed.reason}`);
  const scenario = values.scenario;
  if (scenario === undefined)
    throw new UsageError('dst replay needs --scenario NAME (see: leasehold dst scenarios)');
  const impl = values.impl;
  return {
    seed: seed.seed,
    scenario: scenarioFlag(scenario).id,
    overrides: overridesFlags(values),
    implementation: impl === undefined ? undefined : await loadImplementation(impl, io.cwd),
    impl,
    expected: undefined,
  };
}

/** Reads a trace file's first line (the run line) back into the run it records. */
async function planFromTrace(
  file: string,
  impl: string | undefined,
  io: CliIo,
): Promise<ReplayPlan> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--trace: cannot read ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const expected = text.trimEnd().split('\n');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(expected[0] ?? '') as Record<string, unknown>;
  } catch {
    throw new UsageError(
      `--trace: ${JSON.stringify(file)} is not a leasehold trace (its first line is not JSON)`,
    );
  }
  if (
    header.e !== 'run' ||
    typeof header.seed !== 'string' ||
    typeof header.scenario !== 'string'
  ) {
    throw new UsageError(`--trace: ${JSON.stringify(file)} does not start with a run line`);
  }
  const swarm = parseSwarm(String(header.swarm ?? ''));
  if (swarm.kind !== 'ok') throw new UsageError(`--trace: ${swarm.reason}`);
  const settings = parseSettings(String(header.settings ?? ''));
  if (settings.kind !== 'ok') throw new UsageError(`--trace: ${settings.reason}`);
  const name = String(header.impl ?? 'leasehold');
  if (impl === undefined && name !== 'leasehold' && !name.startsWith('zoo:')) {
    throw new UsageError(
      `--trace: the run used implementation ${JSON.stringify(name)}; pass its module with --impl FILE`,
    );
  }
  const implementation =
    impl !== undefined
      ? await loadImplementation(impl, io.cwd)
      : name.startsWith('zoo:')
        ? await loadImplementation(name, io.cwd)
        : undefined;
  return {
    seed: header.seed,
    scenario: header.scenario,
    overrides: definedOverrides({
      steps: Number(header.steps),
      nodes: Number(header.nodes),
      resources: Number(header.resources),
      swarm: swarm.swarm,
      settings: settings.settings,
      cut: { ops: cutFromHeader(header.cutOps), faults: cutFromHeader(header.cutFaults) },
    }),
    implementation,
    impl: impl ?? (name.startsWith('zoo:') ? name : undefined),
    expected,
  };
}

/** A cut list of a trace's run line (absent: none). */
function cutFromHeader(value: unknown): readonly number[] {
  if (value === undefined) return [];
  const parsed = parseCutList(String(value));
  if (parsed.kind === 'invalid')
    throw new UsageError(`--trace: the run line's cut ${parsed.reason}`);
  return parsed.numbers;
}

function firstDifference(a: readonly string[], b: readonly string[]): number | null {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return null;
}

function exitFor(run: RunResult): number {
  switch (run.status) {
    case 'passed':
      return EXIT.ok;
    case 'safety':
      return run.expected ? EXIT.ok : EXIT.safety;
    case 'liveness':
      return EXIT.liveness;
    case 'crash':
      return EXIT.crash;
    case 'conformance':
      return EXIT.nonconforming;
  }
}
