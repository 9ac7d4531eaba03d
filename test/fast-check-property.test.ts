import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '@leasehold/cli';
import { drawSettings, drawSwarm, findScenario, SCENARIOS } from '@leasehold/sim';
import {
  checkWorld,
  leaseProperty,
  leaseWorld,
  runWorld,
  worldSettings,
  type LeaseWorld,
} from '@leasehold/sim/fast-check';
import { findZooVariant } from '@leasehold/sim/zoo';
import { TapeDraws } from '../packages/sim/src/tape-draws';

const Z8 = findZooVariant('Z8')!;

/** `a 'b c' d` -> ['a', 'b c', 'd']: the shell words of a printed reproduce line. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

async function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    env,
    cwd: process.cwd(),
    interactive: false,
    color: false,
  });
  return { code, output: out.join('') };
}

/** A cap, not an expectation: properties run many worlds, on a possibly loaded machine. */
const PROPERTY_MS_MAX = 10 * 60_000;

describe(
  '@leasehold/sim/fast-check: property-based CI gating',
  { timeout: PROPERTY_MS_MAX },
  () => {
    it('a property finds zoo Z8; its seed and path replay it; its reproduce line runs it', async () => {
      const property = leaseProperty({
        implementation: Z8.implementation,
        implementationModule: 'zoo:Z8',
      });
      const found = await fc.check(property, { seed: 42, numRuns: 100 });
      expect(found.failed).toBe(true);
      const world = found.counterexample![0] as LeaseWorld;
      const message = (found.errorInstance as Error).message;
      expect(message).toMatch(/^✗ safety violation: I-\d \w+\n {2}/);

      // fast-check's seed and path: the first run is the shrunk counterexample, failing alike.
      const replay = await fc.check(property, {
        seed: found.seed,
        path: found.counterexamplePath!,
        endOnFailure: true,
      });
      expect(replay.failed).toBe(true);
      expect(replay.numRuns).toBe(1);
      expect(replay.counterexample![0]).toEqual(world);
      expect((replay.errorInstance as Error).message).toBe(message);

      // The printed command: the same world through the CLI, the same invariant.
      const line = /reproduce (DST_SEED=\S+ npx leasehold .*)$/m.exec(message)![1]!;
      expect(line).toContain('--impl zoo:Z8');
      const [assignment, , , ...argv] = shellWords(line);
      const seed = assignment!.slice('DST_SEED='.length);
      expect(seed).toBe(world.seed);
      const ran = await cli([...argv, '--no-shrink', '--jobs', '1'], { DST_SEED: seed });
      expect(ran.code).toBe(1);
      const invariant = /I-\d \w+/.exec(message)![0];
      expect(ran.output).toContain(invariant);
    });

    it("leasehold's own client passes the property over worlds of every scenario", async () => {
      await fc.assert(leaseProperty(), { seed: 7, numRuns: 40 });
    });

    it('worlds stay inside what their scenario allows, and the same world runs identically', async () => {
      await fc.assert(
        fc.asyncProperty(leaseWorld(), async (world) => {
          const scenario = findScenario(world.scenario)!;
          expect(world.nodes).toBeGreaterThanOrEqual(scenario.nodes[0]);
          expect(world.nodes).toBeLessThanOrEqual(scenario.nodes[1]);
          expect(world.resources).toBeGreaterThanOrEqual(scenario.resources[0]);
          expect(world.resources).toBeLessThanOrEqual(scenario.resources[1]);
          for (const kind of Object.keys(world.swarm))
            expect([...scenario.faults, ...scenario.alwaysOn]).toContain(kind);
          const [a, b] = [await runWorld(world), await runWorld(world)];
          expect(a.traceHash).toBe(b.traceHash);
        }),
        { seed: 3, numRuns: 15 },
      );
    });

    it('a world can be narrowed to scenarios; the least settings are the edges (grace 0, skew 0)', () => {
      const ids = fc
        .sample(leaseWorld({ scenario: ['baseline', 'contention'] }), { seed: 1, numRuns: 50 })
        .map((w) => w.scenario);
      expect(new Set(ids)).toEqual(new Set(['baseline', 'contention']));
      // Where shrinking heads: a tape of zeros draws the edges of every setting and one fault.
      const least = drawSettings(new TapeDraws([]));
      expect([least.graceMs, least.skewMs, least.marginMs, least.driftPpm]).toEqual([0, 0, 0, 0]);
      const swarm = findScenario('swarm')!;
      expect(Object.keys(drawSwarm(swarm.faults, swarm.alwaysOn, new TapeDraws([])))).toHaveLength(
        1,
      );
      expect(fc.sample(worldSettings(), { seed: 1, numRuns: 5 })).toHaveLength(5);
      expect(() => leaseWorld({ scenario: 'nope' })).toThrow(/unknown scenario "nope"/);
      expect(SCENARIOS.length).toBeGreaterThan(2);
    });

    it('an implementation without the module that exports it is refused (its reproduce line would lie)', () => {
      expect(() => leaseProperty({ implementation: Z8.implementation } as never)).toThrow(
        /needs implementationModule/,
      );
    });
  },
);

describe('@leasehold/sim/fast-check with @fast-check/vitest', { timeout: PROPERTY_MS_MAX }, () => {
  fcTest.prop([leaseWorld({ scenario: 'storage-faults' })], { numRuns: 10, seed: 11 })(
    'leasehold under storage faults (test.prop)',
    (world) => checkWorld(world),
  );
});
