import type { Invalid } from './invalid.js';
import type { HistoryEvent } from './history.js';
import type { LeaseRecord } from './record.js';

/** What a holder learns when a grant or renewal succeeds. */
export interface LeaseGrant {
  readonly resource: string;
  readonly holder: string;
  readonly token: number;
  readonly ownerKey: string;
  readonly ttlMs: number;
  readonly acquiredAtMs: number;
  readonly expiresAtMs: number;
  readonly renewals: number;
  /** The lease's own renewal limit (null: none; the deployment's may still apply). */
  readonly maxRenewals: number | null;
  /** The lease's own maximum age: it is never renewed past `acquiredAtMs + maxAgeMs` (null: none). */
  readonly maxAgeMs: number | null;
}

export interface Granted {
  readonly kind: 'granted';
  readonly lease: LeaseGrant;
  /** True when this answers a retry whose first attempt was already applied (no new grant). */
  readonly replayed: boolean;
}

export interface Held {
  readonly kind: 'held';
  readonly holder: string;
  readonly token: number;
  readonly expiresAtMs: number;
  /** Wait this long on the claimant's own clock before the lease can become claimable. */
  readonly retryAfterMs: number;
}

export interface Renewed {
  readonly kind: 'renewed';
  readonly lease: LeaseGrant;
  readonly replayed: boolean;
}

export interface Released {
  readonly kind: 'released';
  readonly token: number;
  readonly replayed: boolean;
}

export interface ForceReleased {
  readonly kind: 'forceReleased';
  readonly previousHolder: string;
  /** The bumped token: the evicted holder's token is now stale. */
  readonly token: number;
}

export interface Expired {
  readonly kind: 'expired';
  readonly token: number;
  readonly reason: 'pastExpiry' | 'released' | 'forceReleased' | 'superseded';
}

export interface NotHolder {
  readonly kind: 'notHolder';
  /** Current holder, or null when nobody holds the lease. */
  readonly holder: string | null;
}

export interface NotHeld {
  readonly kind: 'notHeld';
}

export interface MaxRenewalsReached {
  readonly kind: 'maxRenewalsReached';
  readonly renewals: number;
  /** The limit that refused it: the tighter of the lease's own and the deployment's. */
  readonly maxRenewals: number;
  /** Whose limit it is: the lease's own (given at acquire) or the deployment's (`LeaseConfig`). */
  readonly limit: RenewalLimitOwner;
}

export type RenewalLimitOwner = 'lease' | 'deployment';

export type AcquireResult = Granted | Held | Expired | Invalid;
export type RenewResult = Renewed | NotHolder | Expired | MaxRenewalsReached | Invalid;
export type ReleaseResult = Released | NotHolder | Invalid;
export type ForceReleaseResult = ForceReleased | NotHeld | NotHolder | Invalid;
export type ExpireResult =
  { readonly kind: 'expiredNow'; readonly token: number } | NotHeld | Held | Invalid;

/** A record write and its history event; the store applies both atomically or neither. */
export interface Write {
  readonly record: LeaseRecord;
  readonly event: HistoryEvent;
}

/**
 * A decision is data (CONSTRAINTS.md C-7): the answer, and the write that makes it true, if any.
 */
export interface Decision<R> {
  readonly result: R;
  readonly write: Write | null;
}
