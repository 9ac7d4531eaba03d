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
}

export const NO_RECORD: ModelRecord = {
  status: 'none',
  holder: -1,
  token: 0,
  expiresAt: 0,
  rids: 0,
};

export function nodeName(index: number): string {
  return `n${index + 1}`;
}

export function wallOf(state: ModelState, node: number): number {
  return state.now + state.nodes[node]!.offset;
}

/**
 * The wall clock offsets Init starts from: n1 lags and n2 leads by half the skew bound (the
 * widest disagreement the bound allows), and so on alternately. With `allOffsets`, every
 * combination within the bound is an initial state (a larger check).
 */
export function initialOffsets(config: ModelConfig): number[][] {
  const half = config.skewTicksMax / 2;
  if (!config.allOffsets)
    return [Array.from({ length: config.nodes }, (_, i) => (i % 2 === 0 ? -half : half))];
  let offsets: number[][] = [[]];
  for (let i = 0; i < config.nodes; i++) {
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
    nodes: offs.map((offset) => idleNode(offset)),
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
  );
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
