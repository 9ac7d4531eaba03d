// The public API of @leasehold/core: an explicit list, nothing else.
export { assert, assertNever, AssertionError } from './assert';
export type { Clock } from './clock';
export { DEFAULT_CONFIG, resolveConfig, safetyMarginMsFor } from './config';
export type { ConfigResult, LeaseConfig } from './config';
export { formatDuration, parseDuration } from './duration';
export type { DurationResult } from './duration';
export { decideAcquire, endedGrantReason, leaseOf } from './acquire';
export { decideRenew } from './renew';
export { decideRelease } from './release';
export { decideForceRelease } from './force-release';
export { decideExpire } from './expire';
export { decideFencedWrite, FencedResource } from './fencing';
export type { Fence, FencedWriteDecision } from './fencing';
export type { HistoryEvent, HistoryKind } from './history';
export { invalid } from './invalid';
export type { Invalid } from './invalid';
export {
  CLOCK_DRIFT_PPM_LIMIT_MAX,
  DURATION_MS_MAX,
  DURATION_TEXT_LENGTH_MAX,
  HOLDER_BYTES_MAX,
  OWNER_KEY_BYTES_MAX,
  RECORD_GRANT_IDS_MAX,
  REQUEST_ID_BYTES_MAX,
  RESOURCE_BYTES_MAX,
  TOKEN_MAX,
  TTL_MS_LIMIT_MAX,
  TTL_MS_LIMIT_MIN,
} from './limits';
export type { FreeRecord, FreedBy, GrantMark, HeldRecord, LeaseRecord } from './record';
export type {
  AcquireRequest,
  ExpireRequest,
  ForceReleaseRequest,
  ReleaseRequest,
  RenewRequest,
} from './request';
export {
  checkAcquireRequest,
  checkExpireRequest,
  checkForceReleaseRequest,
  checkHolder,
  checkReleaseRequest,
  checkRenewRequest,
  checkResource,
  checkTtlMs,
} from './request-checks';
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
  Renewed,
  RenewResult,
  Write,
} from './result';
export {
  beliefDurationMs,
  beliefEndsAtMonoFromWallMs,
  beliefEndsAtMonoMs,
  claimable,
  claimableAtMs,
  isLocked,
  retryAfterMs,
  timeRemainingMs,
} from './time-rules';
export { utf8ByteLength } from './utf8';
export { INVARIANTS, invariantName, violation } from './invariants/invariant';
export type {
  Belief,
  InvariantId,
  InvariantName,
  InvariantViolation,
} from './invariants/invariant';
