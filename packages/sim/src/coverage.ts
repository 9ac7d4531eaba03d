/**
 * Coverage marks: rare transitions the sweep should reach. A sweep reports how often each was hit
 * and warns about any it never hit (a fault or workload that silently stopped doing its job).
 */
export const MARKS = [
  'expiryDuringRenew',
  'takeoverAfterExpiry',
  'replyLostThenRetried',
  'fencedWriteRejected',
  'crashWhileHolding',
  'clockJumpPastExpiry',
  'casConflict',
  'blockingAcquireWaited',
  'beliefLapsedWhileHolding',
  'powerLossForgotGrant',
] as const;

export type Mark = (typeof MARKS)[number];

export const MARK_DESCRIPTIONS: Readonly<Record<Mark, string>> = {
  expiryDuringRenew: 'a renew found its lease already past expiry',
  takeoverAfterExpiry: 'a node took over a lease another node never released',
  replyLostThenRetried: 'a grant whose reply was lost was recognised by the retry (same requestId)',
  fencedWriteRejected: 'a fenced resource rejected a stale token',
  crashWhileHolding: 'a node crashed while it held a lease',
  clockJumpPastExpiry: "a wall-clock jump crossed a lease's expiry",
  casConflict: 'a compare-and-set lost a race (conflict)',
  blockingAcquireWaited: 'a blocking acquire waited and then got the lease',
  beliefLapsedWhileHolding: 'a holder stopped believing before it finished its work',
  powerLossForgotGrant: 'a power loss forgot a grant, and the recovery quarantined its resource',
};

export type MarkCounts = Record<Mark, number>;

export function emptyMarks(): MarkCounts {
  return Object.fromEntries(MARKS.map((m) => [m, 0])) as MarkCounts;
}
