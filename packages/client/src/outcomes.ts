import type {
  Expired,
  ExpireResult,
  ForceReleased,
  Held,
  Invalid,
  LeaseGrant,
  MaxRenewalsReached,
  NotHeld,
  NotHolder,
  Released,
} from '@leasehold/core';

/**
 * A lease as its holder sees it: the grant, plus the instant on the holder's monotonic clock at
 * which it must stop acting as owner (counted from when it sent the request; spec/README.md, "Why
 * belief is safe").
 */
export interface Lease extends LeaseGrant {
  readonly validUntilMonoMs: number;
}

/** The store could not be reached within the retry budget; the outcome of a write is unknown. */
export interface ClientUnavailable {
  readonly kind: 'unavailable';
  readonly reason: string;
  readonly attempts: number;
}

export type AcquireOutcome =
  | { readonly kind: 'granted'; readonly lease: Lease }
  | Held
  | Expired
  | Invalid
  | ClientUnavailable;

export type RenewOutcome =
  | { readonly kind: 'renewed'; readonly lease: Lease }
  | NotHolder
  | Expired
  | MaxRenewalsReached
  | Invalid
  | ClientUnavailable;

export type ReleaseOutcome = Released | NotHolder | Invalid | ClientUnavailable;

export type ForceReleaseOutcome = ForceReleased | NotHeld | NotHolder | Invalid | ClientUnavailable;

export type ExpireOutcome = ExpireResult | ClientUnavailable;
