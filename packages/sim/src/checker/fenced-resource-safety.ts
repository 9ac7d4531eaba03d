import { violation, type InvariantViolation } from '@leasehold/core';

/**
 * I-6 FencedResourceSafety, for one write that reached a fenced resource: if the resource
 * accepted it, its token is not below the highest the resource had accepted (as the checker
 * counted them), and the store really granted that token to the writer (the node whose call
 * applied the grant, as the world saw it).
 */
export function checkFencedResourceSafety(
  resource: string,
  writer: string,
  token: number,
  accepted: boolean,
  acceptedMaxBefore: number,
  grantedTo: string | undefined,
): InvariantViolation | null {
  if (!accepted) return null;
  const what = `${JSON.stringify(resource)} accepted a write by ${writer} with token ${token}`;
  if (token < acceptedMaxBefore) {
    return violation('I-6', `${what} after accepting token ${acceptedMaxBefore}`);
  }
  if (grantedTo !== writer) {
    const owner = grantedTo === undefined ? 'never granted' : `granted to ${grantedTo}`;
    return violation('I-6', `${what}, but that token was ${owner}`);
  }
  return null;
}
