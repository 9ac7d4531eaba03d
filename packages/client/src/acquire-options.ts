/** What one acquire may ask besides its resource (LeaseClient's, and withLease's acquire). */
export interface AcquireOptions {
  /** The lease's TTL; defaults to the client's `defaults.ttlMs`, else the config's `ttlMsDefault`. */
  readonly ttlMs?: number;
  /** Reuse an id to make a retried call idempotent across calls (I-8). */
  readonly requestId?: string;
  /**
   * Block up to this long (monotonic ms) while the lease is held by someone else. 0: do not wait.
   * With a store that can watch, a release is taken over at once; else the wait sleeps until the
   * lease could be claimable (or ACQUIRE_POLL_MS_MAX) and looks again.
   */
  readonly waitMs?: number;
  /** Store round trips per attempt (1..ATTEMPTS_MAX; see BudgetOptions). */
  readonly attemptsMax?: number;
  /**
   * The lease's own renewal limit, kept in its record: every renewal of it, by any client or
   * route, is refused past it (`maxRenewalsReached`, `limit: 'lease'`). It can only tighten the
   * deployment's `maxRenewals` (the tighter applies); a keep-alive stops renewing at it.
   */
  readonly maxRenewals?: number;
  /**
   * The lease's own maximum age (at least its TTL), kept in its record: no renewal extends it past
   * `acquiredAtMs + maxAgeMs` (a renewal that would is capped there); a keep-alive stops renewing
   * once it expires there.
   */
  readonly maxAgeMs?: number;
}
