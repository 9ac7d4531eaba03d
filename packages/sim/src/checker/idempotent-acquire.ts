import { violation, type InvariantViolation } from '@leasehold/core';

/**
 * I-8 IdempotentAcquire, for one applied grant: the workload's logical acquire (one id per
 * intended acquire, shared by every retry the client makes, whatever request ids it chose) had not
 * obtained a grant before.
 */
export function checkIdempotentAcquire(
  node: string,
  resource: string,
  op: number,
  earlierToken: number | undefined,
  token: number,
): InvariantViolation | null {
  if (earlierToken === undefined) return null;
  return violation(
    'I-8',
    `one acquire of ${JSON.stringify(resource)} by ${node} (op ${op}) was granted twice (tokens ${earlierToken} and ${token})`,
  );
}
