import { violation, type InvariantViolation } from '@leasehold/core';

/** A node's belief that it holds a lease, sampled by the world at one true instant. */
export interface Belief {
  readonly node: string;
  readonly resource: string;
  /** The token of the lease the node acts on (as its client reported the grant). */
  readonly token: number;
}

/**
 * I-1 LeaseUniqueness: at any true instant, at most one node believes it holds a valid lease on a
 * resource. `protectedBelief` leaves out beliefs in grants an admin force-released: their holders
 * were evicted on purpose and are stopped by fencing (I-6), not by uniqueness.
 */
export function checkLeaseUniqueness(
  beliefs: readonly Belief[],
  protectedBelief: (belief: Belief) => boolean,
): InvariantViolation | null {
  // Pairwise: a handful of beliefs per instant, checked on every step, so no map is built.
  for (let i = 0; i < beliefs.length; i++) {
    const belief = beliefs[i]!;
    if (!protectedBelief(belief)) continue;
    for (let j = 0; j < i; j++) {
      const other = beliefs[j]!;
      if (other.resource !== belief.resource || other.node === belief.node) continue;
      if (!protectedBelief(other)) continue;
      return violation(
        'I-1',
        `${other.node} (token ${other.token}) and ${belief.node} (token ${belief.token}) both believe they hold ${JSON.stringify(belief.resource)}`,
      );
    }
  }
  return null;
}
