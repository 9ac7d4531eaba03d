// The public API of @leasehold/client.
export { counterIds, randomIds } from './ids.js';
export type { IdSource } from './ids.js';
export { LeaseClient } from './lease-client.js';
export type { AcquireOptions, LeaseClientOptions, LeaseDecisions } from './lease-client.js';
export {
  ACQUIRE_POLL_MS_MAX,
  ACQUIRE_ROUNDS_MAX,
  ATTEMPTS_MAX,
  BACKOFF_MS_BASE,
  BACKOFF_MS_MAX,
  KNOWN_RECORDS_MAX,
  RETRIES_CAS_MAX,
  UNCERTAIN_ACQUIRES_MAX,
} from './limits.js';
export { ManualClock } from './manual-clock.js';
export { systemClock } from './system-clock.js';
export type {
  AcquireOutcome,
  ClientUnavailable,
  ExpireOutcome,
  ForceReleaseOutcome,
  Lease,
  ReleaseOutcome,
  RenewOutcome,
} from './outcomes.js';
