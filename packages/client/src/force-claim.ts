import type { BudgetOptions } from './attempts-budget.js';
import type { AcquireOutcome, ForceReleaseOutcome } from './outcomes.js';

export interface ForceClaimOptions extends BudgetOptions {
  readonly ttlMs?: number;
  /** Take the lease over only from this holder (an admin compare-and-set); otherwise from any. */
  readonly expectedHolder?: string;
}

/** What a force-claim answers: the acquire's outcome, and whom the lease was taken from. */
export type ForceClaimOutcome = AcquireOutcome & { readonly tookOverFrom: string | null };

/** The client operations forceClaim runs on. */
export interface ForceClaimHost {
  acquire(
    resource: string,
    options: { ttlMs?: number; attemptsMax?: number },
  ): Promise<AcquireOutcome>;
  forceRelease(
    resource: string,
    options: { expectedHolder?: string },
  ): Promise<ForceReleaseOutcome>;
}

/**
 * Takes a lease over from its holder in one call (the git-ref workflow's "force claim", for a
 * crashed or stuck agent): a plain acquire first; if the lease is held, an admin force-release
 * conditioned on that holder, which raises the token so the evicted holder is fenced (I-5, I-6),
 * then an acquire. Two writes: a claimant that acquires in between wins, and the answer is `held`.
 */
export async function forceClaim(
  host: ForceClaimHost,
  resource: string,
  options: ForceClaimOptions = {},
): Promise<ForceClaimOutcome> {
  const acquireOptions = {
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.attemptsMax === undefined ? {} : { attemptsMax: options.attemptsMax }),
  };
  const first = await host.acquire(resource, acquireOptions);
  if (first.kind !== 'held') return { ...first, tookOverFrom: null };
  if (options.expectedHolder !== undefined && first.holder !== options.expectedHolder) {
    return { ...first, tookOverFrom: null };
  }
  const forced = await host.forceRelease(resource, { expectedHolder: first.holder });
  if (forced.kind === 'unavailable' || forced.kind === 'invalid')
    return { ...forced, tookOverFrom: null };
  const tookOverFrom = forced.kind === 'forceReleased' ? forced.previousHolder : null;
  const second = await host.acquire(resource, acquireOptions);
  return { ...second, tookOverFrom: second.kind === 'granted' ? tookOverFrom : null };
}
