import {
  ASSUMPTION_BREAKING_FAULTS,
  FAULT_KINDS,
  MARKS,
  planSweep,
  runTask,
  SCENARIOS,
  summarizeSweep,
  type TaskResult,
} from '@leasehold/sim';
import { beforeAll, describe, expect, it } from 'vitest';

/** A small sweep of every scenario, shared by the tests below. */
const results: (TaskResult & { index: number })[] = [];

beforeAll(async () => {
  const tasks = planSweep({ scenarios: SCENARIOS, seeds: 150, seedBase: '1' });
  for (const task of tasks) {
    const result = await runTask({ ...task, determinism: false }, { steps: 1_500 });
    results.push({ ...result, index: task.index });
  }
}, 300_000);

describe('a default-shaped sweep', () => {
  it('fires every fault type at least once', () => {
    const summary = summarizeSweep(results);
    for (const kind of FAULT_KINDS) expect(summary.faultsFired[kind], kind).toBeGreaterThan(0);
  });

  it('hits every coverage mark at least once', () => {
    const summary = summarizeSweep(results);
    for (const mark of MARKS) expect(summary.marks[mark], mark).toBeGreaterThan(0);
    expect(summary.marksNeverHit).toEqual([]);
  });

  it('I-1 I-2 I-3 I-4 I-5 I-6 I-7 I-8: the correct implementation passes every in-bound scenario', () => {
    const failures = results.filter((r) => r.run.status !== 'passed' && !r.run.expected);
    expect(
      failures.map(
        (f) =>
          `${f.run.scenario} seed ${f.run.seed}: ${f.run.violation?.invariant} ${f.run.violation?.message ?? f.run.crash?.message}`,
      ),
    ).toEqual([]);
  });

  it('I-1 I-2: assumption-breaking scenarios report I-1 or I-2 and nothing else (I-5, I-6 hold)', () => {
    for (const scenario of SCENARIOS.filter((s) => s.assumptionBreaking)) {
      const runs = results.filter((r) => r.run.scenario === scenario.id);
      const reported = runs.filter((r) => r.run.status !== 'passed');
      expect(reported.length, scenario.id).toBeGreaterThan(0);
      for (const r of reported)
        expect(['I-1', 'I-2'], `${scenario.id} seed ${r.run.seed}`).toContain(
          r.run.violation?.invariant,
        );
    }
  });

  it('in-bound scenarios never run with an assumption-breaking fault', () => {
    for (const r of results.filter(
      (x) => !SCENARIOS.find((s) => s.id === x.run.scenario)!.assumptionBreaking,
    )) {
      for (const kind of ASSUMPTION_BREAKING_FAULTS) expect(r.run.faultsFired[kind]).toBe(0);
    }
  });

  it('I-1 I-6: a partitioned holder is fenced once the new holder has written, and never believes past the takeover', () => {
    const partitioned = results.filter((r) => r.run.scenario === 'service-partition');
    const summary = summarizeSweep(partitioned);
    // Holders were cut off mid-lease, their stale writes met the fence, and nothing broke.
    expect(summary.marks.holderPartitioned).toBeGreaterThan(0);
    expect(summary.marks.fencedWriteRejected).toBeGreaterThan(0);
    expect(summary.marks.takeoverAfterExpiry).toBeGreaterThan(0);
    expect(partitioned.filter((r) => r.run.status !== 'passed')).toEqual([]);
  });
});
