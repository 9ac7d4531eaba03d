import {
  findScenario,
  parseCutList,
  reproduceCommand,
  runSeed,
  shapeOverrides,
  shrinkRun,
} from '@leasehold/sim';
import { ZOO } from '@leasehold/sim/zoo';
import { describe, expect, it } from 'vitest';

// That every variant is caught in every base sweep, as an invariant it breaks, is tested where the
// zoo runs exactly as `leasehold dst zoo` runs it (packages/cli/test/dst-zoo.test.ts). Here: how a
// zoo failure shrinks.

describe('shrinking', () => {
  const z8 = ZOO.find((v) => v.id === 'Z8')!;
  const input = {
    scenario: findScenario(z8.scenario)!,
    seed: '2',
    implementation: z8.implementation,
  };

  it('is deterministic: the same failing run shrinks to the same run by the same path', async () => {
    const first = await shrinkRun(input);
    const second = await shrinkRun(input);
    expect(first).not.toBeNull();
    expect(second!.shape).toEqual(first!.shape);
    expect(second!.path).toEqual(first!.path);
    expect(second!.shrunk.traceHash).toBe(first!.shrunk.traceHash);
  });

  it('the shrunk run is smaller and, replayed from its shape, fails the same invariant', async () => {
    const shrunk = (await shrinkRun(input))!;
    expect(shrunk.shrunk.events).toBeLessThan(shrunk.original.events);
    expect(shrunk.shape.nodes).toBeLessThanOrEqual(shrunk.original.nodes);
    // Nothing single can go, and what is left is a handful of operations (every variant:
    // packages/cli/test/dst-zoo.test.ts).
    expect(shrunk.minimal).toBe(true);
    expect(shrunk.shrunk.opsToFailure).toBeGreaterThan(0);
    expect(shrunk.shrunk.opsToFailure).toBeLessThanOrEqual(12);
    const replayed = await runSeed({
      ...input,
      seed: shrunk.shape.seed,
      ...shapeOverrides(shrunk.shape),
    });
    expect(replayed.status).toBe(shrunk.original.status);
    expect(replayed.violation?.invariant).toBe(shrunk.original.violation?.invariant);
    expect(replayed.events).toBe(shrunk.shrunk.events);
  });

  it('returns null for a run that does not fail', async () => {
    expect(await shrinkRun({ scenario: findScenario('baseline')!, seed: '1' })).toBeNull();
  });
});

describe('cuts: a run without some of its operations and faults', () => {
  const baseline = findScenario('baseline')!;
  const storage = findScenario('storage-faults')!;

  it('leaves out the numbered operation, lists it in the run line, and replays identically', async () => {
    const whole = await runSeed({ scenario: baseline, seed: '1' });
    const first = whole.units.ops[0]!;
    expect(first.n).toBe(1);
    const lines: string[] = [];
    const cut = { ops: [1], faults: [] };
    const without = await runSeed({
      scenario: baseline,
      seed: '1',
      cut,
      traceSink: { write: (line) => lines.push(line) },
    });
    expect(lines[0]).toContain('"cutOps":"1","cutFaults":"none"');
    expect(without.units.ops.map((u) => u.n)).not.toContain(1);
    expect(without.traceHash).not.toBe(whole.traceHash);
    expect((await runSeed({ scenario: baseline, seed: '1', cut })).traceHash).toBe(
      without.traceHash,
    );
    // An empty cut is no cut: the run is the seed's own, byte for byte.
    const none = await runSeed({ scenario: baseline, seed: '1', cut: { ops: [], faults: [] } });
    expect(none.traceHash).toBe(whole.traceHash);
  });

  it('leaves out the numbered fault event, and the reproduce command names it', async () => {
    let seed = 0;
    let whole = await runSeed({ scenario: storage, seed: '1' });
    while (whole.units.faults.length < 2 && seed < 50) {
      seed += 1;
      whole = await runSeed({ scenario: storage, seed: String(seed) });
    }
    const struck = whole.units.faults[1]!;
    const without = await runSeed({
      scenario: storage,
      seed: whole.seed,
      cut: { ops: [], faults: [struck.n] },
    });
    expect(without.units.faults[0]).toEqual(whole.units.faults[0]);
    expect(without.units.faults.map((u) => u.n)).not.toContain(struck.n);
    expect(reproduceCommand(without, { cut: without.cut })).toContain(`--cut-faults ${struck.n}`);
  });

  it('reads the numbers as the flags give them', () => {
    expect(parseCutList('none')).toEqual({ kind: 'ok', numbers: [] });
    expect(parseCutList('7, 3,7')).toEqual({ kind: 'ok', numbers: [3, 7] });
    expect(parseCutList('0').kind).toBe('invalid');
    expect(parseCutList('3;x').kind).toBe('invalid');
  });
});
