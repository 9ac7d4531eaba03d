import type { Implementation } from './implementation.js';
import { plainReport } from './report.js';
import { runSeed } from './run.js';
import type { Scenario } from './scenario.js';

/** What one seed of a `describeDst` suite runs with. */
export interface DstSuiteSeedOptions {
  readonly steps?: number | undefined;
  readonly nodes?: number | undefined;
  readonly implementation?: Implementation | undefined;
  /** The module `--impl` loads the implementation from, for the reproduce line. */
  readonly implementationModule?: string | undefined;
}

/**
 * Runs one seed of a seeded suite: null when it passed (or broke an assumption as its scenario
 * expects), else the report, whose reproduce line replays exactly this run, `--impl` included.
 */
export async function dstSuiteSeed(
  scenario: Scenario,
  seed: string,
  options: DstSuiteSeedOptions,
): Promise<string | null> {
  const extra = {
    ...(options.steps === undefined ? {} : { steps: options.steps }),
    ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
  };
  const run = await runSeed({
    scenario,
    seed,
    ...extra,
    ...(options.implementation === undefined ? {} : { implementation: options.implementation }),
  });
  if (run.status === 'passed' || run.expected) return null;
  const impl =
    options.implementationModule === undefined ? {} : { impl: options.implementationModule };
  return plainReport(run, { ...extra, ...impl });
}
