import { assert } from '@leasehold/core';
import { LISTENERS_MAX } from './limits.js';
import type { Lease } from './outcomes.js';

/** Why a keep-alive gave a lease up (see keep-alive.ts). */
export type LostReason = 'beliefEnded' | 'notHolder' | 'expired' | 'maxRenewalsReached' | 'invalid';

/** The events a client emits, by name, with their payloads. `holder` is always this client's. */
export interface LeaseEventMap {
  /** An acquire was granted (also a replayed grant found by a retry with the same request id). */
  readonly granted: {
    readonly resource: string;
    readonly holder: string;
    readonly token: number;
    readonly lease: Lease;
  };
  readonly renewed: {
    readonly resource: string;
    readonly holder: string;
    readonly token: number;
    readonly lease: Lease;
  };
  readonly released: {
    readonly resource: string;
    readonly holder: string;
    readonly token: number;
    /** True when the lease had already been released by an earlier try of this release. */
    readonly replayed: boolean;
  };
  /** A keep-alive stopped believing: the holder must stop acting as owner (it already has). */
  readonly lost: {
    readonly resource: string;
    readonly holder: string;
    readonly token: number;
    readonly reason: LostReason;
    readonly renewals: number;
  };
  /** An acquire was answered `held` (once per acquire call; `waiting` if it goes on waiting). */
  readonly conflict: {
    readonly resource: string;
    readonly holder: string;
    readonly heldBy: string;
    readonly token: number;
    readonly expiresAtMs: number;
    readonly retryAfterMs: number;
    readonly waiting: boolean;
  };
}

export type LeaseEventName = keyof LeaseEventMap;
export type LeaseListener<E extends LeaseEventName> = (payload: LeaseEventMap[E]) => void;
/** Hears an exception a listener threw; the client itself carries on. */
export type ListenerErrorHandler = (error: unknown, event: LeaseEventName) => void;

type Listeners = { [E in LeaseEventName]: Set<LeaseListener<E>> };

/**
 * A small typed emitter. Listeners run synchronously, in the order they subscribed, on a copy of
 * the list (one may unsubscribe another). A listener that throws never breaks the operation that
 * emitted: its exception goes to `onListenerError`.
 */
export class LeaseEvents {
  readonly #listeners: Listeners = {
    granted: new Set(),
    renewed: new Set(),
    released: new Set(),
    lost: new Set(),
    conflict: new Set(),
  };
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes `listener` to `event`; the returned function unsubscribes it. */
  on<E extends LeaseEventName>(event: E, listener: LeaseListener<E>): () => void {
    const listeners = this.#listeners[event] as Set<LeaseListener<E>>;
    assert(listeners.size < LISTENERS_MAX, `more than ${LISTENERS_MAX} listeners on ${event}`);
    // A wrapper, so the same function subscribed twice is two subscriptions, each removable.
    const entry: LeaseListener<E> = (payload) => listener(payload);
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
    };
  }

  emit<E extends LeaseEventName>(event: E, payload: LeaseEventMap[E]): void {
    const listeners = this.#listeners[event] as Set<LeaseListener<E>>;
    if (listeners.size === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener(payload);
      } catch (error) {
        this.#reportListenerError(error, event);
      }
    }
  }

  listenerCount(event: LeaseEventName): number {
    return this.#listeners[event].size;
  }

  #reportListenerError(error: unknown, event: LeaseEventName): void {
    try {
      this.#onListenerError(error, event);
    } catch {
      // The error handler itself failed: nothing left to tell, and the client must go on.
    }
  }
}

/** The default handler: a process warning, so a broken listener is seen but stops nothing. */
export function warnListenerError(error: unknown, event: LeaseEventName): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.emitWarning(
    `a '${event}' listener of a LeaseClient threw: ${detail}`,
    'LeaseholdWarning',
  );
}
