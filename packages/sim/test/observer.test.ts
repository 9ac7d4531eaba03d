import { findScenario, runSeed, type Observation } from '@leasehold/sim';
import { sameRecord, type LeaseRecord } from '@leasehold/core';
import { describe, expect, it } from 'vitest';

describe('observer: every step as typed data', () => {
  it('writes chain per resource: each write sees the record the previous applied write left', async () => {
    const seen: Observation[] = [];
    const run = await runSeed({
      scenario: findScenario('swarm')!,
      seed: '5',
      steps: 3_000,
      observer: (o) => seen.push(o),
    });
    expect(run.status).toBe('passed');
    const last = new Map<string, LeaseRecord | null>();
    let writes = 0;
    for (const o of seen) {
      if (o.kind !== 'write') continue;
      writes += 1;
      expect(sameRecord(o.before, last.get(o.resource) ?? null)).toBe(true);
      if (o.applied) expect(o.after).toEqual(o.proposed);
      else expect(sameRecord(o.after, o.before)).toBe(true);
      last.set(o.resource, o.after);
    }
    expect(writes).toBeGreaterThan(100);
    const kinds = new Set(seen.map((o) => o.kind));
    for (const kind of ['read', 'write', 'fencedWrite', 'outcome', 'heal'])
      expect(kinds).toContain(kind);
    const steps = seen.map((o) => o.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('observing does not change the run', async () => {
    const scenario = findScenario('node-faults')!;
    const plain = await runSeed({ scenario, seed: '9' });
    const observed = await runSeed({ scenario, seed: '9', observer: () => undefined });
    expect(observed.traceHash).toBe(plain.traceHash);
  });
});
