import { performance } from 'node:perf_hooks';

/**
 * The host's monotonic clock (CLOCK_MONOTONIC through `process.hrtime`), in milliseconds. Every
 * process on one machine reads the same clock, so instants journaled by different processes can
 * be compared: this is the "true time" a chaos run checks I-1 and I-2 against. It only holds on
 * one host, which is why every chaos node runs on the driver's machine.
 */
export function sharedNowMs(): number {
  return Number(process.hrtime.bigint()) / 1_000_000;
}

/**
 * What to add to a `systemClock().monoMs()` reading (performance.now, floored) to place it on the
 * shared clock. Both count from the same monotonic source, so the offset is fixed per process.
 */
export function monoToSharedOffsetMs(): number {
  return sharedNowMs() - performance.now();
}
