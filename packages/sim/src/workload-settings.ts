import { resolveConfig, type LeaseConfig } from '@leasehold/core';

/**
 * The lease configuration every simulated node uses: short TTLs so expiry, takeover and renewal
 * happen many times per run; a skew bound and a drift bound the in-bound clock faults respect.
 */
export const SIM_CONFIG: LeaseConfig = (() => {
  const resolved = resolveConfig({
    ttlMsDefault: 1_000,
    ttlMsMin: 100,
    ttlMsMax: 10_000,
    graceMs: 100,
    maxClockSkewMs: 100,
    safetyMarginMs: 50,
    clockDriftPpmMax: 10_000,
  });
  if (resolved.kind !== 'ok') throw new Error(`simulator configuration: ${resolved.reason}`);
  return resolved.config;
})();

/** The workload's shape (C-2): every duration it draws is bounded here. */
export const SIM_WORKLOAD = {
  ttlMsChoices: [500, 1_000, 2_000],
  thinkMsMax: 150,
  acquireWaitMsMax: 2_500,
  writesMax: 6,
  workMsMax: 300,
  /** Percent of leases a node abandons (stops using without releasing), to exercise expiry. */
  abandonPercent: 15,
  pauseMsMax: 1_500,
  suspendMsMax: 3_000,
} as const;
