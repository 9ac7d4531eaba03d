import { MODEL_NODES_MAX, MODEL_REPLICAS_MAX } from './limits.js';
import type { ModelConfig } from './model-config.js';
import {
  clockNameAmong,
  nodeName,
  type ModelRecord,
  type ModelState,
  type NodeState,
  type Pc,
} from './state.js';

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
      /** The deciding clock's wall time when it decided (the writer's own, or a replica's). */
      readonly wall: number;
      readonly before: ModelRecord;
      readonly after: ModelRecord;
      /** The token the writer presented (renew, release) or proposed (grant). */
      readonly requestToken: number;
      /** Ghost before the write (I-8): the operation had already obtained a grant. */
      readonly opGrantedBefore: boolean;
    }
  | {
      /** An admin's force-release (spec: `ForceRelease(e)`). */
      readonly kind: 'forceReleased';
      /** The expected holder `e`, or `NONE` when the admin named none. */
      readonly expectedHolder: number;
      readonly before: ModelRecord;
      readonly after: ModelRecord;
    }
  | {
      /** A cleanup (spec: `Expire(d)`). */
      readonly kind: 'expired';
      /** The deciding clock `d` (a node's or a replica's) and what it read. */
      readonly decider: number;
      readonly wall: number;
      readonly before: ModelRecord;
      readonly after: ModelRecord;
    }
  | {
      readonly kind: 'held';
      readonly node: number;
      /** The deciding clock's wall time (the node's own, or the serving replica's). */
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
  'ForceRelease',
  'Expire',
] as const;

export type ActionName = (typeof ACTION_NAMES)[number];

/**
 * Each action's parameters, named as in spec/Lease.tla: `n` a node, `d` the clock a decision is
 * taken on (`Deciders(n)`), `c` any clock, `o` an offset, `e` an expected holder or `None`.
 * `test/spec-names.test.ts` checks the spec's definitions take exactly these.
 */
export const ACTION_PARAMETERS: Readonly<Record<ActionName, readonly string[]>> = {
  Tick: [],
  ClockJump: ['c', 'o'],
  AcquireRead: ['n', 'd'],
  AcquireWrite: ['n'],
  AcquireReply: ['n'],
  RenewRead: ['n', 'd'],
  RenewWrite: ['n'],
  RenewReply: ['n'],
  ReleaseRead: ['n'],
  ReleaseWrite: ['n'],
  ReleaseReply: ['n'],
  WriteFail: ['n'],
  ReplyLost: ['n'],
  FencedWriteSend: ['n'],
  FencedWriteArrive: ['n'],
  Abandon: ['n'],
  Crash: ['n'],
  ForceRelease: ['e'],
  Expire: ['d'],
};

export interface Transition {
  readonly action: ActionName;
  /**
   * The action's arguments as the spec writes them (`ACTION_PARAMETERS`): node and replica names
   * (`n1`, `r2`), `None`, offsets. `AcquireRead(n1, r2)` has `['n1', 'r2']`.
   */
  readonly params: readonly (string | number)[];
  readonly state: ModelState;
  readonly effect: StepEffect;
}

/** The parameters of an action of one node, `[n]`, made once per node. */
export function nodeParams(node: number): readonly string[] {
  return NODE_PARAMS[node] ?? [nodeName(node)];
}
const NODE_PARAMS = Array.from({ length: MODEL_NODES_MAX }, (_, i) => [nodeName(i)] as const);

/**
 * The parameters of a decision of node `n` on clock `d`, `[n, d]` (clocks numbered as in
 * `wallOf`), made once per pair: the explorer asks for them on every state.
 */
export function deciderParams(state: ModelState, node: number, decider: number): readonly string[] {
  const nodes = state.nodes.length;
  const cached = DECIDER_PARAMS[nodes]?.[node]?.[decider];
  return cached ?? [nodeName(node), clockNameAmong(nodes, decider)];
}
const DECIDER_PARAMS = Array.from({ length: MODEL_NODES_MAX + 1 }, (_, nodes) =>
  Array.from({ length: nodes }, (_, node) =>
    Array.from({ length: nodes + MODEL_REPLICAS_MAX }, (_, clock) => [
      nodeName(node),
      clockNameAmong(nodes, clock),
    ]),
  ),
);

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
  return {
    now: state.now,
    rec: state.rec,
    fenceMax: state.fenceMax,
    nodes,
    replicas: state.replicas,
    evictedBelow: state.evictedBelow,
  };
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

/**
 * A write applied: every other compare-and-set in flight now carries a stale version. `writer` is
 * `NONE` for the admin's and the cleanup's writes, which overtake every node's.
 */
export function overtakeWrites(state: ModelState, writer: number): ModelState {
  let nodes: NodeState[] | null = null;
  for (let i = 0; i < state.nodes.length; i++) {
    const n = state.nodes[i]!;
    if (i === writer || n.dirty || !isWriteStage(n.pc)) continue;
    nodes ??= state.nodes.slice();
    nodes[i] = { ...n, dirty: true };
  }
  return nodes === null ? state : { ...state, nodes };
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
