import type { AcquireAllOptions, AcquireAllOutcome } from './acquire-all.js';
import type { BudgetOptions } from './attempts-budget.js';
import type { ForceClaimOptions, ForceClaimOutcome } from './force-claim.js';
import type { KeepAlive, KeepAliveOptions } from './keep-alive.js';
import type { LeaseEventName, LeaseListener } from './lease-events.js';
import type {
  AcquireOutcome,
  ForceReleaseOutcome,
  Lease,
  ReleaseOutcome,
  RenewOutcome,
} from './outcomes.js';
import type { LeaseScope, WithLeaseOptions, WithLeaseResult } from './with-lease.js';

export interface AcquireCallOptions extends BudgetOptions {
  /** The lease's TTL; defaults to the client's `defaults.ttlMs`, else the configured default. */
  readonly ttlMs?: number;
  /** Reuse an id to make a retried call idempotent across calls (I-8). */
  readonly requestId?: string;
  /** Block up to this long (monotonic ms) while the lease is held by someone else. 0: do not wait. */
  readonly waitMs?: number;
  /**
   * The lease's own renewal limit, kept in its record and enforced at every renewal (the tighter
   * of it and the deployment's applies); a keep-alive stops renewing at it.
   */
  readonly maxRenewals?: number;
  /**
   * The lease's own maximum age (at least its TTL), kept in its record: no renewal extends it past
   * `acquiredAtMs + maxAgeMs`.
   */
  readonly maxAgeMs?: number;
}

/**
 * The one client interface, whatever carries it: `LeaseClient` runs the decisions itself over a
 * `LeaseStore` in this process; `HttpLeaseClient` asks the lease service over HTTP. Code written
 * against this interface (an agent, a worker, a test) runs on either.
 */
export interface LeaseClientApi {
  readonly holder: string;
  on<E extends LeaseEventName>(event: E, listener: LeaseListener<E>): () => void;
  acquire(resource: string, options?: AcquireCallOptions): Promise<AcquireOutcome>;
  renew(lease: Lease, options?: { readonly ttlMs?: number } & BudgetOptions): Promise<RenewOutcome>;
  release(lease: Lease, options?: BudgetOptions): Promise<ReleaseOutcome>;
  /** Admin: frees `resource` whoever holds it (or only if `expectedHolder` does), bumping the token. */
  forceRelease(
    resource: string,
    options?: { readonly expectedHolder?: string },
  ): Promise<ForceReleaseOutcome>;
  /** Takes `resource` over from its holder: a fencing force-release, then an acquire. */
  forceClaim(resource: string, options?: ForceClaimOptions): Promise<ForceClaimOutcome>;
  keepAlive(lease: Lease, options?: KeepAliveOptions): KeepAlive;
  withLease<T>(
    resource: string,
    fn: (scope: LeaseScope) => Promise<T> | T,
    options?: WithLeaseOptions,
  ): Promise<WithLeaseResult<T>>;
  acquireAll(resources: readonly string[], options?: AcquireAllOptions): Promise<AcquireAllOutcome>;
  releaseAll(): Promise<{ readonly resource: string; readonly outcome: ReleaseOutcome }[]>;
  /**
   * The gate before acting as owner: this client holds `resource`, its belief has not ended, and
   * it has sent no release of it (a release answered unavailable may still apply).
   */
  holds(resource: string): boolean;
  believes(lease: Lease): boolean;
  timeLeftMs(lease: Lease): number;
}
