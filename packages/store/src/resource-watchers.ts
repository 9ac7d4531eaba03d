import { assert } from '@leasehold/core';
import { WATCHERS_MAX } from './limits.js';

interface Waiter {
  readonly wake: () => void;
}

/**
 * The waiting side of `LeaseStore.watch`, for stores that learn of their own commits: callers wait
 * per resource until `wake(resource)` (a write committed) or their signal aborts. Every waiter is
 * removed when it ends, either way (no leak), and at most `watchersMax` wait at once.
 */
export class ResourceWatchers {
  readonly #waiting = new Map<string, Set<Waiter>>();
  readonly #watchersMax: number;
  #size = 0;

  constructor(watchersMax: number = WATCHERS_MAX) {
    assert(Number.isSafeInteger(watchersMax), 'watchersMax must be an integer');
    assert(watchersMax >= 0 && watchersMax <= WATCHERS_MAX, 'watchersMax within WATCHERS_MAX');
    this.#watchersMax = watchersMax;
  }

  /** Waiters currently registered. */
  get size(): number {
    return this.#size;
  }

  /** Resolves on the next `wake(resource)` or `wakeAll()`, or when `signal` aborts. */
  wait(resource: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#size >= this.#watchersMax) {
        // Full: this watch only ends with its signal, and the caller's own timer paces it.
        signal.addEventListener('abort', () => resolve(), { once: true });
        return;
      }
      const waiters = this.#waiting.get(resource) ?? new Set<Waiter>();
      const waiter: Waiter = {
        wake: () => {
          signal.removeEventListener('abort', waiter.wake);
          if (waiters.delete(waiter)) this.#size -= 1;
          if (waiters.size === 0 && this.#waiting.get(resource) === waiters) {
            this.#waiting.delete(resource);
          }
          resolve();
        },
      };
      waiters.add(waiter);
      this.#waiting.set(resource, waiters);
      this.#size += 1;
      signal.addEventListener('abort', waiter.wake, { once: true });
    });
  }

  /** A write to `resource` committed: every waiter on it resolves. */
  wake(resource: string): void {
    const waiters = this.#waiting.get(resource);
    if (waiters === undefined) return;
    for (const waiter of [...waiters]) waiter.wake();
    assert(!this.#waiting.has(resource), 'woken waiters are removed');
  }

  /** Every record may have changed (a recovery, a close): every waiter resolves. */
  wakeAll(): void {
    for (const resource of [...this.#waiting.keys()]) this.wake(resource);
    assert(this.#size === 0, 'no waiter left after wakeAll');
  }
}
