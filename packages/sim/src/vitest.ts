import { describe, it } from 'vitest';
import { dstSuiteSeed } from './dst-suite-seed.js';
import type { Implementation } from './implementation.js';
import { findScenario, type Scenario } from './scenario.js';
import { parseSeed } from './seed.js';
import { sweepSeeds } from './sweep-order.js';

export interface DstSuiteOptions {
  /** A scenario id (`leasehold dst scenarios`) or a Scenario. */
  readonly scenario: string | Scenario;
  /**
   * Seeds to run, consecutive from `seedBase` (default 1), small worlds first (`sweepSeeds`).
   * DST_SEED pins exactly one.
   */
  readonly seeds?: number;
  readonly seedBase?: string;
  readonly steps?: number;
  readonly nodes?: number;
  /** Per-test timeout, ms. */
  readonly timeoutMs?: number;
}

/** The implementation a suite tests, and the module `--impl` loads it from. */
export type DstSuiteImplementation =
  | { readonly implementation?: undefined; readonly implementationModule?: undefined }
  | {
      readonly implementation: Implementation;
      /**
       * The module that exports `implementation`, as `leasehold dst run --impl` takes it (a path
       * from the directory the command runs in, or `zoo:Z3`): the reproduce line of a failing
       * seed names it, so the printed command tests this implementation, not the default one.
       */
      readonly implementationModule: string;
    };

/**
 * Seeded DST suites in vitest: one test per seed, the seed in its title, so a failing title is a
 * bug report that names the seed to replay. `DST_SEED=<seed> npx vitest run <file>` runs exactly
 * that seed.
 *
 *   describeDst('lease under storage faults', { scenario: 'storage-faults', seeds: 20 });
 *   describeDst('my lease', { scenario: 'swarm', implementation, implementationModule: 'src/my-lease.ts' });
 */
export function describeDst(
  title: string,
  options: DstSuiteOptions & DstSuiteImplementation,
): void {
  // Checked at run time too: suites written in JavaScript get no type error.
  const given = options as { implementation?: Implementation; implementationModule?: unknown };
  if (given.implementation !== undefined && typeof given.implementationModule !== 'string')
    throw new Error(
      `describeDst: ${JSON.stringify(title)} tests the implementation ${JSON.stringify(given.implementation.name)}; name the module that exports it (implementationModule: 'src/my-lease.ts'), so a failure's reproduce line runs it`,
    );
  const scenario =
    typeof options.scenario === 'string' ? findScenario(options.scenario) : options.scenario;
  if (scenario === undefined)
    throw new Error(`describeDst: unknown scenario ${JSON.stringify(options.scenario)}`);
  const seeds = seedsFor(scenario, options);
  describe(title, () => {
    for (const seed of seeds) {
      it(`${scenario.id} seed ${seed}`, { timeout: options.timeoutMs ?? 60_000 }, async () => {
        const failure = await dstSuiteSeed(scenario, seed, options);
        if (failure !== null) throw new Error(failure);
      });
    }
  });
}

function seedsFor(scenario: Scenario, options: DstSuiteOptions): string[] {
  const pinned = process.env.DST_SEED;
  if (pinned !== undefined && pinned !== '') {
    const parsed = parseSeed(pinned);
    if (parsed.kind !== 'ok') throw new Error(`DST_SEED: ${parsed.reason}`);
    return [parsed.seed];
  }
  const base = parseSeed(options.seedBase ?? '1');
  if (base.kind !== 'ok') throw new Error(`describeDst seedBase: ${base.reason}`);
  return sweepSeeds(scenario, base.seed, options.seeds ?? 10);
}
