import { violation, type InvariantViolation } from '@leasehold/core';

export interface FencedWriteObservation {
  readonly resource: string;
  readonly writer: string;
  readonly token: number;
  readonly accepted: boolean;
  /** Highest token the resource had accepted before this write (0 if none). */
  readonly tokenAcceptedMaxBefore: number;
  /** The node the store granted `token` to, or undefined if it never granted it. */
  readonly grantedTo: string | undefined;
}

/**
 * I-6 FencedResourceSafety, for one write at a fenced resource: an accepted write never carries a
 * token below the highest accepted, and its token was granted to that writer.
 */
export function checkFencedResourceSafety(
  write: FencedWriteObservation,
): InvariantViolation | null {
  if (!write.accepted) return null;
  const what = `${JSON.stringify(write.resource)} accepted a write by ${write.writer} with token ${write.token}`;
  if (write.token < write.tokenAcceptedMaxBefore) {
    return violation('I-6', `${what} after accepting token ${write.tokenAcceptedMaxBefore}`);
  }
  if (write.grantedTo !== write.writer) {
    const owner = write.grantedTo === undefined ? 'never granted' : `granted to ${write.grantedTo}`;
    return violation('I-6', `${what}, but that token was ${owner}`);
  }
  return null;
}
