import { LeaseClient, randomIds } from '@leasehold/client';
import {
  drawsSmallWorld,
  findScenario,
  parseSeed,
  runSeed,
  runTask,
  SCENARIOS,
  sweepSeed,
  sweepSeeds,
  type Implementation,
} from '@leasehold/sim';
import { describe, expect, it } from 'vitest';
import { implementation as nondeterministic } from '../../../test/fixtures/nondeterministic';

async function traceOf(scenario: string, seed: string): Promise<{ lines: string[]; hash: string }> {
  const lines: string[] = [];
  const run = await runSeed({
    scenario: findScenario(scenario)!,
    seed,
    steps: 800,
    traceSink: { write: (l) => lines.push(l) },
  });
  return { lines, hash: run.traceHash };
}

describe('determinism (C-8)', () => {
  for (const scenario of SCENARIOS) {
    it(`same seed, byte-identical trace: ${scenario.id} seed 7`, async () => {
      const first = await traceOf(scenario.id, '7');
      const second = await traceOf(scenario.id, '7');
      expect(second.hash).toBe(first.hash);
      expect(second.lines.join('\n')).toBe(first.lines.join('\n'));
      expect(first.lines.length).toBeGreaterThan(10);
    });
  }

  it('different seeds give different traces', async () => {
    const hashes = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) hashes.add((await traceOf('swarm', String(seed))).hash);
    expect(hashes.size).toBe(12);
  });

  it('the determinism check catches an implementation that keeps state across runs', async () => {
    const result = await runTask(
      { index: 0, scenario: findScenario('baseline')!, seed: '3', determinism: true },
      { implementation: nondeterministic, steps: 600 },
    );
    expect(result.deterministic).toBe(false);
    expect(result.secondHash).not.toBe(result.run.traceHash);
  });

  it('the determinism check catches ids drawn from anything but the seed (no trace line shows them)', async () => {
    // The correct client, but with random request ids and owner keys instead of the run's own.
    const randomIdsClient: Implementation = {
      name: 'random ids',
      createClient: (options) => new LeaseClient({ ...options, ids: randomIds() }),
    };
    const task = { index: 0, scenario: findScenario('baseline')!, seed: '3', determinism: true };
    const random = await runTask(task, { implementation: randomIdsClient, steps: 600 });
    expect(random.run.status).toBe('passed');
    expect(random.deterministic).toBe(false);
    const seeded = await runTask(task, { steps: 600 });
    expect(seeded.deterministic).toBe(true);
  });
});

describe('seeds', () => {
  it('reads decimal and hex (0x-prefixed or a bare commit hash) as the same 64-bit seed', () => {
    expect(parseSeed('12345')).toEqual({ kind: 'ok', seed: '12345' });
    expect(parseSeed('0x3039')).toEqual({ kind: 'ok', seed: '12345' });
    expect(parseSeed('9f2c1e0')).toEqual({ kind: 'ok', seed: String(0x9f2c1e0) });
    expect(parseSeed('18446744073709551617')).toEqual({ kind: 'ok', seed: '1' });
  });

  it('refuses anything else with a reason', () => {
    for (const bad of ['', 'seed-1', '12.5', '-3', '0xzz']) {
      const parsed = parseSeed(bad);
      expect(parsed.kind).toBe('invalid');
    }
  });

  it('sweep seeds are consecutive from the base and wrap at 64 bits', () => {
    expect(sweepSeed('10', 3)).toBe('13');
    expect(sweepSeed('18446744073709551615', 1)).toBe('0');
  });

  it('a sweep runs the same consecutive seeds, those that draw a small world first', async () => {
    const swarm = findScenario('swarm')!;
    const seeds = sweepSeeds(swarm, '1', 40);
    const consecutive = Array.from({ length: 40 }, (_, i) => sweepSeed('1', i));
    expect([...seeds].sort((a, b) => Number(a) - Number(b))).toEqual(consecutive);
    const small = consecutive.filter((seed) => drawsSmallWorld(swarm, seed));
    expect(small.length).toBeGreaterThan(5);
    expect(small.length).toBeLessThan(35);
    expect(seeds.slice(0, small.length)).toEqual(small);
    expect(seeds.slice(small.length)).toEqual(consecutive.filter((seed) => !small.includes(seed)));
    // The order is only the order: a small world's run is what its seed draws, and it is small.
    const run = await runSeed({ scenario: swarm, seed: seeds[0]! });
    expect(run.nodes).toBeLessThanOrEqual(3);
    expect(run.resources).toBe(1);
    // A scenario without small worlds keeps seed order.
    const powerLoss = findScenario('power-loss')!;
    expect(sweepSeeds(powerLoss, '1', 40)).toEqual(consecutive);
  });
});
