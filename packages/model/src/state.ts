import { MODEL_NODES_MAX, MODEL_REPLICAS_MAX } from './limits.js';
import type { ModelConfig } from './model-config.js';

/** A node's program counter: which step of which operation it takes next (spec: `pc`). */
export type Pc =
  | 'idle'
  | 'acqRead'
  | 'acqWrite'
  | 'acqReply'
  | 'holding'
  | 'renRead'
  | 'renWrite'
  | 'renReply'
  | 'relRead'
  | 'relWrite'
  | 'relReply';

/** The store's record for the one resource (spec: `rec`). Nodes are indices; -1 is nobody. */
export interface ModelRecord {
  readonly status: 'none' | 'held' | 'free';
  /** Holder when held, last holder when free. */
  readonly holder: number;
  readonly token: number;
  /** Wall time of the granting or renewing node plus TTL; 0 unless held. */
  readonly expiresAt: number;
  /**
   * Request ids are only ever compared for equality with the acquiring node's *current* id, so
   * the record keeps, per node, one bit: whether that node's current acquire id is among the
   * record's recent grants (core: `recentGrants`). A new or crashed operation clears its bit.
   */
  readonly rids: number;
}

export interface NodeState {
  readonly pc: Pc;
  /** Wall clock minus true time, within +-MaxClockSkew/2: clocks lag as well as lead. */
  readonly offset: number;
  /**
   * A compare-and-set in flight: set when a write this node sent is overtaken by another write
   * (the store's version moved), so it will be refused. Only meaningful at a write stage.
   */
  readonly dirty: boolean;
  /** The expiry the write in flight carries (the deciding wall clock plus TTL); 0 if none. */
  readonly pendingExp: number;
  /** Earliest true time a write of the current operation was sent; -1 when none was. */
  readonly sendAt: number;
  /** Token of the lease this node acts on; 0 when none. */
  readonly leaseToken: number;
  /** True time at which belief ends; 0 when the node does not believe (normalised). */
  readonly beliefEnd: number;
  /** The token the write in flight proposes or presents; then the reply's token. */
  readonly replyToken: number;
  /** The reply says the compare-and-set applied (at a reply stage). */
  readonly replyApplied: boolean;
  /** Token of this node's write in flight to the fenced resource; 0 when none. */
  readonly fenced: number;
  /** Ghost (I-8): the current acquire operation already obtained a grant. */
  readonly opGranted: boolean;
}

export interface ModelState {
  readonly now: number;
  readonly rec: ModelRecord;
  /** Highest token the fenced resource has accepted. */
  readonly fenceMax: number;
  readonly nodes: readonly NodeState[];
  /**
   * The service's replicas (spec: `roff`): each one's wall clock minus true time, within
   * +-MaxClockSkew/2. Empty for the in-process library, where each node decides on its own clock.
   */
  readonly replicas: readonly number[];
  /**
   * Ghost (spec: `evictedBelow`): the highest token a force-release wrote. A belief whose token is
   * below it was evicted by an admin and is fenced; I-1 and I-2 do not protect it.
   */
  readonly evictedBelow: number;
}

export const NO_RECORD: ModelRecord = {
  status: 'none',
  holder: -1,
  token: 0,
  expiresAt: 0,
  rids: 0,
};

/** The spec's `None`: nobody (a record's holder, or the admin's identity). */
export const NONE = -1;
export const NONE_NAME = 'None';

const NODE_NAMES = Array.from({ length: MODEL_NODES_MAX }, (_, i) => `n${i + 1}`);
const REPLICA_NAMES = Array.from({ length: MODEL_REPLICAS_MAX }, (_, i) => `r${i + 1}`);

export function nodeName(index: number): string {
  return NODE_NAMES[index] ?? `n${index + 1}`;
}

export function replicaName(index: number): string {
  return REPLICA_NAMES[index] ?? `r${index + 1}`;
}

/**
 * A clock that can decide (spec: an element of `Clocks`): node `i` is clock `i`, replica `j` is
 * clock `nodes + j`. `wallOf(state, node)` is a node's wall clock.
 */
export function wallOf(state: ModelState, clock: number): number {
  const nodes = state.nodes.length;
  return state.now + (clock < nodes ? state.nodes[clock]!.offset : state.replicas[clock - nodes]!);
}

export function clockName(state: ModelState, clock: number): string {
  return clockNameAmong(state.nodes.length, clock);
}

/** A clock's name when there are `nodes` nodes (the replicas are numbered after them). */
export function clockNameAmong(nodes: number, clock: number): string {
  return clock < nodes ? nodeName(clock) : replicaName(clock - nodes);
}

/** Every clock: the nodes', then the replicas'. */
export function clockCount(state: ModelState): number {
  return state.nodes.length + state.replicas.length;
}

/**
 * Spec `Deciders(n)`: the clocks a decision for node `n`'s request is taken on: its own in the
 * library, any replica's in the service.
 */
export function decidersOf(state: ModelState, node: number): readonly number[] {
  const nodes = state.nodes.length;
  const replicas = state.replicas.length;
  if (replicas === 0) return OWN_CLOCK[node] ?? [node];
  return REPLICA_CLOCKS[nodes]?.[replicas] ?? rangeOf(nodes, replicas);
}

/**
 * Spec `UNION {Deciders(n) : n \in Node}`, the clocks a cleanup (`Expire(d)`) may decide on:
 * every node's in the library, every replica's in the service.
 */
export function cleanersOf(state: ModelState): readonly number[] {
  const nodes = state.nodes.length;
  if (state.replicas.length === 0) return NODE_CLOCKS[nodes] ?? rangeOf(0, nodes);
  return decidersOf(state, 0);
}

function rangeOf(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}
// The clock lists, made once: the explorer asks for them on every state.
const OWN_CLOCK = rangeOf(0, MODEL_NODES_MAX).map((i) => [i]);
const NODE_CLOCKS = rangeOf(0, MODEL_NODES_MAX + 1).map((nodes) => rangeOf(0, nodes));
/** [nodes][replicas] -> the replicas' clocks, numbered after the nodes'. */
const REPLICA_CLOCKS = rangeOf(0, MODEL_NODES_MAX + 1).map((nodes) =>
  rangeOf(0, MODEL_REPLICAS_MAX + 1).map((replicas) => rangeOf(nodes, replicas)),
);

/**
 * The wall clock offsets Init starts from, nodes first, then replicas: n1 lags and n2 leads by
 * half the skew bound (the widest disagreement the bound allows), and so on alternately; r1 lags,
 * r2 leads likewise (spec: `Lagging = {n1}`, `LaggingReplicas = {r1}`). With `allOffsets`, every
 * combination within the bound is an initial state (a larger check).
 */
export function initialOffsets(config: ModelConfig): number[][] {
  const half = config.skewTicksMax / 2;
  const alternate = (length: number) =>
    Array.from({ length }, (_, i) => (i % 2 === 0 ? -half : half));
  if (!config.allOffsets) return [[...alternate(config.nodes), ...alternate(config.replicas)]];
  let offsets: number[][] = [[]];
  for (let i = 0; i < config.nodes + config.replicas; i++) {
    const next: number[][] = [];
    for (const prefix of offsets) for (let o = -half; o <= half; o++) next.push([...prefix, o]);
    offsets = next;
  }
  return offsets;
}

/** Init: time 0, no record, every node idle, wall clocks at their initial offsets. */
export function initialStates(config: ModelConfig): ModelState[] {
  return initialOffsets(config).map((offs) => ({
    now: 0,
    rec: NO_RECORD,
    fenceMax: 0,
    nodes: offs.slice(0, config.nodes).map((offset) => idleNode(offset)),
    replicas: offs.slice(config.nodes),
    evictedBelow: 0,
  }));
}

export function idleNode(offset: number): NodeState {
  return {
    pc: 'idle',
    offset,
    dirty: false,
    pendingExp: 0,
    sendAt: -1,
    leaseToken: 0,
    beliefEnd: 0,
    replyToken: 0,
    replyApplied: false,
    fenced: 0,
    opGranted: false,
  };
}

const PCS: readonly Pc[] = [
  'idle',
  'acqRead',
  'acqWrite',
  'acqReply',
  'holding',
  'renRead',
  'renWrite',
  'renReply',
  'relRead',
  'relWrite',
  'relReply',
];
const PC_CODE = new Map<Pc, number>(PCS.map((pc, i) => [pc, i]));
const STATUS_CODE = { none: 0, held: 1, free: 2 } as const;
/** Keeps small negative values (offsets, "none" markers) positive inside one UTF-16 unit. */
const BIAS = 16;

/**
 * The state's hash key for the explorer: every field, in a fixed order, one UTF-16 unit each
 * (every field is a small integer under the state constraint), so keys stay short.
 */
export function stateKey(state: ModelState): string {
  const r = state.rec;
  let key = String.fromCharCode(
    state.now + BIAS,
    STATUS_CODE[r.status] + BIAS,
    r.holder + 2 * BIAS,
    r.token + 2 * BIAS,
    r.expiresAt + 2 * BIAS,
    r.rids + BIAS,
    state.fenceMax + BIAS,
    state.evictedBelow + BIAS,
  );
  for (const offset of state.replicas) key += String.fromCharCode(offset + 2 * BIAS);
  for (const n of state.nodes) {
    key += String.fromCharCode(
      PC_CODE.get(n.pc)! + BIAS,
      n.offset + 2 * BIAS,
      (n.dirty ? 1 : 0) + (n.replyApplied ? 2 : 0) + (n.opGranted ? 4 : 0) + BIAS,
      n.pendingExp + 2 * BIAS,
      n.sendAt + 2 * BIAS,
      n.leaseToken + BIAS,
      n.beliefEnd + BIAS,
      n.replyToken + BIAS,
      n.fenced + BIAS,
    );
  }
  return key;
}

/** State constraint (spec: `StateConstraint`): bounds time and tokens so the space is finite. */
export function withinBounds(state: ModelState, config: ModelConfig): boolean {
  return state.now <= config.timeTicksMax && state.rec.token <= config.tokenMax;
}
