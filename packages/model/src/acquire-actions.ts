import type { ModelConfig } from './model-config.js';
import { claimFrom } from './claimability.js';
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

export type AcquireDecision =
  | { readonly kind: 'replayGranted' }
  | { readonly kind: 'replayExpired' }
  | { readonly kind: 'held' }
  | { readonly kind: 'grant' };

/** The client's pure decision on the record it read (core: `decideAcquire`). */
export function acquireDecision(
  seen: ModelRecord,
  node: number,
  wall: number,
  config: ModelConfig,
): AcquireDecision {
  const replay = config.bug !== 'acquireIgnoresRequestId' && (seen.rids & (1 << node)) !== 0;
  if (replay) {
    // I-8: the id obtained a grant before; it is current only if the record still holds it.
    const current = seen.status === 'held' && seen.holder === node;
    return { kind: current ? 'replayGranted' : 'replayExpired' };
  }
  if (seen.status === 'held' && wall < claimFrom(seen.expiresAt, config)) return { kind: 'held' };
  return { kind: 'grant' };
}

/**
 * AcquireRead(n, d): a new acquire (fresh request id) or a retry of the current one reads the
 * record; the decision is taken at once on the wall clock of `decider` (spec: `d \in
 * Deciders(n)`: the node's own in the library, with no await between the reply and the decision;
 * the serving replica's in the service), and a grant sends its compare-and-set, whose expiry is
 * that clock plus TTL. The node's belief counts from its own send (true time), whoever decided.
 */
export function acquireRead(
  state: ModelState,
  node: number,
  decider: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'idle' && n.pc !== 'acqRead') return null;
  const wall = wallOf(state, decider);
  const seen = state.rec;
  const done = (next: ModelState, effect: Transition['effect']): Transition => ({
    action: 'AcquireRead',
    params: deciderParams(state, node, decider),
    state: next,
    effect,
  });
  const decision = acquireDecision(seen, node, wall, config);
  switch (decision.kind) {
    case 'replayGranted': {
      // Belief from the earliest send of this acquire, which is the one that applied or earlier.
      const end = beliefEndFrom(n.sendAt, state.now, config);
      return done(
        end > 0 ? toHolding(state, node, seen.token, end) : toIdle(state, node),
        NO_EFFECT,
      );
    }
    case 'replayExpired':
      return done(toIdle(state, node), NO_EFFECT);
    case 'held':
      return done(toIdle(state, node), { kind: 'held', node, wall, seen });
    case 'grant':
      return done(
        sendWrite(state, node, 'acqWrite', seen.token + 1, wall + config.ttlTicks),
        NO_EFFECT,
      );
  }
}

/**
 * AcquireWrite(n): the compare-and-set reaches the store and applies only if no write overtook
 * it since the read (the blind-write bug re-reads the version just before writing instead).
 */
export function acquireWrite(
  state: ModelState,
  node: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'acqWrite') return null;
  const applies = !n.dirty || config.bug === 'acquireBlindWrite';
  if (!applies) {
    const next = answerWrite(state, node, 'acqReply', false);
    return { action: 'AcquireWrite', params: nodeParams(node), state: next, effect: NO_EFFECT };
  }
  const before = state.rec;
  const after: ModelRecord = {
    status: 'held',
    holder: node,
    token: before.token + 1,
    expiresAt: n.pendingExp,
    rids: before.rids | (1 << node),
  };
  let next = withNode(state, node, { replyToken: after.token, opGranted: true });
  next = overtakeWrites({ ...answerWrite(next, node, 'acqReply', true), rec: after }, node);
  const effect = {
    kind: 'write',
    op: 'granted',
    node,
    // The deciding clock's reading: the expiry it wrote minus TTL.
    wall: n.pendingExp - config.ttlTicks,
    before,
    after,
    requestToken: n.replyToken,
    opGrantedBefore: n.opGranted,
  } as const;
  return { action: 'AcquireWrite', params: nodeParams(node), state: next, effect };
}

/** AcquireReply(n): the compare-and-set's answer arrives. */
export function acquireReply(
  state: ModelState,
  node: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'acqReply') return null;
  let next: ModelState;
  if (!n.replyApplied) {
    next = withNode(state, node, { pc: 'acqRead', replyToken: 0, replyApplied: false });
  } else {
    // Belief is measured from the earliest send that may have applied, never from the reply.
    const end = beliefEndFrom(n.sendAt, state.now, config);
    next = end > 0 ? toHolding(state, node, n.replyToken, end) : toIdle(state, node);
  }
  return { action: 'AcquireReply', params: nodeParams(node), state: next, effect: NO_EFFECT };
}
