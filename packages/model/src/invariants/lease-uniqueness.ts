import { violation, type Belief, type InvariantViolation } from '@leasehold/core';

/** I-1 LeaseUniqueness: at most one believer per resource at any true instant. */
export function checkLeaseUniqueness(beliefs: readonly Belief[]): InvariantViolation | null {
  const believerByResource = new Map<string, Belief>();
  for (const belief of beliefs) {
    const other = believerByResource.get(belief.resource);
    if (other !== undefined && other.node !== belief.node) {
      return violation(
        'I-1',
        `${other.node} (token ${other.token}) and ${belief.node} (token ${belief.token}) both believe they hold ${JSON.stringify(belief.resource)}`,
      );
    }
    believerByResource.set(belief.resource, belief);
  }
  return null;
}
