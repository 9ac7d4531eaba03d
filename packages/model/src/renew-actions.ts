import type { ModelConfig } from './model-config.js';
import { wallOf, type ModelRecord, type ModelState } from './state.js';
import {
  answerWrite,
  beliefEndFrom,
  deciderParams,
  NO_EFFECT,
  nodeParams,
  overtakeWrites,
  sendWrite,
  toHolding,
  toIdle,
  withNode,
  type Transition,
} from './transition.js';

/** The client's renew decision (core: `decideRenew`): holder, token, before expiry (I-3, I-7). */
export function renewAllowed(
  seen: ModelRecord,
  node: number,
  leaseToken: number,
  wall: number,
  config: ModelConfig,
): boolean {
  if (seen.status !== 'held') return false;
  const owner = seen.holder === node && seen.token === leaseToken;
  const beforeExpiry = wall < seen.expiresAt;
  return (
    (owner || config.bug === 'renewWithoutOwnerCheck') &&
    (beforeExpiry || config.bug === 'renewWithoutExpiryCheck')
  );
}

/**
 * RenewRead(n, d): a holder (believing or not) reads, decides on the wall clock of `decider`
 * (spec: `d \in Deciders(n)`), and sends its renewal, or stops.
 */
export function renewRead(
  state: ModelState,
  node: number,
  decider: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'holding' && n.pc !== 'renRead') return null;
  const wall = wallOf(state, decider);
  const fresh = n.pc === 'holding' ? withNode(state, node, { sendAt: -1 }) : state;
  const next = renewAllowed(state.rec, node, n.leaseToken, wall, config)
    ? sendWrite(fresh, node, 'renWrite', n.leaseToken, wall + config.ttlTicks)
    : toIdle(state, node);
  const params = deciderParams(state, node, decider);
  return { action: 'RenewRead', params, state: next, effect: NO_EFFECT };
}

/**
 * RenewWrite(n): the renewal's compare-and-set moves expiresAt later (never earlier), unless it
 * was overtaken.
 */
export function renewWrite(
  state: ModelState,
  node: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'renWrite') return null;
  if (n.dirty) {
    const next = answerWrite(state, node, 'renReply', false);
    return { action: 'RenewWrite', params: nodeParams(node), state: next, effect: NO_EFFECT };
  }
  const before = state.rec;
  const after: ModelRecord = { ...before, expiresAt: Math.max(before.expiresAt, n.pendingExp) };
  const next = overtakeWrites({ ...answerWrite(state, node, 'renReply', true), rec: after }, node);
  const effect = {
    kind: 'write',
    op: 'renewed',
    node,
    wall: n.pendingExp - config.ttlTicks,
    before,
    after,
    requestToken: n.leaseToken,
    opGrantedBefore: n.opGranted,
  } as const;
  return { action: 'RenewWrite', params: nodeParams(node), state: next, effect };
}

/** RenewReply(n): a renewal's answer; belief restarts from the renew's earliest send. */
export function renewReply(
  state: ModelState,
  node: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'renReply') return null;
  let next: ModelState;
  if (!n.replyApplied) {
    next = withNode(state, node, { pc: 'renRead', replyToken: 0, replyApplied: false });
  } else {
    next = toHolding(state, node, n.leaseToken, beliefEndFrom(n.sendAt, state.now, config));
  }
  return { action: 'RenewReply', params: nodeParams(node), state: next, effect: NO_EFFECT };
}
