import { performance } from 'node:perf_hooks';
import { TTL_MS_LIMIT_MAX, type Clock } from '@leasehold/core';

/**
 * The real clock, for production. This file is the client's only use of real time; everything
 * else receives a `Clock` (CONSTRAINTS.md C-4). Sleeps longer than a Node.js timer allows are
 * chunked below 2^31 - 1 ms.
 */
export function systemClock(): Clock {
  return {
    wallMs: () => Date.now(),
    monoMs: () => Math.floor(performance.now()),
    sleep: (ms, signal) => sleepChunked(ms, signal),
  };
}

async function sleepChunked(ms: number, signal?: AbortSignal): Promise<void> {
  let leftMs = Math.max(0, ms);
  do {
    if (signal?.aborted === true) return;
    const chunkMs = Math.min(leftMs, TTL_MS_LIMIT_MAX);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, chunkMs);
      signal?.addEventListener('abort', done, { once: true });
    });
    leftMs -= chunkMs;
  } while (leftMs > 0);
}

/** A signal aborted after `ms` of real time (an unreferenced timer: it never keeps a process up). */
export function systemTimeoutSignal(ms: number): AbortSignal {
  return AbortSignal.timeout(ms);
}
