import type { ModelConfig } from './model-config.js';
import { wallOf, type ModelRecord, type ModelState } from './state.js';
import {
  answerWrite,
  NO_EFFECT,
  nodeParams,
  overtakeWrites,
  sendWrite,
  toIdle,
  withNode,
  type Transition,
} from './transition.js';

/** The client's release decision (core: `decideRelease`): only the holder with its token. */
export function releaseWrites(
  seen: ModelRecord,
  node: number,
  leaseToken: number,
  config: ModelConfig,
): boolean {
  if (seen.status !== 'held') return false;
  if (config.bug === 'releaseWithoutOwnerCheck') return true;
  return seen.holder === node && seen.token === leaseToken;
}

/**
 * ReleaseRead(n): the holder stops believing first, then reads and sends the release; a record
 * already free for it (a retried release) or not its own needs no write.
 */
export function releaseRead(
  state: ModelState,
  node: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'holding' && n.pc !== 'relRead') return null;
  const sendAt = n.pc === 'holding' ? -1 : n.sendAt;
  const stopped = withNode(state, node, { beliefEnd: 0, sendAt });
  const next = releaseWrites(state.rec, node, n.leaseToken, config)
    ? sendWrite(stopped, node, 'relWrite', n.leaseToken, 0)
    : toIdle(state, node);
  return { action: 'ReleaseRead', params: nodeParams(node), state: next, effect: NO_EFFECT };
}

/** ReleaseWrite(n): the record stays, freed, with its token (I-5), unless overtaken. */
export function releaseWrite(
  state: ModelState,
  node: number,
  config: ModelConfig,
): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'relWrite') return null;
  if (n.dirty) {
    const next = answerWrite(state, node, 'relReply', false);
    return { action: 'ReleaseWrite', params: nodeParams(node), state: next, effect: NO_EFFECT };
  }
  const before = state.rec;
  const after: ModelRecord = {
    status: 'free',
    holder: before.holder,
    token: config.bug === 'tokenResetOnRelease' ? 0 : before.token,
    expiresAt: 0,
    rids: before.rids,
  };
  const next = overtakeWrites({ ...answerWrite(state, node, 'relReply', true), rec: after }, node);
  const effect = {
    kind: 'write',
    op: 'released',
    node,
    wall: wallOf(state, node),
    before,
    after,
    requestToken: n.leaseToken,
    opGrantedBefore: n.opGranted,
  } as const;
  return { action: 'ReleaseWrite', params: nodeParams(node), state: next, effect };
}

/** ReleaseReply(n): the release's answer; a refusal means read again. */
export function releaseReply(state: ModelState, node: number): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'relReply') return null;
  const next = n.replyApplied
    ? toIdle(state, node)
    : withNode(state, node, { pc: 'relRead', replyToken: 0, replyApplied: false });
  return { action: 'ReleaseReply', params: nodeParams(node), state: next, effect: NO_EFFECT };
}
