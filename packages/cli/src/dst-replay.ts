import { limits, parseSeed, plainReport, runSeed, statusText } from '@leasehold/sim';
import { scenarioFlag } from './dst-run';
import { EXIT, UsageError, type CliIo } from './io';
import { intFlag, parseFlags } from './parse-flags';

export const DST_REPLAY_HELP = `leasehold dst replay: run one seed of one scenario and print its full trace (JSON lines)

  --seed S         the seed (or DST_SEED=S)
  --scenario NAME  the scenario (see: leasehold dst scenarios)
  --steps N        as given to dst run (default ${limits.STEPS_DEFAULT})
  --nodes N        as given to dst run

The trace goes to stdout, one event per line; the outcome goes to stderr.`;

const FLAGS = {
  seed: { type: 'string' },
  scenario: { type: 'string' },
  steps: { type: 'string' },
  nodes: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export async function dstReplay(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('dst replay', argv, FLAGS);
  if (values.help === true) {
    io.stdout(`${DST_REPLAY_HELP}\n`);
    return EXIT.ok;
  }
  const seedText = values.seed ?? io.env.DST_SEED;
  if (seedText === undefined || seedText === '')
    throw new UsageError('dst replay needs --seed S (or DST_SEED=S)');
  const seed = parseSeed(seedText);
  if (seed.kind !== 'ok') throw new UsageError(`--seed: ${seed.reason}`);
  if (values.scenario === undefined)
    throw new UsageError('dst replay needs --scenario NAME (see: leasehold dst scenarios)');
  const scenario = scenarioFlag(values.scenario);
  const extra = {
    ...(values.steps === undefined
      ? {}
      : { steps: intFlag('steps', values.steps, 1, limits.STEPS_MAX, 0) }),
    ...(values.nodes === undefined
      ? {}
      : { nodes: intFlag('nodes', values.nodes, 1, limits.NODES_MAX, 0) }),
  };
  let buffer: string[] = [];
  const run = await runSeed({
    scenario,
    seed: seed.seed,
    ...extra,
    traceSink: {
      write: (line) => {
        buffer.push(line);
        if (buffer.length >= 1_000) {
          io.stdout(`${buffer.join('\n')}\n`);
          buffer = [];
        }
      },
    },
  });
  if (buffer.length > 0) io.stdout(`${buffer.join('\n')}\n`);
  io.stderr(
    run.status === 'passed'
      ? `${statusText(run)} (trace hash ${run.traceHash})\n`
      : `${plainReport(run, extra)}\n`,
  );
  switch (run.status) {
    case 'passed':
      return EXIT.ok;
    case 'safety':
      return run.expected ? EXIT.ok : EXIT.safety;
    case 'liveness':
      return EXIT.liveness;
    case 'crash':
      return EXIT.crash;
  }
}
