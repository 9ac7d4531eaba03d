import type { LeaseRecord } from '@leasehold/core';
import { findScenario, runSeed } from '@leasehold/sim';
import { encodeStep, type Step } from '@leasehold/step';
import { describe, expect, it } from 'vitest';

function sameRecord(a: LeaseRecord | null, b: LeaseRecord | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

describe('steps: every step as typed data, one record for checker, trace and listeners', () => {
  it('store states chain per resource: each step starts from the record the previous one left', async () => {
    const seen: Step[] = [];
    const run = await runSeed({
      scenario: findScenario('swarm')!,
      seed: '5',
      steps: 3_000,
      listeners: [(s) => seen.push(s)],
    });
    expect(run.status).toBe('passed');
    const last = new Map<string, LeaseRecord | null>();
    let writes = 0;
    for (const s of seen) {
      if (s.kind !== 'apply') continue;
      expect(sameRecord(s.before, last.get(s.resource) ?? null)).toBe(true);
      if (s.versionAfter !== s.versionBefore) writes += 1;
      else expect(sameRecord(s.after, s.before)).toBe(true);
      last.set(s.resource, s.after);
    }
    expect(writes).toBeGreaterThan(50);
    const kinds = new Set(seen.map((s) => s.kind));
    for (const kind of ['begin', 'call', 'apply', 'reply', 'fence', 'outcome', 'heal', 'probe'])
      expect(kinds).toContain(kind);
    const steps = seen.map((s) => s.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('every store call carries the facts the world saw: node, incarnation, op and both clocks', async () => {
    const seen: Step[] = [];
    await runSeed({
      scenario: findScenario('node-faults')!,
      seed: '3',
      steps: 2_000,
      listeners: [(s) => seen.push(s)],
    });
    const calls = seen.filter((s) => s.kind === 'call');
    expect(calls.length).toBeGreaterThan(50);
    for (const c of calls) {
      expect(c.node).toMatch(/^(n|probe)\d+$/);
      expect(Number.isSafeInteger(c.wallMs) && Number.isSafeInteger(c.monoMs)).toBe(true);
    }
    expect(calls.filter((c) => c.op !== null).length).toBe(calls.length);
  });

  it('the trace is the steps, one JSON line each', async () => {
    const seen: Step[] = [];
    const lines: string[] = [];
    await runSeed({
      scenario: findScenario('storage-faults')!,
      seed: '7',
      steps: 1_000,
      listeners: [(s) => seen.push(s)],
      traceSink: { write: (l) => lines.push(l) },
    });
    const stepLines = lines.filter((l) => !l.startsWith('{"e":"run"'));
    expect(stepLines).toEqual(seen.map(encodeStep));
    for (const line of stepLines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('listening does not change the run', async () => {
    const scenario = findScenario('node-faults')!;
    const plain = await runSeed({ scenario, seed: '9' });
    const observed = await runSeed({ scenario, seed: '9', listeners: [() => undefined] });
    expect(observed.traceHash).toBe(plain.traceHash);
  });
});
