import type { Clock } from '@leasehold/core';
import type { LeaseStore } from '@leasehold/store';
import { HISTORY_PAGE_LIMIT, HISTORY_PAGES_MAX, PROGRESS_POLL_MS } from './limits';

/** How much work a quota run has done, as the stores themselves hold it. */
export interface Progress {
  readonly grants: number;
  readonly fencedAccepted: number;
}

/**
 * A quota run's progress, read back from the stores, never from what nodes say they did (the
 * checker's rule, CONSTRAINTS.md C-10): grants in the store's history, read on from the last event
 * seen, and the writes the fenced resource accepted. A read that fails (an etcd member down)
 * leaves the last figures in place and the next poll tries again.
 */
export class QuotaProgress {
  readonly #store: LeaseStore;
  readonly #resources: readonly string[];
  readonly #countAccepted: () => Promise<number>;
  readonly #clock: Clock;
  readonly #afterSeq = new Map<string, number>();
  #last: Progress = { grants: 0, fencedAccepted: 0 };

  constructor(
    store: LeaseStore,
    resources: readonly string[],
    countAccepted: () => Promise<number>,
    clock: Clock,
  ) {
    this.#store = store;
    this.#resources = resources;
    this.#countAccepted = countAccepted;
    this.#clock = clock;
  }

  /** The figures of the last poll. */
  get last(): Progress {
    return this.#last;
  }

  async read(): Promise<Progress> {
    let grants = this.#last.grants;
    for (const resource of this.#resources) grants += await this.#newGrants(resource);
    let fencedAccepted = this.#last.fencedAccepted;
    try {
      fencedAccepted = await this.#countAccepted();
    } catch {
      // Unreachable for now (a member down): the next poll reads it again.
    }
    this.#last = { grants, fencedAccepted };
    return this.#last;
  }

  /** Polls until `reached` holds (returns what it saw) or `capMonoMs` passes (returns null). */
  async waitFor(
    reached: (progress: Progress) => boolean,
    capMonoMs: number,
  ): Promise<Progress | null> {
    for (;;) {
      const progress = await this.read();
      if (reached(progress)) return progress;
      const leftMs = capMonoMs - this.#clock.monoMs();
      if (leftMs <= 0) return null;
      await this.#clock.sleep(Math.min(PROGRESS_POLL_MS, leftMs));
    }
  }

  async #newGrants(resource: string): Promise<number> {
    let grants = 0;
    for (let page = 0; page < HISTORY_PAGES_MAX; page++) {
      const afterSeq = this.#afterSeq.get(resource) ?? 0;
      const read = await this.#store.history(resource, { afterSeq, limit: HISTORY_PAGE_LIMIT });
      if (read.kind !== 'ok') break;
      for (const event of read.events) if (event.kind === 'granted') grants += 1;
      const lastEvent = read.events.at(-1);
      if (lastEvent !== undefined) this.#afterSeq.set(resource, lastEvent.seq);
      if (read.events.length < HISTORY_PAGE_LIMIT) break;
    }
    return grants;
  }
}

export function quotaMet(progress: Progress, grantsQuota: number): boolean {
  return progress.grants >= grantsQuota && progress.fencedAccepted >= grantsQuota;
}

/** What a quota run got done, against its quota. */
export function describeProgress(
  progress: Progress,
  grantsQuota: number,
  kills: number,
  killsPlanned: number,
): string {
  return (
    `${progress.grants}/${grantsQuota} grants, ${progress.fencedAccepted}/${grantsQuota} ` +
    `fenced writes accepted, ${kills}/${killsPlanned} kills`
  );
}
