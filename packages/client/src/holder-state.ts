import { assert, type Clock } from '@leasehold/core';
import { HeldLeases } from './held-leases.js';
import {
  KeepAliveLoop,
  type KeepAlive,
  type KeepAliveEnd,
  type KeepAliveOptions,
} from './keep-alive.js';
import {
  LeaseEvents,
  type LeaseEventName,
  type LeaseListener,
  type ListenerErrorHandler,
} from './lease-events.js';
import { KEEPALIVES_MAX } from './limits.js';
import type { AcquireOutcome, Lease, ReleaseOutcome, RenewOutcome } from './outcomes.js';
import { releaseAll, type ReleaseAllOutcome } from './release-all.js';

/**
 * The holder's side of a client, whatever carries its requests: the events it emits, the leases
 * it holds (the gate of `holds`, the list `releaseAll` works through) and its running keep-alives.
 * `LeaseClient` and `HttpLeaseClient` each tell it what their calls answered.
 */
export class HolderState {
  readonly #holder: string;
  readonly #clock: Clock;
  readonly #events: LeaseEvents;
  readonly #held = new HeldLeases();
  readonly #keepAlives = new Set<KeepAliveLoop>();

  constructor(holder: string, clock: Clock, onListenerError: ListenerErrorHandler) {
    this.#holder = holder;
    this.#clock = clock;
    this.#events = new LeaseEvents(onListenerError);
  }

  on<E extends LeaseEventName>(event: E, listener: LeaseListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  /** An acquire answered: a grant is held from now on, and heard of. */
  acquired(outcome: AcquireOutcome): AcquireOutcome {
    if (outcome.kind !== 'granted') return outcome;
    const { lease } = outcome;
    this.#held.note(lease, this.#clock.monoMs(), true);
    this.#events.emit('granted', {
      resource: lease.resource,
      holder: lease.holder,
      token: lease.token,
      lease,
    });
    return outcome;
  }

  /** An acquire was answered `held` (once per call). */
  conflict(
    resource: string,
    held: Extract<AcquireOutcome, { kind: 'held' }>,
    waiting: boolean,
  ): void {
    this.#events.emit('conflict', {
      resource,
      holder: this.#holder,
      heldBy: held.holder,
      token: held.token,
      expiresAtMs: held.expiresAtMs,
      retryAfterMs: held.retryAfterMs,
      waiting,
    });
  }

  renewed(lease: Lease): void {
    this.#held.note(lease, this.#clock.monoMs());
    this.#events.emit('renewed', {
      resource: lease.resource,
      holder: lease.holder,
      token: lease.token,
      lease,
    });
  }

  released(lease: Lease, replayed: boolean): void {
    this.#held.forget(lease.resource, lease.token);
    const { resource, holder, token } = lease;
    this.#events.emit('released', { resource, holder, token, replayed });
  }

  /** A release of `lease` is about to be sent: `holds` says no from now on (it may apply). */
  releaseSent(lease: Lease): void {
    this.#held.releasing(lease.resource, lease.token);
  }

  /** `resource` is no longer held under `token` (or any lower one). */
  forget(resource: string, token: number): void {
    this.#held.forget(resource, token);
  }

  keepAlive(
    lease: Lease,
    options: KeepAliveOptions,
    renew: (lease: Lease) => Promise<RenewOutcome>,
  ): KeepAlive {
    assert(this.#keepAlives.size < KEEPALIVES_MAX, `more than ${KEEPALIVES_MAX} keep-alives`);
    const loop = new KeepAliveLoop(lease, options, {
      clock: this.#clock,
      renew,
      ended: (ended, end) => this.#keepAliveEnded(ended, end),
    });
    this.#keepAlives.add(loop);
    loop.start();
    return loop;
  }

  #keepAliveEnded(loop: KeepAliveLoop, end: KeepAliveEnd): void {
    this.#keepAlives.delete(loop);
    if (end.kind !== 'lost') return;
    const { resource, holder, token } = end.lease;
    this.#events.emit('lost', {
      resource,
      holder,
      token,
      reason: end.reason,
      renewals: end.renewals,
    });
  }

  /** Graceful shutdown (see `releaseAll`): this client's keep-alives and held leases. */
  releaseAll(release: (lease: Lease) => Promise<ReleaseOutcome>): Promise<ReleaseAllOutcome> {
    return releaseAll({
      keepAlives: () => [...this.#keepAlives],
      held: () => this.#held.all(),
      release,
    });
  }

  holds(resource: string): boolean {
    return this.#held.believed(resource, this.#clock.monoMs()) !== null;
  }

  believes(lease: Lease): boolean {
    return this.#clock.monoMs() < lease.validUntilMonoMs;
  }

  timeLeftMs(lease: Lease): number {
    return Math.max(0, lease.validUntilMonoMs - this.#clock.monoMs());
  }
}
