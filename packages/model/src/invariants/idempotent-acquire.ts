import { violation, type InvariantViolation, type HistoryEvent } from '@leasehold/core';

/**
 * I-8 IdempotentAcquire, for one applied grant: no earlier grant of the same resource carried the
 * same request id. `tokenByRequestId` holds the grants seen so far for that resource.
 */
export function checkIdempotentAcquire(
  tokenByRequestId: ReadonlyMap<string, number>,
  grant: HistoryEvent,
): InvariantViolation | null {
  const earlierToken = tokenByRequestId.get(grant.requestId);
  if (earlierToken === undefined) return null;
  return violation(
    'I-8',
    `request ${JSON.stringify(grant.requestId)} obtained ${JSON.stringify(grant.resource)} twice (tokens ${earlierToken} and ${grant.token})`,
  );
}
