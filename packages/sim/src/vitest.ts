import { describe, it } from 'vitest';
import type { Implementation } from './implementation';
import { plainReport } from './report';
import { runSeed } from './run';
import { findScenario, type Scenario } from './scenario';
import { parseSeed, sweepSeed } from './seed';

export interface DstSuiteOptions {
  /** A scenario id (`leasehold dst scenarios`) or a Scenario. */
  readonly scenario: string | Scenario;
  /** Seeds to run, consecutive from `seedBase` (default 1). DST_SEED pins exactly one. */
  readonly seeds?: number;
  readonly seedBase?: string;
  readonly steps?: number;
  readonly nodes?: number;
  readonly implementation?: Implementation;
  /** Per-test timeout, ms. */
  readonly timeoutMs?: number;
}

/**
 * Seeded DST suites in vitest: one test per seed, the seed in its title, so a failing title is a
 * bug report (STYLE.md habit 10). `DST_SEED=<seed> npx vitest run <file>` runs exactly that seed.
 *
 *   describeDst('lease under storage faults', { scenario: 'storage-faults', seeds: 20 });
 */
export function describeDst(title: string, options: DstSuiteOptions): void {
  const scenario =
    typeof options.scenario === 'string' ? findScenario(options.scenario) : options.scenario;
  if (scenario === undefined)
    throw new Error(`describeDst: unknown scenario ${JSON.stringify(options.scenario)}`);
  const seeds = seedsFor(options);
  describe(title, () => {
    for (const seed of seeds) {
      it(`${scenario.id} seed ${seed}`, { timeout: options.timeoutMs ?? 60_000 }, async () => {
        const extra = {
          ...(options.steps === undefined ? {} : { steps: options.steps }),
          ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
        };
        const run = await runSeed({
          scenario,
          seed,
          ...extra,
          ...(options.implementation === undefined
            ? {}
            : { implementation: options.implementation }),
        });
        if (run.status !== 'passed' && !run.expected) throw new Error(plainReport(run, extra));
      });
    }
  });
}

function seedsFor(options: DstSuiteOptions): string[] {
  const pinned = process.env.DST_SEED;
  if (pinned !== undefined && pinned !== '') {
    const parsed = parseSeed(pinned);
    if (parsed.kind !== 'ok') throw new Error(`DST_SEED: ${parsed.reason}`);
    return [parsed.seed];
  }
  const base = parseSeed(options.seedBase ?? '1');
  if (base.kind !== 'ok') throw new Error(`describeDst seedBase: ${base.reason}`);
  return Array.from({ length: options.seeds ?? 10 }, (_, i) => sweepSeed(base.seed, i));
}
