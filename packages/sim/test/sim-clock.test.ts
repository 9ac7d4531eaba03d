import { SimClock } from '@leasehold/sim';
import { describe, expect, it } from 'vitest';

function host(start = 0) {
  let now = start;
  const wakes: number[] = [];
  return {
    nowMs: () => now,
    /** Wakes at `ms`: true time moves there as the sleep resolves. */
    sleepUntil: (ms: number) => {
      wakes.push(ms);
      return Promise.resolve().then(() => {
        now = Math.max(now, ms);
      });
    },
    advance: (ms: number) => {
      now += ms;
    },
    wakes,
  };
}

/** A clock with no error at all: wall and monotonic time are true time. */
function exactClock(h: ReturnType<typeof host>): SimClock {
  return new SimClock(h, { wallOffsetMs: 0, wallDriftPpm: 0, monoDriftPpm: 0, wallErrorMsMax: 0 });
}

describe('SimClock', () => {
  it('keeps the wall error within its bound under drift and jumps, in both directions', () => {
    const h = host();
    const clock = new SimClock(h, {
      wallOffsetMs: 40,
      wallDriftPpm: 10_000,
      monoDriftPpm: 0,
      wallErrorMsMax: 50,
    });
    for (let i = 0; i < 100; i++) {
      h.advance(1_000);
      if (i % 7 === 0) clock.jumpWall(i % 2 === 0 ? 500 : -500);
      expect(Math.abs(clock.wallMs() - h.nowMs())).toBeLessThanOrEqual(50);
    }
  });

  it('lets an unbounded clock (assumption-breaking) run far ahead', () => {
    const h = host();
    const clock = new SimClock(h, {
      wallOffsetMs: 5_000,
      wallDriftPpm: 0,
      monoDriftPpm: 0,
      wallErrorMsMax: null,
    });
    expect(clock.wallMs() - h.nowMs()).toBe(5_000);
  });

  it('runs the monotonic clock at its drifted rate, never backwards', () => {
    const h = host();
    const clock = new SimClock(h, {
      wallOffsetMs: 0,
      wallDriftPpm: 0,
      monoDriftPpm: -100_000,
      wallErrorMsMax: 0,
    });
    let last = clock.monoMs();
    for (let i = 0; i < 50; i++) {
      h.advance(37);
      expect(clock.monoMs()).toBeGreaterThanOrEqual(last);
      last = clock.monoMs();
    }
    expect(clock.monoMs()).toBe(Math.floor((50 * 37 * 900_000) / 1_000_000));
  });

  it('sleeps until the monotonic clock has advanced by the duration', async () => {
    const h = host(1_000);
    const clock = new SimClock(h, {
      wallOffsetMs: 0,
      wallDriftPpm: 0,
      monoDriftPpm: -500_000,
      wallErrorMsMax: 0,
    });
    await clock.sleep(100);
    expect(h.wakes).toEqual([1_200]);
  });

  it('stops the monotonic clock while suspended', () => {
    const h = host();
    const clock = exactClock(h);
    h.advance(100);
    clock.suspend(1_000);
    h.advance(600);
    expect(clock.monoMs()).toBe(100);
    h.advance(600);
    expect(clock.monoMs()).toBe(300);
    expect(clock.trueMsAtMono(400)).toBe(1_400);
  });

  it('a sleep a suspension strikes ends on the monotonic clock, not at the true time first set', async () => {
    const h = host();
    const clock = exactClock(h);
    const slept = clock.sleep(100);
    // Suspended for 500 ms as the sleep begins: its first wake-up, at true 100, finds the
    // monotonic clock at 0, and it sleeps on until the clock reads 100 (true 600).
    clock.suspend(500);
    await slept;
    expect(h.wakes).toEqual([100, 600]);
    expect(clock.monoMs()).toBe(100);
  });

  it('resync puts the wall clock back on true time', () => {
    const h = host();
    const clock = new SimClock(h, {
      wallOffsetMs: -30,
      wallDriftPpm: 5_000,
      monoDriftPpm: 0,
      wallErrorMsMax: 50,
    });
    h.advance(5_000);
    clock.resync();
    h.advance(5_000);
    expect(clock.wallMs()).toBe(h.nowMs());
  });
});
