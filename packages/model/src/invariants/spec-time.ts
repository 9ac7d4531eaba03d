import type { LeaseConfig, LeaseRecord } from '@leasehold/core';

/**
 * The spec's claimability (spec/Lease.tla, `ClaimableBySpec`), stated here rather than imported
 * from `@leasehold/core`: the model judges the core, so it must not share the core's rule.
 */
export function specClaimAtMs(expiresAtMs: number, config: LeaseConfig): number {
  return expiresAtMs + config.graceMs + config.maxClockSkewMs;
}

export function specClaimable(
  record: LeaseRecord | null,
  wallMs: number,
  config: LeaseConfig,
): boolean {
  if (record === null || record.status !== 'held') return true;
  return wallMs >= specClaimAtMs(record.expiresAtMs, config);
}
