import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TTL_MS_LIMIT_MAX } from '@leasehold/core';
import type { RandomBytes } from './secrets.js';
import type { ServiceClock } from './service-types.js';

/**
 * The service's real clock and randomness: this file is the server's only use of either; the
 * LeaseService receives them (so the simulator can run it on its own). `advance` moves both clocks
 * forward by an offset, for tests that need a lease to expire without waiting for it
 * (`leasehold serve --test-clock`); production never calls it.
 */
export function systemServiceClock(): ServiceClock & { advance(ms: number): void } {
  let offsetMs = 0;
  const sleepers = new Set<{ atMonoMs: number; wake: () => void }>();
  const clock = {
    wallMs: () => Date.now() + offsetMs,
    monoMs: () => Math.floor(performance.now()) + offsetMs,
    sleep: (ms: number, signal?: AbortSignal) => sleepChunked(clock, sleepers, ms, signal),
    advance(ms: number) {
      offsetMs += ms;
      const nowMs = clock.monoMs();
      for (const sleeper of [...sleepers]) if (sleeper.atMonoMs <= nowMs) sleeper.wake();
    },
  };
  return clock;
}

export const systemRandom: RandomBytes = (count) => randomBytes(count);

function sleepChunked(
  clock: ServiceClock,
  sleepers: Set<{ atMonoMs: number; wake: () => void }>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const atMonoMs = clock.monoMs() + Math.max(0, ms);
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const sleeper = {
      atMonoMs,
      wake: () => {
        clearTimeout(timer);
        sleepers.delete(sleeper);
        signal?.removeEventListener('abort', sleeper.wake);
        resolve();
      },
    };
    if (signal?.aborted === true) return resolve();
    signal?.addEventListener('abort', sleeper.wake, { once: true });
    sleepers.add(sleeper);
    const arm = () => {
      const leftMs = sleeper.atMonoMs - clock.monoMs();
      if (leftMs <= 0) return sleeper.wake();
      timer = setTimeout(arm, Math.min(leftMs, TTL_MS_LIMIT_MAX));
    };
    arm();
  });
}
