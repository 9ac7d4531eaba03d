import { violation, type InvariantViolation } from '@leasehold/core';
import type { Belief } from './lease-uniqueness.js';
import type { ResourceLedger } from './ledger.js';
import { claimableByAnyoneFromTrueMs, type TimeBounds } from './time-rules.js';

/**
 * I-2 BeliefConsistency, for one belief at true instant `nowMs` (absolute ms): the believer is the
 * store's current holder with the same token; no in-bound clock makes the lease claimable (the
 * fastest clock reads true time plus half the skew bound); and the belief has not outlived what
 * its grant allows (the checker's own belief rule, from the send of the request that applied the
 * grant or a renewal of it). Messages give times since the run started (`epochMs`).
 */
export function checkBeliefConsistency(
  belief: Belief,
  ledger: ResourceLedger,
  nowMs: number,
  bounds: TimeBounds,
  epochMs: number,
): InvariantViolation | null {
  const record = ledger.record;
  if (record === null || record.status !== 'held') {
    return violation(
      'I-2',
      `${who(belief)}, but the store has it ${record === null ? 'absent' : 'free'}`,
    );
  }
  if (record.holder !== belief.node || record.token !== belief.token) {
    return violation(
      'I-2',
      `${who(belief)}, but the store says ${record.holder} holds it with token ${record.token}`,
    );
  }
  if (nowMs >= claimableByAnyoneFromTrueMs(record.expiresAtMs, bounds)) {
    return violation(
      'I-2',
      `${who(belief)}, but at ${nowMs - epochMs} ms a clock within the skew bound (+${bounds.skewMs / 2} ms) reads past its claimable point (its expiry at ${record.expiresAtMs - epochMs} ms, ttl ${record.ttlMs} ms, + grace ${bounds.graceMs} + skew ${bounds.skewMs})`,
    );
  }
  const bound = ledger.belief;
  if (
    bound !== null &&
    bound.node === belief.node &&
    bound.token === belief.token &&
    nowMs >= bound.endsByMs
  ) {
    return violation(
      'I-2',
      `${who(belief)} at ${nowMs - epochMs} ms, but its belief had to end by ${bound.endsByMs - epochMs} ms (its last write was sent at ${bound.sendTrueMs - epochMs} ms with ttl ${bound.ttlMs} ms; margin ${bounds.marginMs} ms, drift ${bounds.driftPpm} ppm)`,
    );
  }
  return null;
}

function who(belief: Belief): string {
  return `${belief.node} believes it holds ${JSON.stringify(belief.resource)} with token ${belief.token}`;
}
