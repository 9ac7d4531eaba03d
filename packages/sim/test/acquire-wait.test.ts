import type { Step } from '@leasehold/step';
import { describe, expect, it } from 'vitest';
import { AcquireWait } from '../src/checker/acquire-wait';

const OP = 4;
const call = (monoMs: number, req: 'read' | 'cas' = 'read') =>
  ({ kind: 'call', node: 'n1', op: OP, req, monoMs }) as unknown as Step;
const reply = (result: 'ok' | 'unavailable', req: 'read' | 'cas' = 'read') =>
  ({ kind: 'reply', node: 'n1', op: OP, req, result }) as unknown as Step;
const pause = { kind: 'fault', fault: 'nodePause', node: 'n1' } as unknown as Step;

/** Feeds the steps; the first breach, or null. */
function judge(wait: AcquireWait, steps: readonly Step[]): string | null {
  for (const step of steps) {
    const why = wait.onStep(step);
    if (why !== null) return why;
  }
  return null;
}

describe('an acquire waits as long as it was told, and no longer', () => {
  it('rounds within the wait pass; a round started after it fails', () => {
    const wait = new AcquireWait();
    wait.expect('n1', OP, 1_000, 500);
    expect(judge(wait, [call(1_000), reply('ok'), call(1_300), reply('ok'), call(1_501)])).toBe(
      null,
    );
    expect(judge(wait, [reply('ok'), call(1_502)])).toMatch(/past its wait of 500 ms/);
  });

  it('a retry after a failed read is not a new round', () => {
    const wait = new AcquireWait();
    wait.expect('n1', OP, 1_000, 0);
    expect(judge(wait, [call(1_000), reply('unavailable'), call(1_900), reply('ok')])).toBe(null);
    expect(judge(wait, [call(1_950)])).toMatch(/no wait.*another round/);
  });

  it('a write after a read is the same round', () => {
    const wait = new AcquireWait();
    wait.expect('n1', OP, 1_000, 0);
    expect(judge(wait, [call(1_000), reply('ok'), call(5_000, 'cas')])).toBe(null);
  });

  it('a round the scheduler delayed (a pause) is let through', () => {
    const wait = new AcquireWait();
    wait.expect('n1', OP, 1_000, 100);
    expect(judge(wait, [call(1_000), reply('ok'), pause, call(2_000)])).toBe(null);
  });

  it('held before the wait ran out fails; at its end it passes', () => {
    const early = new AcquireWait();
    early.expect('n1', OP, 1_000, 500);
    expect(early.heldAnswer('n1', OP, 1_499)).toMatch(/before its wait of 500 ms ran out/);
    const onTime = new AcquireWait();
    onTime.expect('n1', OP, 1_000, 500);
    expect(onTime.heldAnswer('n1', OP, 1_500)).toBe(null);
  });
});
