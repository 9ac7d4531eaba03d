import {
  DEFAULT_CONFIG,
  decideAcquire,
  decideRelease,
  decideRenew,
  resolveConfig,
  type AcquireRequest,
  type HeldRecord,
  type LeaseConfig,
  type LeaseRecord,
} from '@leasehold/core';

/** A small configuration that keeps numbers readable: TTL 1000, grace 100, skew 50, margin 20. */
export const config: LeaseConfig = (() => {
  const resolved = resolveConfig({
    ttlMsDefault: 1_000,
    ttlMsMin: 100,
    ttlMsMax: 60_000,
    graceMs: 100,
    maxClockSkewMs: 50,
    safetyMarginMs: 20,
    clockDriftPpmMax: 1_000,
  });
  if (resolved.kind !== 'ok') throw new Error(resolved.reason);
  return resolved.config;
})();

export { DEFAULT_CONFIG };

export const T0 = 1_000_000;

export function acquireReq(holder: string, extra: Partial<AcquireRequest> = {}): AcquireRequest {
  return {
    resource: 'res',
    holder,
    requestId: `acq-${holder}`,
    ownerKey: `key-${holder}`,
    ttlMs: 1_000,
    ...extra,
  };
}

/** The record after `holder` acquired `res` at `nowMs` on top of `record`. */
export function held(
  holder: string,
  nowMs = T0,
  record: LeaseRecord | null = null,
  extra: Partial<AcquireRequest> = {},
): HeldRecord {
  const decision = decideAcquire(record, acquireReq(holder, extra), nowMs, config);
  if (decision.write === null || decision.write.record.status !== 'held') {
    throw new Error(
      `fixture: acquire by ${holder} was not granted: ${JSON.stringify(decision.result)}`,
    );
  }
  return decision.write.record;
}

export function ownerReq(record: HeldRecord, requestId = 'op-1') {
  return {
    resource: record.resource,
    holder: record.holder,
    token: record.token,
    ownerKey: record.ownerKey,
    requestId,
  };
}

export function renewed(
  record: HeldRecord,
  nowMs: number,
  requestId = `renew-${nowMs}`,
): HeldRecord {
  const decision = decideRenew(
    record,
    { ...ownerReq(record, requestId), ttlMs: record.ttlMs },
    nowMs,
    config,
  );
  if (decision.write === null || decision.write.record.status !== 'held') {
    throw new Error(`fixture: renew was refused: ${JSON.stringify(decision.result)}`);
  }
  return decision.write.record;
}

export function released(record: HeldRecord, nowMs: number): LeaseRecord {
  const decision = decideRelease(record, ownerReq(record, `release-${nowMs}`), nowMs);
  if (decision.write === null)
    throw new Error(`fixture: release refused: ${JSON.stringify(decision.result)}`);
  return decision.write.record;
}
