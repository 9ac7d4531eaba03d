// The public API of @leasehold/client.
export { counterIds, randomIds } from './ids';
export type { IdSource } from './ids';
export { LeaseClient } from './lease-client';
export type { AcquireOptions, LeaseClientOptions, LeaseDecisions } from './lease-client';
export {
  ACQUIRE_POLL_MS_MAX,
  ACQUIRE_ROUNDS_MAX,
  ATTEMPTS_MAX,
  BACKOFF_MS_BASE,
  BACKOFF_MS_MAX,
  KNOWN_RECORDS_MAX,
  RETRIES_CAS_MAX,
  UNCERTAIN_ACQUIRES_MAX,
} from './limits';
export { ManualClock } from './manual-clock';
export { systemClock } from './system-clock';
export type {
  AcquireOutcome,
  ClientUnavailable,
  ExpireOutcome,
  ForceReleaseOutcome,
  Lease,
  ReleaseOutcome,
  RenewOutcome,
} from './outcomes';
