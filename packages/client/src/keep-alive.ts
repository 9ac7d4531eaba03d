import { assert, assertNever, maxAgeEndsAtMs, type Clock } from '@leasehold/core';
import type { LostReason } from './lease-events.js';
import {
  KEEPALIVE_LOSS_LEAD_MS,
  KEEPALIVE_RENEW_FRACTION_DIVISOR,
  KEEPALIVE_RETRY_MS_BASE,
  KEEPALIVE_RETRY_MS_MAX,
  KEEPALIVE_ROUNDS_MAX,
  WAKEUPS_MAX,
} from './limits.js';
import type { Lease, RenewOutcome } from './outcomes.js';

export interface KeepAliveOptions {
  /**
   * Renewals this keep-alive makes at most; then the lease runs out and is lost at its belief end.
   * It renews no more at the lease's own limits either (given at acquire: once the lease has had
   * its `maxRenewals`, or expires at its `maxAgeMs`), where a renewal would be refused or extend
   * nothing.
   */
  readonly maxRenewals?: number;
  /** Aborting it stops the keep-alive, as `stop()` does. */
  readonly signal?: AbortSignal;
}

/** How a keep-alive ended. */
export type KeepAliveEnd =
  | { readonly kind: 'stopped'; readonly lease: Lease; readonly renewals: number }
  | {
      readonly kind: 'lost';
      readonly lease: Lease;
      readonly renewals: number;
      readonly reason: LostReason;
      /** The renewal's answer when one ended it; null when the belief ran out. */
      readonly outcome: RenewOutcome | null;
    };

/** A running keep-alive of one lease. */
export interface KeepAlive {
  /** Aborted (reason: a `LeaseEndedError`) when the lease is lost, at its belief end at the latest, or on stop. */
  readonly signal: AbortSignal;
  /** The latest lease: the one given, or the last renewal's. */
  current(): Lease;
  /** Ends renewals without releasing (and aborts `signal`: nobody watches the belief any more). */
  stop(): Promise<void>;
  readonly done: Promise<KeepAliveEnd>;
}

/** The abort reason of a keep-alive's signal. */
export class LeaseEndedError extends Error {
  override readonly name = 'LeaseEndedError';
  constructor(readonly end: KeepAliveEnd) {
    super(
      end.kind === 'lost'
        ? `lease on ${JSON.stringify(end.lease.resource)} (token ${end.lease.token}) lost: ${end.reason}`
        : `keep-alive of ${JSON.stringify(end.lease.resource)} (token ${end.lease.token}) stopped`,
    );
  }
}

/** What a keep-alive needs of its client. */
export interface KeepAliveHost {
  readonly clock: Clock;
  renew(lease: Lease): Promise<RenewOutcome>;
  /** Hears how the keep-alive ended, once, after its signal was aborted. */
  ended(loop: KeepAliveLoop, end: KeepAliveEnd): void;
}

const ENDED = Symbol('ended');
const BELIEF_ENDED = Symbol('belief ended');
/**
 * Why a sleep that lost its race is aborted: given, so no abort builds a DOMException (and its
 * stack) every time a keep-alive wakes.
 */
const SLEEP_UNNEEDED = 'the keep-alive no longer waits for this sleep';

/**
 * Renews a lease about every third of its TTL on the monotonic clock, and gives it up no later than
 * its belief end (spec/README.md, "Why belief is safe"): a renewal that hangs is raced against that
 * instant. `Clock.sleep` cannot be cancelled, so every wait is raced against the end of the loop,
 * and a sleep that resolves after the end finds the loop over and does nothing.
 */
export class KeepAliveLoop implements KeepAlive {
  readonly done: Promise<KeepAliveEnd>;
  readonly #host: KeepAliveHost;
  readonly #controller = new AbortController();
  readonly #maxRenewals: number;
  readonly #callerSignal: AbortSignal | null;
  readonly #ended: Promise<typeof ENDED>;
  #markEnded: () => void = () => {};
  #resolveDone: (end: KeepAliveEnd) => void = () => {};
  #end: KeepAliveEnd | null = null;
  #lease: Lease;
  #renewals = 0;

  constructor(lease: Lease, options: KeepAliveOptions, host: KeepAliveHost) {
    const maxRenewals = options.maxRenewals ?? Infinity;
    assert(maxRenewals >= 0, 'keepAlive maxRenewals must not be negative');
    assert(
      maxRenewals === Infinity || Number.isSafeInteger(maxRenewals),
      'keepAlive maxRenewals must be an integer',
    );
    this.#lease = lease;
    this.#host = host;
    this.#maxRenewals = maxRenewals;
    this.#callerSignal = options.signal ?? null;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#ended = new Promise((resolve) => (this.#markEnded = () => resolve(ENDED)));
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  current(): Lease {
    return this.#lease;
  }

  async stop(): Promise<void> {
    this.#finish({ kind: 'stopped', lease: this.#lease, renewals: this.#renewals });
  }

  /** Starts the loop (after the host registered it, so an immediate end unregisters it). */
  start(): void {
    if (this.#callerSignal?.aborted === true) {
      void this.stop();
      return;
    }
    this.#callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    void this.#run();
  }

  readonly #onCallerAbort = (): void => {
    void this.stop();
  };

  async #run(): Promise<void> {
    let renewAtMonoMs = this.#renewAt(this.#host.clock.monoMs());
    let failures = 0;
    for (let round = 0; round < KEEPALIVE_ROUNDS_MAX; round++) {
      if (!(await this.#sleepUntil(renewAtMonoMs))) return;
      const outcome = await this.#renewBeforeBeliefEnd();
      if (outcome === null) return;
      const nowMs = this.#host.clock.monoMs();
      switch (outcome.kind) {
        case 'renewed':
          this.#lease = outcome.lease;
          this.#renewals += 1;
          failures = 0;
          renewAtMonoMs = this.#renewAt(nowMs);
          break;
        case 'unavailable':
          // Unknown outcome: keep trying while the belief lasts (#sleepUntil ends it there).
          failures += 1;
          renewAtMonoMs = nowMs + retryDelayMs(failures);
          break;
        case 'notHolder':
        case 'expired':
        case 'maxRenewalsReached':
        case 'invalid':
          this.#lose(outcome.kind, outcome);
          return;
        default:
          assertNever(outcome, 'renew outcome');
      }
    }
    // Out of rounds: renew no more; the lease runs out at its belief end.
    await this.#sleepUntil(Infinity);
  }

  /**
   * When to renew a lease obtained at `obtainedMonoMs`: never past this call's maxRenewals, nor
   * past the lease's own limits.
   */
  #renewAt(obtainedMonoMs: number): number {
    if (this.#renewals >= this.#maxRenewals || atOwnLimit(this.#lease)) return Infinity;
    return obtainedMonoMs + Math.floor(this.#lease.ttlMs / KEEPALIVE_RENEW_FRACTION_DIVISOR);
  }

  /**
   * Waits until `targetMonoMs`, or less: answers true when it is time to renew, false when the
   * loop ended (stopped, or the belief ran out first, which ends it here as lost).
   */
  async #sleepUntil(targetMonoMs: number): Promise<boolean> {
    for (let wakeup = 0; wakeup < WAKEUPS_MAX; wakeup++) {
      if (this.#end !== null) return false;
      const nowMs = this.#host.clock.monoMs();
      const beliefEndMs = this.#lossAtMonoMs();
      if (nowMs >= beliefEndMs) {
        this.#lose('beliefEnded', null);
        return false;
      }
      if (nowMs >= targetMonoMs) return true;
      const waitMs = Math.min(targetMonoMs, beliefEndMs) - nowMs;
      // The sleep that loses the race is aborted: it leaves no timer (or simulated wake-up) behind.
      const sleeping = new AbortController();
      const woke = await Promise.race([
        this.#host.clock.sleep(waitMs, sleeping.signal),
        this.#ended,
      ]);
      sleeping.abort(SLEEP_UNNEEDED);
      if (woke === ENDED) return false;
    }
    return this.#end === null;
  }

  /** One renewal, raced against the belief end (a hung store must not outlive the belief). */
  async #renewBeforeBeliefEnd(): Promise<RenewOutcome | null> {
    const lease = this.#lease;
    const leftMs = this.#lossAtMonoMs() - this.#host.clock.monoMs();
    if (leftMs <= 0) {
      this.#lose('beliefEnded', null);
      return null;
    }
    const sleeping = new AbortController();
    const beliefEnd = this.#host.clock
      .sleep(leftMs, sleeping.signal)
      .then((): typeof BELIEF_ENDED => BELIEF_ENDED);
    const got = await Promise.race([this.#host.renew(lease), beliefEnd, this.#ended]);
    if (got !== BELIEF_ENDED) sleeping.abort(SLEEP_UNNEEDED);
    if (got === ENDED || this.#end !== null) return null;
    if (got === BELIEF_ENDED) {
      this.#lose('beliefEnded', null);
      return null;
    }
    return got;
  }

  /**
   * When the lease is given up for good: just before its belief end (`validUntilMonoMs` is the
   * first instant the holder must no longer act), so the signal is aborted by then, not at it.
   */
  #lossAtMonoMs(): number {
    return this.#lease.validUntilMonoMs - KEEPALIVE_LOSS_LEAD_MS;
  }

  #lose(reason: LostReason, outcome: RenewOutcome | null): void {
    const lease = this.#lease;
    this.#finish({ kind: 'lost', lease, renewals: this.#renewals, reason, outcome });
  }

  #finish(end: KeepAliveEnd): void {
    if (this.#end !== null) return;
    this.#end = end;
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    // The holder stops acting first; then everyone else hears of it.
    this.#controller.abort(new LeaseEndedError(end));
    this.#markEnded();
    this.#host.ended(this, end);
    this.#resolveDone(end);
  }
}

/**
 * The lease has had the renewals its own limit allows, or expires at its maximum age: a renewal
 * would be refused, or extend nothing.
 */
function atOwnLimit(lease: Lease): boolean {
  if (lease.maxRenewals !== null && lease.renewals >= lease.maxRenewals) return true;
  const ageEndsAtMs = maxAgeEndsAtMs(lease);
  return ageEndsAtMs !== null && lease.expiresAtMs >= ageEndsAtMs;
}

function retryDelayMs(failures: number): number {
  return Math.min(
    KEEPALIVE_RETRY_MS_MAX,
    KEEPALIVE_RETRY_MS_BASE * 2 ** Math.min(failures - 1, 30),
  );
}
