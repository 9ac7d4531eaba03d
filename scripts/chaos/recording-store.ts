import type { Clock, HistoryEvent, LeaseRecord } from '@leasehold/core';
import type { Op, OpKind } from '@leasehold/step';
import type {
  CasResult,
  HistoryOptions,
  HistoryResult,
  LeaseStore,
  ListOptions,
  ListResult,
  PruneResult,
  ReadResult,
} from '@leasehold/store';
import type { Journal } from './journal';
import { sharedNowMs } from './shared-clock';

/** Nodes told apart in an op id, and ops one process may begin before its counter wraps. */
const OP_NODES = 100;
const OP_COUNTER_MAX = 10_000;
/** The start instant enters op ids modulo this (ms): ids stay exact integers. */
const OP_START_MODULO_MS = 10_000_000;

/** Who a store call is made for: the node, and the logical operation it is part of, if any. */
export interface JournalCaller {
  readonly node: string;
  readonly op: Op | null;
  /** False for a caller whose reads judge nothing (a service's own housekeeping). */
  readonly journalReads: boolean;
}

/**
 * A real store, unchanged, with every read and compare-and-set written to a journal under the
 * caller a subclass names for each call. The checker matches the store's own history against
 * these writes to rebuild the full record before and after each applied write (history events do
 * not carry expiries), and to see that writes the store refused left no trace.
 */
export abstract class JournaledStore implements LeaseStore {
  protected readonly inner: LeaseStore;
  readonly #journal: Journal;
  readonly #clock: Clock;
  readonly #casCounts = new Map<string, number>();

  protected constructor(inner: LeaseStore, journal: Journal, clock: Clock) {
    this.inner = inner;
    this.#journal = journal;
    this.#clock = clock;
  }

  /** The caller of the store call being made. */
  protected abstract caller(): JournalCaller;

  async read(resource: string): Promise<ReadResult> {
    const read = await this.inner.read(resource);
    const { node, journalReads } = this.caller();
    if (read.kind === 'ok' && journalReads) {
      // Sampled after the read returned and before the client samples its own decision time, so
      // a record claimable at this reading was claimable when the client decided (I-4).
      const wallMs = this.#clock.wallMs();
      const { record, version } = read;
      this.#journal.append({ e: 'read', node, resource, record, version, wallMs });
    }
    return read;
  }

  async compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    const { node, op } = this.caller();
    const id = (this.#casCounts.get(node) ?? 0) + 1;
    this.#casCounts.set(node, id);
    const decidedAtSharedMs = sharedNowMs();
    const wallMs = this.#clock.wallMs();
    this.#journal.append({
      e: 'cas',
      node,
      id,
      resource,
      expectedVersion,
      record,
      event,
      decidedAtSharedMs,
      wallMs,
      op,
    });
    const result = await this.inner.compareAndSet(resource, expectedVersion, record, event);
    const maybeApplied = result.kind === 'unavailable' && result.maybeApplied;
    this.#journal.append({ e: 'casResult', node, id, kind: result.kind, maybeApplied });
    return result;
  }

  list(options?: ListOptions): Promise<ListResult> {
    return this.inner.list(options);
  }

  listByHolder(holder: string, options?: ListOptions): Promise<ListResult> {
    return this.inner.listByHolder(holder, options);
  }

  history(resource: string, options?: HistoryOptions): Promise<HistoryResult> {
    return this.inner.history(resource, options);
  }

  pruneHistory(beforeMs: number): Promise<PruneResult> {
    return this.inner.pruneHistory(beforeMs);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The journaled store of one chaos node: its calls are its own, in the operation it began. */
export class RecordingStore extends JournaledStore {
  readonly #node: string;
  /** Op ids unique across processes and restarts: the process's start instant, then a counter. */
  readonly #opBase: number;
  #ops = 0;
  #op: Op | null = null;

  constructor(inner: LeaseStore, node: string, journal: Journal, clock: Clock) {
    super(inner, journal, clock);
    this.#node = node;
    const nodeIndex = Number(/\d+/.exec(node)?.[0] ?? 0) % OP_NODES;
    const startMs = Math.floor(sharedNowMs()) % OP_START_MODULO_MS;
    this.#opBase = (startMs * OP_NODES + nodeIndex) * OP_COUNTER_MAX;
  }

  protected caller(): JournalCaller {
    return { node: this.#node, op: this.#op, journalReads: true };
  }

  /** The node's workload begins a logical operation: every write until `endOp` carries it. */
  beginOp(kind: OpKind, resource: string, extra: { ttlMs?: number; leaseOp?: number } = {}): Op {
    this.#ops = (this.#ops + 1) % OP_COUNTER_MAX;
    const op: Op = {
      id: this.#opBase + this.#ops,
      kind,
      node: this.#node,
      resource,
      ttlMs: extra.ttlMs ?? null,
      leaseOp: extra.leaseOp ?? null,
      expectedHolder: null,
      requestId: null,
    };
    this.#op = op;
    return op;
  }

  endOp(): void {
    this.#op = null;
  }
}
