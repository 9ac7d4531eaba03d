import type { LeaseRecord } from '@leasehold/core';
import { QUERY_STATES_MAX } from './limits.js';

/** A query in flight: what the store held when it was sent, and where the timeline stood. */
export interface QueryWindow {
  readonly id: number;
  /** The timeline's position when the query was sent: later states count. */
  readonly fromSeq: number;
  /** Each resource's record when the query was sent (absent: no record). */
  readonly opened: ReadonlyMap<string, LeaseRecord | null>;
  /** Power losses and history prunes so far: a history answer is judged only if none came since. */
  readonly historyEpoch: number;
}

/**
 * Every state the store's records went through while a query was in flight, as the world read
 * them back after each applied write and each power loss: a listing or a status answer must show,
 * for each resource, one of the states it held between the query's send and its answer (a read is
 * linearizable). Only states newer than the oldest open query are kept, at most QUERY_STATES_MAX.
 */
export class StoreStates {
  #seq = 0;
  #nextId = 0;
  #log: { readonly seq: number; readonly resource: string; readonly record: LeaseRecord | null }[] =
    [];
  /** Open queries by id: the position each was opened at. */
  readonly #open = new Map<number, number>();
  /** The oldest position the log still covers in full. */
  #coveredFromSeq = 0;
  #historyEpoch = 0;

  /** The store now holds `record` for `resource`. */
  note(resource: string, record: LeaseRecord | null): void {
    this.#seq += 1;
    if (this.#open.size === 0) {
      this.#coveredFromSeq = this.#seq;
      return;
    }
    this.#log.push({ seq: this.#seq, resource, record });
    if (this.#log.length > QUERY_STATES_MAX) {
      const dropped = this.#log.shift()!;
      this.#coveredFromSeq = dropped.seq;
    }
  }

  /** The history changed other than by a write: a power loss forgot events, or a prune ran. */
  historyRewritten(): void {
    this.#historyEpoch += 1;
  }

  open(records: ReadonlyMap<string, LeaseRecord | null>): QueryWindow {
    const id = ++this.#nextId;
    this.#open.set(id, this.#seq);
    return { id, fromSeq: this.#seq, opened: records, historyEpoch: this.#historyEpoch };
  }

  close(window: QueryWindow): void {
    this.#open.delete(window.id);
    const oldest = Math.min(...this.#open.values());
    this.#log = this.#open.size === 0 ? [] : this.#log.filter((entry) => entry.seq > oldest);
  }

  /**
   * The states `resource` held while the query was in flight, oldest first, or null when the log
   * no longer covers the whole window (too many writes while it was open).
   */
  statesDuring(window: QueryWindow, resource: string): (LeaseRecord | null)[] | null {
    if (window.fromSeq < this.#coveredFromSeq) return null;
    const states = [window.opened.get(resource) ?? null];
    for (const entry of this.#log)
      if (entry.seq > window.fromSeq && entry.resource === resource) states.push(entry.record);
    return states;
  }

  /** Whether the store applied a write since the query was sent. */
  writtenSince(window: QueryWindow): boolean {
    return this.#seq > window.fromSeq;
  }

  /** Whether a history answer can be judged against the store's history now. */
  historyUnchanged(window: QueryWindow): boolean {
    return window.historyEpoch === this.#historyEpoch;
  }
}
