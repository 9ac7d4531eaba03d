import type { ModelConfig } from './model-config.js';
import type { ModelRecord, ModelState, NodeState, Pc } from './state.js';

/**
 * What a step did, as data for the step invariants (I-3..I-8): the model's counterpart of the
 * simulator's `Observation`.
 */
export type StepEffect =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'write';
      readonly op: 'granted' | 'renewed' | 'released';
      readonly node: number;
      /** The writer's wall clock when it decided. */
      readonly wall: number;
      readonly before: ModelRecord;
      readonly after: ModelRecord;
      /** The token the writer presented (renew, release) or proposed (grant). */
      readonly requestToken: number;
      /** Ghost before the write (I-8): the operation had already obtained a grant. */
      readonly opGrantedBefore: boolean;
    }
  | {
      readonly kind: 'held';
      readonly node: number;
      readonly wall: number;
      readonly seen: ModelRecord;
    }
  | {
      readonly kind: 'fenced';
      readonly node: number;
      readonly token: number;
      readonly accepted: boolean;
      readonly fenceMaxBefore: number;
    };

/** The TLA+ action names of `Next`, one each. */
export const ACTION_NAMES = [
  'Tick',
  'ClockJump',
  'AcquireRead',
  'AcquireWrite',
  'AcquireReply',
  'RenewRead',
  'RenewWrite',
  'RenewReply',
  'ReleaseRead',
  'ReleaseWrite',
  'ReleaseReply',
  'WriteFail',
  'ReplyLost',
  'FencedWriteSend',
  'FencedWriteArrive',
  'Abandon',
  'Crash',
] as const;

export type ActionName = (typeof ACTION_NAMES)[number];

export interface Transition {
  readonly action: ActionName;
  /** The acting node, or null for `Tick`. */
  readonly node: number | null;
  /** `ClockJump`'s new offset. */
  readonly arg: number | null;
  readonly state: ModelState;
  readonly effect: StepEffect;
}

export const NO_EFFECT: StepEffect = { kind: 'none' };

export function withNode(state: ModelState, node: number, patch: Partial<NodeState>): ModelState {
  const n = state.nodes[node]!;
  const nodes = state.nodes.slice();
  // Spelled out rather than spread: every node object keeps one shape, which keeps the
  // explorer's hot path monomorphic (bench:model).
  nodes[node] = {
    pc: patch.pc ?? n.pc,
    offset: patch.offset ?? n.offset,
    dirty: patch.dirty ?? n.dirty,
    pendingExp: patch.pendingExp ?? n.pendingExp,
    sendAt: patch.sendAt ?? n.sendAt,
    leaseToken: patch.leaseToken ?? n.leaseToken,
    beliefEnd: patch.beliefEnd ?? n.beliefEnd,
    replyToken: patch.replyToken ?? n.replyToken,
    replyApplied: patch.replyApplied ?? n.replyApplied,
    fenced: patch.fenced ?? n.fenced,
    opGranted: patch.opGranted ?? n.opGranted,
  };
  return { now: state.now, rec: state.rec, fenceMax: state.fenceMax, nodes };
}

export function sameRecord(a: ModelRecord, b: ModelRecord): boolean {
  return (
    a.status === b.status &&
    a.holder === b.holder &&
    a.token === b.token &&
    a.expiresAt === b.expiresAt &&
    a.rids === b.rids
  );
}

/** Belief from the earliest send: believes while now < sendAt + TTL - margin (0: no belief). */
export function beliefEndFrom(sendAt: number, now: number, config: ModelConfig): number {
  const end = sendAt + config.ttlTicks - config.marginTicks;
  return end > now ? end : 0;
}

export function earliest(sendAt: number, now: number): number {
  return sendAt < 0 ? now : Math.min(sendAt, now);
}

/**
 * The node's operation ended: its request id will never be presented again, so the record's copy
 * of it becomes "old" (see `ModelRecord`). This renames an id; it is not a write, so no compare-
 * and-set in flight is overtaken by it.
 */
export function retireRequestId(state: ModelState, node: number): ModelState {
  const bit = 1 << node;
  const rec =
    (state.rec.rids & bit) === 0 ? state.rec : { ...state.rec, rids: state.rec.rids & ~bit };
  const n = state.nodes[node]!;
  if (rec === state.rec && !n.opGranted) return state;
  const nodes = state.nodes.slice();
  nodes[node] = { ...n, opGranted: false };
  return { ...state, rec, nodes };
}

/** A write applied: every other compare-and-set in flight now carries a stale version. */
export function overtakeWrites(state: ModelState, writer: number): ModelState {
  const nodes = state.nodes.map((n, i) =>
    i !== writer && !n.dirty && isWriteStage(n.pc) ? { ...n, dirty: true } : n,
  );
  return { ...state, nodes };
}

export function isWriteStage(pc: Pc): boolean {
  return pc === 'acqWrite' || pc === 'renWrite' || pc === 'relWrite';
}

/** A compare-and-set was sent: it is in flight until the store applies or refuses it. */
export function sendWrite(
  state: ModelState,
  node: number,
  pc: Pc,
  replyToken: number,
  pendingExp: number,
): ModelState {
  const n = state.nodes[node]!;
  return withNode(state, node, {
    pc,
    dirty: false,
    pendingExp,
    replyToken,
    replyApplied: false,
    sendAt: earliest(n.sendAt, state.now),
  });
}

/** The store answered a compare-and-set (applied or refused); the reply is now in flight. */
export function answerWrite(state: ModelState, node: number, pc: Pc, applied: boolean): ModelState {
  return withNode(state, node, { pc, dirty: false, pendingExp: 0, replyApplied: applied });
}

/** The operation is over and the node holds nothing. */
export function toIdle(state: ModelState, node: number): ModelState {
  return retireRequestId(
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
}

/** The operation granted or renewed a lease: the node acts on it while it believes. */
export function toHolding(
  state: ModelState,
  node: number,
  leaseToken: number,
  beliefEnd: number,
): ModelState {
  return retireRequestId(
    withNode(state, node, {
      pc: 'holding',
      dirty: false,
      pendingExp: 0,
      sendAt: -1,
      leaseToken,
      beliefEnd,
      replyToken: 0,
      replyApplied: false,
    }),
    node,
  );
}
