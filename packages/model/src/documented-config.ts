import type { LeaseConfig } from '@leasehold/core';

/**
 * The configuration users are told of (README, "The lease model in one screen"), stated here on
 * its own, as the documented limits are (limits.ts). The model judges the code under test against
 * these and never takes them from `@leasehold/core`: a core whose default or limit moved is then
 * caught by the checks that use them, not followed by them.
 */
export const DOCUMENTED_CONFIG: LeaseConfig = Object.freeze({
  ttlMsDefault: 300_000,
  ttlMsMin: 1_000,
  ttlMsMax: 86_400_000,
  graceMs: 1_000,
  maxClockSkewMs: 500,
  safetyMarginMs: 250,
  clockDriftPpmMax: 1_000,
  maxRenewals: null,
});
