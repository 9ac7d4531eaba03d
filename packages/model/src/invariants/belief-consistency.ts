import { specClaimAtMs } from './spec-time.js';
import {
  violation,
  type Belief,
  type InvariantViolation,
  type LeaseConfig,
  type LeaseRecord,
} from '@leasehold/core';

/**
 * I-2 BeliefConsistency: a believer is the store's current holder with the same token, and no
 * node's wall clock (the largest reading among them is `wallNowMsMax`) makes the lease claimable.
 */
export function checkBeliefConsistency(
  belief: Belief,
  record: LeaseRecord | null,
  wallNowMsMax: number,
  config: LeaseConfig,
): InvariantViolation | null {
  const who = `${belief.node} believes it holds ${JSON.stringify(belief.resource)} with token ${belief.token}`;
  if (record === null || record.status === 'free') {
    return violation('I-2', `${who}, but the store has it free`);
  }
  if (record.holder !== belief.node || record.token !== belief.token) {
    return violation(
      'I-2',
      `${who}, but the store says ${record.holder} holds it with token ${record.token}`,
    );
  }
  const atMs = specClaimAtMs(record.expiresAtMs, config);
  if (wallNowMsMax >= atMs) {
    return violation(
      'I-2',
      `${who}, but a node's wall clock reads ${wallNowMsMax} >= claimable point ${atMs}`,
    );
  }
  return null;
}
