// The public API of @leasehold/core: an explicit list, nothing else.
export { assert, assertNever, AssertionError } from './assert.js';
export type { Clock } from './clock.js';
export { DEFAULT_CONFIG, resolveConfig, safetyMarginMsFor } from './config.js';
export type { ConfigResult, LeaseConfig } from './config.js';
export { formatDuration, parseDuration } from './duration.js';
export type { DurationResult } from './duration.js';
export { decideAcquire, endedGrantReason, leaseOf } from './acquire.js';
export { decideRenew, maxAgeEndsAtMs, renewalLimit } from './renew.js';
export { decideRelease } from './release.js';
export { decideForceRelease } from './force-release.js';
export { decideExpire } from './expire.js';
export { decideFencedWrite, FencedResource } from './fencing.js';
export type { Fence, FencedWriteDecision } from './fencing.js';
export type { HistoryEvent, HistoryKind } from './history.js';
export { invalid } from './invalid.js';
export type { Invalid } from './invalid.js';
export {
  CLOCK_DRIFT_PPM_LIMIT_MAX,
  DURATION_MS_MAX,
  DURATION_TEXT_LENGTH_MAX,
  HOLDER_BYTES_MAX,
  LEASE_AGE_MS_LIMIT_MAX,
  OWNER_KEY_BYTES_MAX,
  RECORD_GRANT_IDS_MAX,
  RENEWALS_LIMIT_MAX,
  REQUEST_ID_BYTES_MAX,
  RESOURCE_BYTES_MAX,
  TOKEN_MAX,
  TTL_MS_LIMIT_MAX,
  TTL_MS_LIMIT_MIN,
} from './limits.js';
export type { FreeRecord, FreedBy, GrantMark, HeldRecord, LeaseRecord } from './record.js';
export type {
  AcquireRequest,
  ExpireRequest,
  ForceReleaseRequest,
  ReleaseRequest,
  RenewRequest,
} from './request.js';
export {
  checkAcquireRequest,
  checkExpireRequest,
  checkForceReleaseRequest,
  checkHolder,
  checkLeaseLimits,
  checkReleaseRequest,
  checkRenewRequest,
  checkRequestId,
  checkResource,
  checkTtlMs,
} from './request-checks.js';
export type {
  AcquireResult,
  Decision,
  Expired,
  ExpireResult,
  ForceReleased,
  ForceReleaseResult,
  Granted,
  Held,
  LeaseGrant,
  MaxRenewalsReached,
  NotHeld,
  NotHolder,
  Released,
  ReleaseResult,
  RenewalLimitOwner,
  Renewed,
  RenewResult,
  Write,
} from './result.js';
export {
  beliefDurationMs,
  beliefEndsAtMonoForGrantMs,
  beliefEndsAtMonoFromWallMs,
  beliefEndsAtMonoMs,
  beliefEndsAtWallMs,
  claimable,
  claimableAtMs,
  retryAfterMs,
} from './time-rules.js';
export { utf8ByteLength } from './utf8.js';
export { INVARIANTS, invariantName, violation } from './invariants/invariant.js';
export type {
  Belief,
  InvariantId,
  InvariantName,
  InvariantViolation,
} from './invariants/invariant.js';
