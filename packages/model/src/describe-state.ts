import type { ModelConfig } from './model-config.js';
import { nodeName, wallOf, type ModelRecord, type ModelState, type Pc } from './state.js';

/** A state as people read it in a counterexample (and as `--json` prints it). */
export interface StateView {
  readonly now: number;
  readonly record: RecordView;
  readonly fenceMax: number;
  readonly nodes: Readonly<Record<string, NodeView>>;
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
      fencedWriteInFlight: n.fenced === 0 ? null : n.fenced,
    };
  });
  return { now: state.now, record: describeRecord(state.rec), fenceMax: state.fenceMax, nodes };
}
