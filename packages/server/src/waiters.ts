import { assert } from '@leasehold/core';
import { WAITERS_MAX } from './limits.js';

/** Why a wait ended: a change to the resource, its time ran out, or the service is closing. */
export type WaitEnd = 'woken' | 'timeout' | 'closing';

export interface WaitTimer {
  /** Resolves after `ms` on the service's clock, or when `signal` aborts (then it is cleared). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

interface Waiter {
  readonly end: (why: WaitEnd) => void;
}

/**
 * Acquires waiting for a lease, per resource. A release, force-release or expiry through this
 * service wakes that resource's waiters at once (a hand-off, not a poll); a wait also ends at its
 * timeout, and every wait ends with `closing` when the service shuts down. Bounded: past
 * WAITERS_MAX a new wait is refused.
 */
export class Waiters {
  readonly #timer: WaitTimer;
  readonly #byResource = new Map<string, Set<Waiter>>();
  #count = 0;
  #closing = false;

  constructor(timer: WaitTimer) {
    this.#timer = timer;
  }

  get count(): number {
    return this.#count;
  }

  /** Null when the service is closing or too many acquires wait already. */
  wait(resource: string, timeoutMs: number): Promise<WaitEnd> | null {
    if (this.#closing || this.#count >= WAITERS_MAX) return null;
    assert(Number.isFinite(timeoutMs) && timeoutMs >= 0, 'a wait needs a non-negative timeout');
    const timeout = new AbortController();
    return new Promise<WaitEnd>((resolve) => {
      let set = this.#byResource.get(resource);
      if (set === undefined) {
        set = new Set();
        this.#byResource.set(resource, set);
      }
      const waiters = set;
      const waiter: Waiter = {
        end: (why) => {
          if (!waiters.delete(waiter)) return;
          this.#count -= 1;
          if (waiters.size === 0 && this.#byResource.get(resource) === waiters) {
            this.#byResource.delete(resource);
          }
          // With a reason: a bare abort() builds a DOMException (and its stack) per wait.
          timeout.abort(why);
          resolve(why);
        },
      };
      waiters.add(waiter);
      this.#count += 1;
      void this.#timer.sleep(timeoutMs, timeout.signal).then(() => waiter.end('timeout'));
    });
  }

  /** Wakes every acquire waiting for `resource`. */
  wake(resource: string): void {
    const waiters = this.#byResource.get(resource);
    if (waiters === undefined) return;
    for (const waiter of [...waiters]) waiter.end('woken');
  }

  /** Resources some acquire waits for (for a poll of changes made by other processes). */
  resources(): string[] {
    return [...this.#byResource.keys()];
  }

  /** Ends every wait with `closing` and refuses new ones. */
  close(): void {
    this.#closing = true;
    for (const waiters of [...this.#byResource.values()]) {
      for (const waiter of [...waiters]) waiter.end('closing');
    }
  }
}
