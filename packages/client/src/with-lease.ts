import { invalid, type Invalid } from '@leasehold/core';
import type { BudgetOptions } from './attempts-budget.js';
import type { KeepAlive, KeepAliveEnd } from './keep-alive.js';
import type { AcquireOptions } from './acquire-options.js';
import type { AcquireOutcome, Lease, ReleaseOutcome } from './outcomes.js';

export interface WithLeaseOptions extends AcquireOptions, BudgetOptions {
  /**
   * The lease's own renewal limit, given at acquire (see AcquireOptions): the keep-alive renews it
   * at most this often while `fn` runs, and no other renewal of it goes past it either.
   */
  readonly maxRenewals?: number;
  /** Aborting it stops the keep-alive; `fn`'s signal aborts with it. */
  readonly signal?: AbortSignal;
}

/** What `fn` gets: the lease, its fencing token, and a signal aborted when it must stop. */
export interface LeaseScope {
  readonly lease: Lease;
  readonly token: number;
  /** Aborted when the lease is lost (no later than its belief end) or the keep-alive stops. */
  readonly signal: AbortSignal;
  /** The latest lease (renewals extend it; the token stays). */
  current(): Lease;
}

export type WithLeaseResult<T> =
  | {
      readonly kind: 'done';
      readonly value: T;
      /** How the keep-alive ended: `lost` means `fn` outlived the lease (its signal was aborted). */
      readonly keepAlive: KeepAliveEnd;
      readonly release: ReleaseOutcome;
    }
  | {
      readonly kind: 'notAcquired';
      readonly outcome: Exclude<AcquireOutcome, { readonly kind: 'granted' }>;
    };

/** The client operations withLease runs on. */
export interface WithLeaseHost {
  acquire(resource: string, options: AcquireOptions & BudgetOptions): Promise<AcquireOutcome>;
  keepAlive(lease: Lease, options: { maxRenewals?: number; signal?: AbortSignal }): KeepAlive;
  release(lease: Lease): Promise<ReleaseOutcome>;
}

/**
 * Acquire, run `fn` while a keep-alive renews, then release, always: also when `fn` throws, whose
 * error is rethrown after the release. Not being granted is a value (`notAcquired`), not a throw.
 */
export async function withLease<T>(
  host: WithLeaseHost,
  resource: string,
  fn: (scope: LeaseScope) => Promise<T> | T,
  options: WithLeaseOptions = {},
): Promise<WithLeaseResult<T>> {
  const refused = checkMaxRenewals(options.maxRenewals);
  if (refused !== null) return { kind: 'notAcquired', outcome: refused };
  const got = await host.acquire(resource, acquireOptions(options));
  if (got.kind !== 'granted') return { kind: 'notAcquired', outcome: got };
  const keep = host.keepAlive(got.lease, {
    ...(options.maxRenewals === undefined ? {} : { maxRenewals: options.maxRenewals }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  let ran:
    { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };
  try {
    const scope = {
      lease: got.lease,
      token: got.lease.token,
      signal: keep.signal,
      current: () => keep.current(),
    };
    ran = { ok: true, value: await fn(scope) };
  } catch (error) {
    ran = { ok: false, error };
  }
  await keep.stop();
  const release = await host.release(keep.current());
  // fn's error propagates after the release, whatever the release answered.
  if (!ran.ok) throw ran.error;
  return { kind: 'done', value: ran.value, keepAlive: await keep.done, release };
}

function acquireOptions(options: WithLeaseOptions): AcquireOptions & BudgetOptions {
  return {
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    ...(options.attemptsMax === undefined ? {} : { attemptsMax: options.attemptsMax }),
    ...(options.maxRenewals === undefined ? {} : { maxRenewals: options.maxRenewals }),
    ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }),
  };
}

function checkMaxRenewals(value: unknown): Invalid | null {
  if (value === undefined) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return null;
  return invalid('maxRenewals', `must be a non-negative integer (got ${String(value)})`);
}
