import { assert, type Clock } from '@leasehold/core';

interface Sleeper {
  readonly wakeAtMonoMs: number;
  readonly order: number;
  readonly wake: () => void;
}

/**
 * A clock that moves only when a test tells it to (CONSTRAINTS.md C-11: tests of lease logic move
 * time with a test clock, never by sleeping). `advance` moves both clocks and wakes due sleepers in
 * order; `jumpWall` moves the wall clock alone, the way NTP steps it.
 */
export class ManualClock implements Clock {
  #wallMs: number;
  #monoMs: number;
  #sleepers: Sleeper[] = [];
  #order = 0;

  constructor(startWallMs = 1_700_000_000_000, startMonoMs = 0) {
    this.#wallMs = startWallMs;
    this.#monoMs = startMonoMs;
  }

  wallMs(): number {
    return this.#wallMs;
  }

  monoMs(): number {
    return this.#monoMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    assert(
      Number.isFinite(ms) && ms >= 0,
      `sleep needs a finite, non-negative duration (got ${ms})`,
    );
    return new Promise((wake) => {
      if (signal?.aborted === true) return wake();
      const sleeper = { wakeAtMonoMs: this.#monoMs + ms, order: this.#order++, wake };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          wake();
        },
        { once: true },
      );
    });
  }

  /** Moves both clocks forward and wakes every sleeper that is due. */
  advance(ms: number): void {
    assert(
      Number.isFinite(ms) && ms >= 0,
      `advance needs a finite, non-negative duration (got ${ms})`,
    );
    this.#wallMs += ms;
    this.#monoMs += ms;
    const due = this.#sleepers
      .filter((s) => s.wakeAtMonoMs <= this.#monoMs)
      .sort((a, b) => a.wakeAtMonoMs - b.wakeAtMonoMs || a.order - b.order);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAtMonoMs > this.#monoMs);
    for (const sleeper of due) sleeper.wake();
  }

  /** Steps the wall clock alone (either direction); the monotonic clock is untouched. */
  jumpWall(ms: number): void {
    this.#wallMs += ms;
  }

  /** Sleepers not yet woken. */
  pendingSleeps(): number {
    return this.#sleepers.length;
  }
}
