import type { ModelConfig } from './model-config.js';
import { clockName, wallOf, type ModelState, type Pc } from './state.js';
import {
  beliefEndFrom,
  isWriteStage,
  NO_EFFECT,
  nodeParams,
  retireRequestId,
  toHolding,
  withNode,
  type Transition,
} from './transition.js';

/** Tick: true time advances one tick; beliefs that end now are dropped (normalised to 0). */
export function tick(state: ModelState): Transition {
  const now = state.now + 1;
  const nodes = state.nodes.map((n) =>
    n.beliefEnd !== 0 && n.beliefEnd <= now ? { ...n, beliefEnd: 0 } : n,
  );
  return {
    action: 'Tick',
    params: [],
    state: { ...state, now, nodes },
    effect: NO_EFFECT,
  };
}

/**
 * ClockJump(c, o): a node's or a replica's wall clock (`clock`, numbered as in `wallOf`) steps
 * (forward or back) to another offset within the bound.
 */
export function clockJumps(state: ModelState, clock: number, config: ModelConfig): Transition[] {
  const half = config.skewTicksMax / 2;
  const nodes = state.nodes.length;
  const current = wallOf(state, clock) - state.now;
  const out: Transition[] = [];
  for (let offset = -half; offset <= half; offset++) {
    if (offset === current) continue;
    let next: ModelState;
    if (clock < nodes) {
      next = withNode(state, clock, { offset });
    } else {
      const replicas = state.replicas.slice();
      replicas[clock - nodes] = offset;
      next = { ...state, replicas };
    }
    const params = [clockName(state, clock), offset];
    out.push({ action: 'ClockJump', params, state: next, effect: NO_EFFECT });
  }
  return out;
}

const RETRY_STAGE: Partial<Record<Pc, Pc>> = {
  acqWrite: 'acqRead',
  acqReply: 'acqRead',
  renWrite: 'renRead',
  renReply: 'renRead',
  relWrite: 'relRead',
  relReply: 'relRead',
};

/** WriteFail(n): the store is unavailable; the write in flight is refused before it applies. */
export function writeFail(state: ModelState, node: number, config: ModelConfig): Transition | null {
  const n = state.nodes[node]!;
  if (!isWriteStage(n.pc)) return null;
  let next: ModelState;
  if (config.bug === 'unknownOutcomeAsGrant' && n.pc === 'acqWrite') {
    next = toHolding(state, node, n.replyToken, beliefEndFrom(n.sendAt, state.now, config));
  } else {
    next = withNode(state, node, {
      pc: RETRY_STAGE[n.pc]!,
      dirty: false,
      pendingExp: 0,
      replyToken: 0,
    });
  }
  return { action: 'WriteFail', params: nodeParams(node), state: next, effect: NO_EFFECT };
}

/** ReplyLost(n): a compare-and-set's reply is lost; the client cannot tell whether it applied. */
export function replyLost(state: ModelState, node: number, config: ModelConfig): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'acqReply' && n.pc !== 'renReply' && n.pc !== 'relReply') return null;
  let next: ModelState;
  if (config.bug === 'unknownOutcomeAsGrant' && n.pc === 'acqReply') {
    next = toHolding(state, node, n.replyToken, beliefEndFrom(n.sendAt, state.now, config));
  } else {
    next = withNode(state, node, { pc: RETRY_STAGE[n.pc]!, replyToken: 0, replyApplied: false });
  }
  return { action: 'ReplyLost', params: nodeParams(node), state: next, effect: NO_EFFECT };
}

/** FencedWriteSend(n): a believing holder sends a write carrying its token to the resource. */
export function fencedWriteSend(state: ModelState, node: number): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc !== 'holding' || n.beliefEnd === 0 || n.fenced !== 0) return null;
  const next = withNode(state, node, { fenced: n.leaseToken });
  return { action: 'FencedWriteSend', params: nodeParams(node), state: next, effect: NO_EFFECT };
}

/** FencedWriteArrive(n): the write arrives, however late, even after its sender crashed. */
export function fencedWriteArrive(
  state: ModelState,
  node: number,
  config: ModelConfig,
): Transition | null {
  const token = state.nodes[node]!.fenced;
  if (token === 0) return null;
  const accepted = config.bug === 'fenceWithoutTokenCheck' || token >= state.fenceMax;
  const fenceMax = accepted ? Math.max(state.fenceMax, token) : state.fenceMax;
  const next = { ...withNode(state, node, { fenced: 0 }), fenceMax };
  const effect = {
    kind: 'fenced',
    node,
    token,
    accepted,
    fenceMaxBefore: state.fenceMax,
  } as const;
  return { action: 'FencedWriteArrive', params: nodeParams(node), state: next, effect };
}

/** Abandon(n): the holder stops using its lease without releasing it (it will expire). */
export function abandon(state: ModelState, node: number): Transition | null {
  if (state.nodes[node]!.pc !== 'holding') return null;
  const next = withNode(state, node, { pc: 'idle', leaseToken: 0, beliefEnd: 0 });
  return { action: 'Abandon', params: nodeParams(node), state: next, effect: NO_EFFECT };
}

/**
 * Crash(n): the process dies, loses its memory and starts again empty (a node that stays down is
 * indistinguishable from an idle one that does nothing). A fenced write already in flight still
 * arrives; a compare-and-set in flight is dropped.
 */
export function crash(state: ModelState, node: number): Transition | null {
  const n = state.nodes[node]!;
  if (n.pc === 'idle' && n.opGranted === false) return null;
  const next = retireRequestId(
    withNode(state, node, {
      pc: 'idle',
      dirty: false,
      pendingExp: 0,
      sendAt: -1,
      leaseToken: 0,
      beliefEnd: 0,
      replyToken: 0,
      replyApplied: false,
    }),
    node,
  );
  return { action: 'Crash', params: nodeParams(node), state: next, effect: NO_EFFECT };
}
