import type { ModelConfig } from './model-config.js';
import {
  nodeName,
  replicaName,
  wallOf,
  type ModelRecord,
  type ModelState,
  type Pc,
} from './state.js';

/** A state as people read it in a counterexample (and as `--json` prints it). */
export interface StateView {
  readonly now: number;
  readonly record: RecordView;
  readonly fenceMax: number;
  /**
   * Beliefs in a token below this were evicted by an admin's force-release (I-1 and I-2 do not
   * protect them); null until a force-release.
   */
  readonly evictedBelow: number | null;
  readonly nodes: Readonly<Record<string, NodeView>>;
  /** The service's replicas and their wall clocks; empty for the in-process library. */
  readonly replicas: Readonly<Record<string, ReplicaView>>;
}

export interface ReplicaView {
  readonly wall: number;
}

export type RecordView =
  | { readonly status: 'none' }
  | {
      readonly status: 'held';
      readonly holder: string;
      readonly token: number;
      readonly expiresAt: number;
    }
  | { readonly status: 'free'; readonly lastHolder: string; readonly token: number };

export interface NodeView {
  readonly pc: Pc;
  readonly wall: number;
  readonly leaseToken: number | null;
  /** True time at which belief ends, or null when the node does not believe. */
  readonly believesUntil: number | null;
  /** The node believes in a token an admin's force-release evicted (spec: `Evicted(n)`). */
  readonly evicted: boolean;
  readonly fencedWriteInFlight: number | null;
}

export function describeRecord(rec: ModelRecord): RecordView {
  switch (rec.status) {
    case 'none':
      return { status: 'none' };
    case 'held':
      return {
        status: 'held',
        holder: nodeName(rec.holder),
        token: rec.token,
        expiresAt: rec.expiresAt,
      };
    case 'free':
      return { status: 'free', lastHolder: nodeName(rec.holder), token: rec.token };
  }
}

export function describeState(state: ModelState, _config: ModelConfig): StateView {
  const nodes: Record<string, NodeView> = {};
  state.nodes.forEach((n, i) => {
    nodes[nodeName(i)] = {
      pc: n.pc,
      wall: wallOf(state, i),
      leaseToken: n.leaseToken === 0 ? null : n.leaseToken,
      believesUntil: n.beliefEnd === 0 ? null : n.beliefEnd,
      evicted: n.beliefEnd !== 0 && n.leaseToken < state.evictedBelow,
      fencedWriteInFlight: n.fenced === 0 ? null : n.fenced,
    };
  });
  const replicas: Record<string, ReplicaView> = {};
  state.replicas.forEach((_, j) => {
    replicas[replicaName(j)] = { wall: wallOf(state, state.nodes.length + j) };
  });
  return {
    now: state.now,
    record: describeRecord(state.rec),
    fenceMax: state.fenceMax,
    evictedBelow: state.evictedBelow === 0 ? null : state.evictedBelow,
    nodes,
    replicas,
  };
}
