import { assert, type HeldRecord, type LeaseRecord } from '@leasehold/core';

/**
 * A stored record as this leasehold reads it. A held record written before leases had limits of
 * their own (`maxRenewals`, `maxAgeMs`, given at acquire) has none: it reads with both null, so
 * the decisions see the shape they write. Every adapter that keeps records as JSON decodes
 * through this; a limit that is present must be what the core writes (C-3: the read path asserts
 * what the write path wrote).
 */
export function upgradeRecord(record: LeaseRecord): LeaseRecord {
  if (record.status !== 'held') return record;
  const stored = record as Partial<HeldRecord> & LeaseRecord;
  const maxRenewals = stored.maxRenewals ?? null;
  const maxAgeMs = stored.maxAgeMs ?? null;
  assert(
    maxRenewals === null || (Number.isSafeInteger(maxRenewals) && maxRenewals >= 0),
    `stored record of ${JSON.stringify(record.resource)}: maxRenewals ${maxRenewals} is not a count`,
  );
  assert(
    maxAgeMs === null || (Number.isSafeInteger(maxAgeMs) && maxAgeMs >= 1),
    `stored record of ${JSON.stringify(record.resource)}: maxAgeMs ${maxAgeMs} is not a duration`,
  );
  if (stored.maxRenewals !== undefined && stored.maxAgeMs !== undefined) return record;
  return { ...record, maxRenewals, maxAgeMs };
}
