import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_BUGS, rightReport, testSweepArgs } from '../scripts/production-bugs/bugs';
import { buggyWorkspace, sweep } from '../scripts/production-bugs/workspace';

/**
 * Every check of the simulator's checker is shown to fail against production code. Each bug is
 * written into a copy of the packages' real sources, and a sweep over that copy must report the
 * invariant the bug breaks, and nothing else but steps the spec does not allow: 20 seeds of every
 * scenario, or, for a bug those reach too rarely, the whole default sweep of the one scenario that
 * reports it most (`testScenario`), as `npm run bugs -- --sweep test` runs them. The whole default
 * sweep over each is `npm run bugs`, a script. A sweep has no time bound of its own, only its seeds
 * and steps; the timeout is that of the slowest loaded machine we expect.
 */
const SWEEP_TIMEOUT_MS = 300_000;

describe('production bugs: a sweep of every scenario reports the invariant each one breaks', () => {
  for (const bug of PRODUCTION_BUGS) {
    it(
      `${bug.expected[0]} ${bug.id}: ${bug.title} (${bug.file}; ${bug.check})`,
      async () => {
        const dir = buggyWorkspace(bug);
        try {
          const outcome = await sweep(dir, ['--no-shrink', '--jobs', '2', ...testSweepArgs(bug)]);
          expect(outcome.runs, outcome.stderr.slice(-2_000)).toBeGreaterThan(0);
          expect(outcome.exitCode).not.toBe(0);
          const counts = [...new Set(outcome.reported)].join(', ');
          expect(rightReport(bug, outcome.reported), `reported: ${counts}`).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      SWEEP_TIMEOUT_MS,
    );
  }
});
