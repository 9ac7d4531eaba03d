import { assert, type Clock, type Decision, type LeaseRecord } from '@leasehold/core';
import type { LeaseStore, Unavailable } from '@leasehold/store';
import {
  ATTEMPTS_MAX,
  BACKOFF_MS_BASE,
  BACKOFF_MS_MAX,
  KNOWN_RECORDS_MAX,
  RETRIES_CAS_MAX,
} from './limits.js';
import type { ClientUnavailable } from './outcomes.js';

export interface CasLoopOptions {
  readonly store: LeaseStore;
  readonly clock: Clock;
  /** First back-off after the store was unavailable; doubles per attempt up to the max. */
  readonly backoffMsBase?: number;
  readonly backoffMsMax?: number;
  /** Compare-and-set conflicts one operation tolerates before giving up (default RETRIES_CAS_MAX). */
  readonly conflictsMax?: number;
}

/** What one mutation needs besides its decision. */
export interface MutateOptions {
  /** Store round trips (1..ATTEMPTS_MAX). */
  readonly attemptsMax: number;
  /**
   * Once a write's outcome is unknown, retries end when it could no longer matter (the belief it
   * would give has run out): this instant, given the first unknown write's send.
   */
  readonly retryUntilMonoMs?: (firstIndeterminateSendMonoMs: number) => number;
  /** Hears of every write whose outcome is unknown, with its send. */
  readonly onIndeterminate?: (proposed: LeaseRecord, sendMonoMs: number) => void;
  /**
   * The earliest send of an unknown write an earlier call made for the same operation: it moves
   * the belief of a replayed result, never the retry limit (a new call may always try again).
   */
  readonly priorSendMonoMs?: number | null;
  /** Where this mutation reads and writes (default: the loop's store): another view of it. */
  readonly store?: Pick<LeaseStore, 'read' | 'compareAndSet'>;
}

/** What a mutation ends with: the decision's result, and when its write may have been sent. */
export type Settled<R> =
  | {
      readonly kind: 'settled';
      readonly result: R;
      /** Earliest send of an attempt that applied or may have applied; null if none was sent. */
      readonly sendMonoMs: number | null;
      /** Both clocks, read together right before the deciding attempt's write. */
      readonly wallMs: number;
      readonly monoMs: number;
    }
  | ClientUnavailable;

/** A record as this loop last saw it, with its store version. */
interface KnownRecord {
  readonly kind: 'ok';
  readonly record: LeaseRecord | null;
  readonly version: number;
}

/**
 * What this loop knows of a resource: the newest record it saw, and whether it may still write
 * against it. A record found out of date is kept as `stale`, so its version still bars any older
 * reply that comes back later from taking its place. (A store whose versions went back, after a
 * power loss forgot writes, is then only read afresh by every attempt until its versions pass the
 * one kept: more round trips, never a write against the wrong version.)
 */
interface Known {
  readonly known: KnownRecord;
  readonly stale: boolean;
}

/**
 * The one read -> decide -> compare-and-set engine, run by `LeaseClient` and by the lease
 * service alike: each attempt decides on the record as last seen (the pure decision of
 * `@leasehold/core`), and writes it only if nobody wrote since. It remembers the last record it
 * read or wrote per resource and tries its next write against that version directly, so when
 * nobody else wrote in between an operation is one round trip; a conflict means a re-read and a
 * new decision, and a refusal is always answered from a fresh read. A write whose reply was lost
 * is indeterminate: the loop re-reads and retries, and the decision recognises an applied request
 * by its request id (I-8). Bounded: attempts, conflicts, and the back-off between them.
 */
export class CasLoop {
  readonly #store: LeaseStore;
  readonly #clock: Clock;
  readonly #backoffMsBase: number;
  readonly #backoffMsMax: number;
  readonly #conflictsMax: number;
  /** The newest record this loop read or wrote, per resource (bounded: KNOWN_RECORDS_MAX). */
  readonly #known = new Map<string, Known>();

  constructor(options: CasLoopOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#backoffMsBase = options.backoffMsBase ?? BACKOFF_MS_BASE;
    this.#backoffMsMax = options.backoffMsMax ?? BACKOFF_MS_MAX;
    this.#conflictsMax = options.conflictsMax ?? RETRIES_CAS_MAX;
  }

  async mutate<R>(
    resource: string,
    decide: (record: LeaseRecord | null, nowMs: number) => Decision<R>,
    options: MutateOptions,
  ): Promise<Settled<R>> {
    const { attemptsMax, retryUntilMonoMs, onIndeterminate } = options;
    const priorSendMonoMs = options.priorSendMonoMs ?? null;
    const store = options.store ?? this.#store;
    assert(attemptsMax >= 1 && attemptsMax <= ATTEMPTS_MAX, 'attemptsMax within ATTEMPTS_MAX');
    let conflicts = 0;
    let indeterminateSendMonoMs: number | null = null;
    let reason = 'no attempt made';
    for (let attempt = 1; attempt <= attemptsMax; attempt++) {
      if (indeterminateSendMonoMs !== null && retryUntilMonoMs !== undefined) {
        if (this.#clock.monoMs() >= retryUntilMonoMs(indeterminateSendMonoMs)) {
          const why = `${reason}; stopped retrying: the outcome can no longer be used`;
          return { kind: 'unavailable', reason: why, attempts: attempt - 1 };
        }
      }
      const cached = this.#cached(resource);
      const state = cached ?? (await this.#read(store, resource));
      if (state.kind === 'unavailable') {
        reason = `read failed: ${state.reason}`;
        await this.#backoff(attempt, attemptsMax);
        continue;
      }
      // Both clocks are sampled together, right before the write is sent, with no await in
      // between: the expiry the decision writes and the belief the holder keeps start together.
      const wallMs = this.#clock.wallMs();
      const monoMs = this.#clock.monoMs();
      const decision = decide(state.record, wallMs);
      if (decision.write === null) {
        // A refusal is only ever answered from a fresh read, never from what we remembered.
        if (cached !== undefined) {
          this.#forget(resource);
          continue;
        }
        // A result found in the store (a replayed grant) may stem from any write this operation
        // sent, in this call or an earlier one: the belief counts from the earliest such send.
        const sendMonoMs = earliest(indeterminateSendMonoMs, priorSendMonoMs);
        return { kind: 'settled', result: decision.result, sendMonoMs, wallMs, monoMs };
      }
      const { record, event } = decision.write;
      const cas = await store.compareAndSet(resource, state.version, record, event);
      if (cas.kind === 'ok') {
        this.#remember(resource, record, cas.version);
        const sendMonoMs = Math.min(indeterminateSendMonoMs ?? monoMs, monoMs);
        return { kind: 'settled', result: decision.result, sendMonoMs, wallMs, monoMs };
      }
      this.#forget(resource);
      if (cas.kind === 'conflict') {
        conflicts += 1;
        reason = `${conflicts} compare-and-set conflicts (contention)`;
        if (conflicts > this.#conflictsMax)
          return { kind: 'unavailable', reason, attempts: attempt };
        continue;
      }
      reason = `write failed: ${cas.reason}`;
      if (cas.maybeApplied) {
        indeterminateSendMonoMs = Math.min(indeterminateSendMonoMs ?? monoMs, monoMs);
        onIndeterminate?.(record, monoMs);
      }
      await this.#backoff(attempt, attemptsMax);
    }
    return { kind: 'unavailable', reason, attempts: attemptsMax };
  }

  async #read(
    store: Pick<LeaseStore, 'read'>,
    resource: string,
  ): Promise<KnownRecord | Unavailable> {
    const read = await store.read(resource);
    if (read.kind === 'unavailable') return read;
    return this.#remember(resource, read.record, read.version);
  }

  /** The record the next attempt may write against without reading first, if any. */
  #cached(resource: string): KnownRecord | undefined {
    const entry = this.#known.get(resource);
    return entry === undefined || entry.stale ? undefined : entry.known;
  }

  /** The record is out of date: the next attempt reads, and an older reply still cannot enter. */
  #forget(resource: string): void {
    const entry = this.#known.get(resource);
    if (entry !== undefined) this.#known.set(resource, { known: entry.known, stale: true });
  }

  #remember(resource: string, record: LeaseRecord | null, version: number): KnownRecord {
    const known = { kind: 'ok', record, version } as const;
    // Concurrent calls share what is known: a reply that comes back late never replaces a newer
    // record another call has learnt since (versions only grow), even one found out of date
    // meanwhile, or the next attempt would propose against a version already gone.
    const newer = this.#known.get(resource);
    if (newer !== undefined && newer.known.version > version) return known;
    this.#known.delete(resource);
    if (this.#known.size >= KNOWN_RECORDS_MAX) {
      const oldest = this.#known.keys().next();
      if (oldest.done !== true) this.#known.delete(oldest.value);
    }
    this.#known.set(resource, { known, stale: false });
    return known;
  }

  async #backoff(attempt: number, attemptsMax: number): Promise<void> {
    if (attempt >= attemptsMax) return;
    await this.#clock.sleep(Math.min(this.#backoffMsMax, this.#backoffMsBase * 2 ** (attempt - 1)));
  }
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}
