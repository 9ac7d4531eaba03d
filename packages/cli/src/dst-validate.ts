import { Command } from 'commander';
import { showRecord, TraceValidator, type ConformanceFailure } from '@leasehold/model';
import { recordText } from '@leasehold/step';
import { leaseConfigOf, limits, parseSeed, planRun, runSeed } from '@leasehold/sim';
import { scenarioFlag } from './dst-run.js';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';
import { flagValues, intFlag } from './parse-flags.js';

/** `dst validate`'s flags as typed. */
export interface DstValidateValues {
  readonly seed?: string;
  readonly scenario?: string;
  readonly steps?: string;
  readonly json?: boolean;
}

export function dstValidateCommand(io: CliIo, done: Done): Command {
  return new Command('validate')
    .description('run one seed and check its trace step by step against the model')
    .option('--seed <s>', 'the seed (or DST_SEED=S)')
    .option('--scenario <name>', 'the scenario (see: leasehold dst scenarios)')
    .option('--steps <n>', 'as given to dst run (default: drawn by the seed, as dst run does)')
    .option(
      '--json',
      'one JSON object: { seed, scenario, conforming, observations, actions, failure }',
    )
    .addHelpText(
      'after',
      `
Exits 0 when every step maps onto a model action of spec/Lease.tla, 5 when one does not (both
states and the step are printed). dst run validates every run of these scenarios on its own; this
command shows the actions each step was mapped to.`,
    )
    .action(async (_options, self: Command) =>
      done(await dstValidate(flagValues<DstValidateValues>(self), io)),
    );
}

export async function dstValidate(values: DstValidateValues, io: CliIo): Promise<number> {
  const seedText = values.seed ?? io.env.DST_SEED;
  if (seedText === undefined || seedText === '')
    throw new UsageError('dst validate needs --seed S (or DST_SEED=S)');
  const seed = parseSeed(seedText);
  if (seed.kind !== 'ok') throw new UsageError(`--seed: ${seed.reason}`);
  if (values.scenario === undefined)
    throw new UsageError('dst validate needs --scenario NAME (see: leasehold dst scenarios)');
  const scenario = scenarioFlag(values.scenario);
  if (!scenario.validated) {
    throw new UsageError(
      `scenario ${scenario.id} is outside the model of spec/Lease.tla (power loss, or clocks beyond ` +
        'their bounds on purpose); validate another scenario',
    );
  }
  const options = {
    scenario,
    seed: seed.seed,
    ...(values.steps === undefined
      ? {}
      : { steps: intFlag('steps', values.steps, 1, limits.STEPS_MAX, limits.STEPS_DEFAULT) }),
  };
  const validator = new TraceValidator(leaseConfigOf(planRun(options).settings));
  const run = await runSeed({ ...options, validate: false, listeners: [validator.listener] });
  const result = validator.result();
  if (values.json === true) {
    io.stdout(
      `${JSON.stringify({ seed: seed.seed, scenario: scenario.id, run: run.status, ...result })}\n`,
    );
  } else {
    io.stdout(
      `${scenario.id} seed ${seed.seed}: ${result.observations} steps, ${result.conforming ? 'every step matches a model action' : 'CONFORMANCE FAILURE'} (run ${run.status})\n`,
    );
    io.stdout(
      `actions: ${Object.entries(result.actions)
        .map(([a, n]) => `${a} ${n}`)
        .join(', ')}\n`,
    );
    if (result.failure !== null) io.stdout(formatFailure(result.failure));
  }
  return result.conforming ? EXIT.ok : EXIT.nonconforming;
}

function formatFailure(f: ConformanceFailure): string {
  const o = f.observation;
  const lines = [
    `step ${f.step} (${o.kind} by ${'node' in o ? o.node : 'the world'}) has no matching model action ${f.action}: ${f.reason}`,
    `  model state:     record ${showRecord(f.modelState.record)}; ${f.modelState.writes} writes; fenced resource accepted up to ${f.modelState.fenceMax}`,
  ];
  if (o.kind === 'apply') {
    lines.push(`  simulator state: before ${showRecord(o.before)}; after ${showRecord(o.after)}`);
    lines.push(
      `  the step:        ${o.req} by ${o.node} answered ${o.outcome}, version ${o.versionBefore} -> ${o.versionAfter} (${recordText(o.after)})`,
    );
  } else {
    lines.push(`  the step:        ${JSON.stringify(o)}`);
  }
  return `${lines.join('\n')}\n`;
}
