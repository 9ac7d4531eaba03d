import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_BUGS, rightReport } from '../scripts/production-bugs/bugs';
import { buggyWorkspace, sweep } from '../scripts/production-bugs/workspace';

/**
 * Issue 10, item 8: every check of the simulator's checker is shown to fail against production
 * code. Each bug is written into a copy of the packages' real sources, and a default sweep
 * (`leasehold dst run`, every scenario, 300 seeds each) over that copy must report the invariant
 * the bug breaks. A sweep has no time bound of its own here, only its seeds and steps; the test's
 * timeout is that of the slowest loaded machine we expect, ten minutes per sweep.
 */
const SWEEP_TIMEOUT_MS = 600_000;

describe('production bugs: a default sweep reports the invariant each one breaks', () => {
  for (const bug of PRODUCTION_BUGS) {
    it(
      `${bug.expected[0]} ${bug.id}: ${bug.title} (${bug.file}; ${bug.check})`,
      async () => {
        const dir = buggyWorkspace(bug);
        try {
          const outcome = await sweep(dir, ['--no-shrink', '--jobs', '2']);
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
