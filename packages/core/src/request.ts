/**
 * Requests as the decision functions receive them. Fields are `unknown`-checked at the edge by
 * `decide*`, so a JavaScript caller passing garbage gets a typed `invalid`, never a throw.
 */
export interface AcquireRequest {
  readonly resource: string;
  readonly holder: string;
  /** Caller-chosen; retries of one acquire carry the same id and yield at most one grant (I-8). */
  readonly requestId: string;
  /** Secret chosen by the holder; later renew and release must present it. */
  readonly ownerKey: string;
  readonly ttlMs: number;
  /**
   * The lowest token an earlier attempt of this request proposed in a write whose outcome is
   * unknown (its reply was lost), if there was one. When the record no longer remembers grants
   * that far back, that attempt may have been granted and forgotten: the retry is then answered
   * `expired` rather than granted a second time (I-8).
   */
  readonly uncertainToken?: number | null;
  /**
   * The lease's own renewal limit (0..RENEWALS_LIMIT_MAX; absent or null: none), kept in its
   * record. It can only tighten the deployment's `maxRenewals`: the tighter of the two applies.
   */
  readonly maxRenewals?: number | null;
  /**
   * The lease's own maximum age (ttlMs..LEASE_AGE_MS_LIMIT_MAX; absent or null: none), kept in its
   * record: a renewal whose expiry would pass `acquiredAtMs + maxAgeMs` is capped there.
   */
  readonly maxAgeMs?: number | null;
}

export interface RenewRequest {
  readonly resource: string;
  readonly holder: string;
  readonly token: number;
  readonly ownerKey: string;
  readonly requestId: string;
  readonly ttlMs: number;
}

export interface ReleaseRequest {
  readonly resource: string;
  readonly holder: string;
  readonly token: number;
  readonly ownerKey: string;
  readonly requestId: string;
}

export interface ForceReleaseRequest {
  readonly resource: string;
  /** When set, the force-release only applies if this is still the holder (admin CAS). */
  readonly expectedHolder: string | null;
  readonly requestId: string;
  /** Who asked; recorded in history. */
  readonly by: string;
}

export interface ExpireRequest {
  readonly resource: string;
  readonly requestId: string;
}
