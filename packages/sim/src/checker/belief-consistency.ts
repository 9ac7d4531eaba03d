import { violation, type InvariantViolation } from '@leasehold/core';
import type { Belief } from './lease-uniqueness';
import type { ResourceLedger } from './ledger';
import { claimableByAnyoneFromTrueMs, type TimeBounds } from './time-rules';

/**
 * I-2 BeliefConsistency, for one belief at true instant `nowMs` (absolute ms):
 * the believer is the store's current holder with the same token; no in-bound clock makes the
 * lease claimable (the fastest clock reads true time plus half the skew bound); and the belief has
 * not outlived what its grant allows (the checker's own belief rule, from the send of the request
 * that applied the grant or its latest renewal).
 */
export function checkBeliefConsistency(
  belief: Belief,
  ledger: ResourceLedger,
  nowMs: number,
  bounds: TimeBounds,
  epochMs: number,
): InvariantViolation | null {
  const at = (ms: number) => `${ms - epochMs} ms`;
  const who = `${belief.node} believes it holds ${JSON.stringify(belief.resource)} with token ${belief.token}`;
  const record = ledger.record;
  if (record === null || record.status !== 'held') {
    return violation('I-2', `${who}, but the store has it ${record === null ? 'absent' : 'free'}`);
  }
  if (record.holder !== belief.node || record.token !== belief.token) {
    return violation(
      'I-2',
      `${who}, but the store says ${record.holder} holds it with token ${record.token}`,
    );
  }
  const claimableMs = claimableByAnyoneFromTrueMs(record.expiresAtMs, bounds);
  if (nowMs >= claimableMs) {
    return violation(
      'I-2',
      `${who}, but at ${at(nowMs)} a clock within the skew bound (+${bounds.skewMs / 2} ms) reads past its claimable point (expiry ${record.expiresAtMs} + grace ${bounds.graceMs} + skew ${bounds.skewMs})`,
    );
  }
  const bound = ledger.belief;
  if (bound !== null && bound.node === belief.node && bound.token === belief.token) {
    if (nowMs >= bound.endsByMs) {
      return violation(
        'I-2',
        `${who} at ${at(nowMs)}, but its belief had to end by ${at(bound.endsByMs)} (its last write was sent at ${at(bound.sendTrueMs)} with ttl ${bound.ttlMs} ms; margin ${bounds.marginMs} ms, drift ${bounds.driftPpm} ppm)`,
      );
    }
  }
  return null;
}
