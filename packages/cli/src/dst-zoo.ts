import { Command } from 'commander';
import { faultsFlag, reproduceCommand, shapeOverrides } from '@leasehold/sim';
import {
  findZooVariant,
  runZoo,
  ZOO,
  ZOO_BASES_DEFAULT,
  ZOO_BUDGET_DEFAULT,
  type ZooReport,
} from '@leasehold/sim/zoo';
import { palette } from './format.js';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';
import { flagValues, intFlag } from './parse-flags.js';
import { monoNowMs } from './system-clock.js';

/** `dst zoo`'s flags as typed. */
export interface DstZooValues {
  readonly budget?: string;
  readonly bases?: string;
  readonly variant?: string;
  readonly json?: boolean;
}

export function dstZooCommand(io: CliIo, done: Done): Command {
  return new Command('zoo')
    .description(
      `prove the harness catches every classic lease bug (${ZOO[0]!.id}..${ZOO.at(-1)!.id})`,
    )
    .option(
      '--budget <n>',
      `seeds per base sweep before a variant counts as missed (default ${ZOO_BUDGET_DEFAULT})`,
    )
    .option('--bases <k>', `base sweeps per variant (default ${ZOO_BASES_DEFAULT})`)
    .option('--variant <id>', `one variant (${ZOO[0]!.id}..${ZOO.at(-1)!.id})`)
    .option('--json', 'one JSON object as the last line of stdout')
    .addHelpText(
      'after',
      `
Each variant of the bug zoo (a small, documented break of the real client or store) is swept
from several base seeds until its first failure; the first failure is shrunk; the correct
implementation must pass the same seeds.

exit 0 only when every variant is detected in every base sweep with an expected invariant and the
correct implementation passes; 1 otherwise; 64 bad usage.`,
    )
    .action(async (_options, self: Command) =>
      done(await dstZoo(flagValues<DstZooValues>(self), io)),
    );
}

export async function dstZoo(values: DstZooValues, io: CliIo): Promise<number> {
  const budget = intFlag('budget', values.budget, 1, 10_000, ZOO_BUDGET_DEFAULT);
  const bases = intFlag('bases', values.bases, 1, 100, ZOO_BASES_DEFAULT);
  const variants = values.variant === undefined ? ZOO : [variantFlag(values.variant)];
  const human = values.json === true ? io.stderr : io.stdout;
  const report = await runZoo({
    variants,
    budget,
    bases,
    nowMs: monoNowMs,
    onProgress: (line) => io.stderr(`${line}\n`),
  });
  human(`${zooText(report, budget, bases, io.color)}\n`);
  if (values.json === true) io.stdout(`${JSON.stringify(zooJson(report, budget, bases))}\n`);
  return report.ok ? EXIT.ok : EXIT.safety;
}

function variantFlag(id: string) {
  const variant = findZooVariant(id);
  if (variant === undefined) {
    throw new UsageError(
      `--variant must be one of: ${ZOO.map((v) => v.id).join(', ')} (got ${JSON.stringify(id)})`,
    );
  }
  return variant;
}

function zooText(report: ZooReport, budget: number, bases: number, color: boolean): string {
  const c = palette(color);
  const lines = [
    c.bold(`bug zoo: ${bases} base sweeps of up to ${budget} seeds per variant`),
    c.bold(
      'id    detected  invariant  seeds-to-detect (median; per base)  ms-to-detect  shrunk events (from), ops  shrink ms  variant',
    ),
  ];
  for (const v of report.variants) {
    const detected = v.detected
      ? c.green(`yes ${v.basesDetected}/${bases}`)
      : c.red(`NO  ${v.basesDetected}/${bases}`);
    lines.push(
      [
        v.id.padEnd(5),
        detected.padEnd(v.detected ? 9 + (color ? 10 : 0) : 9 + (color ? 10 : 0)),
        String(v.invariant ?? '-').padEnd(9),
        `${v.seedsToDetectMedian} (${v.seedsToDetect.join(',')})`.padEnd(35),
        String(v.msToDetectMedian).padEnd(12),
        `${v.shrunkEvents ?? '-'} (${v.firstFailure?.events ?? '-'}), ${v.shrunkOps ?? '-'}${v.shrunkMinimal === false ? ' not 1-minimal' : ''}`.padEnd(
          26,
        ),
        String(v.shrinkMs ?? '-').padEnd(9),
        v.title,
      ].join(' '),
    );
  }
  lines.push('', c.bold('reproduce each shrunk failure:'));
  for (const v of report.variants) {
    if (v.shrink === null) continue;
    const shape = v.shrink.shape;
    lines.push(
      `  ${v.id}: ${reproduceCommand({ seed: shape.seed, scenario: v.scenario }, { impl: `zoo:${v.id}`, ...shapeOverrides(shape) })}`,
    );
  }
  const correct = report.correct;
  lines.push(
    '',
    correct.failures.length === 0
      ? c.green(`correct implementation: ${correct.runs} runs over the same seeds, all passed`)
      : c.red(
          `correct implementation: ${correct.failures.length} of ${correct.runs} runs FAILED: ${JSON.stringify(correct.failures.slice(0, 5))}`,
        ),
    report.ok
      ? c.green.bold('every variant detected')
      : c.red.bold('FAILED: not every variant was detected, or the correct implementation failed'),
  );
  return lines.join('\n');
}

function zooJson(report: ZooReport, budget: number, bases: number) {
  return {
    budget,
    bases,
    ok: report.ok,
    variants: report.variants.map((v) => ({
      id: v.id,
      title: v.title,
      scenario: v.scenario,
      detected: v.detected,
      basesDetected: v.basesDetected,
      invariant: v.invariant,
      expected: v.expected,
      seedsToDetect: v.seedsToDetect,
      seedsToDetectMedian: v.seedsToDetectMedian,
      msToDetectMedian: v.msToDetectMedian,
      firstFailure: v.firstFailure,
      shrunkEvents: v.shrunkEvents,
      shrunkOps: v.shrunkOps,
      shrunkMinimal: v.shrunkMinimal,
      shrinkMs: v.shrinkMs,
      shrunk:
        v.shrink === null
          ? null
          : {
              seed: v.shrink.shape.seed,
              ...shapeOverrides(v.shrink.shape),
              faults: faultsFlag(v.shrink.shape.swarm),
              path: v.shrink.path,
            },
    })),
    correct: report.correct,
  };
}
