import { counterIds, LeaseClient, ManualClock, type LeaseClientOptions } from '@leasehold/client';
import { resolveConfig, type LeaseConfig } from '@leasehold/core';
import type { LeaseStore } from '@leasehold/store';

/** TTL 1 s; belief 980 ms from the send; claimable 1 150 ms after the grant. */
export const config: LeaseConfig = configWith({});

export function configWith(overrides: Partial<LeaseConfig>): LeaseConfig {
  const r = resolveConfig({
    ttlMsDefault: 1_000,
    ttlMsMin: 100,
    graceMs: 100,
    maxClockSkewMs: 50,
    safetyMarginMs: 20,
    ...overrides,
  });
  if (r.kind !== 'ok') throw new Error(r.reason);
  return r.config;
}

export function client(
  store: LeaseStore,
  clock: ManualClock,
  holder: string,
  options: Partial<LeaseClientOptions> = {},
): LeaseClient {
  return new LeaseClient({ store, clock, holder, config, ids: counterIds(holder), ...options });
}

/** Lets pending promise chains run (no time passes). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** Flushes, then advances the clock by `stepMs`, until `ms` have passed (no real time passes). */
export async function runFor(clock: ManualClock, ms: number, stepMs = 1): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await flush();
    clock.advance(stepMs);
  }
  await flush();
}
