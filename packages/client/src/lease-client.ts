import {
  DEFAULT_CONFIG,
  assert,
  beliefDurationMs,
  beliefEndsAtMonoFromWallMs,
  beliefEndsAtMonoMs,
  checkAcquireRequest,
  checkExpireRequest,
  checkForceReleaseRequest,
  checkReleaseRequest,
  checkRenewRequest,
  decideAcquire,
  decideExpire,
  decideForceRelease,
  decideRelease,
  decideRenew,
  type Clock,
  type Decision,
  type LeaseConfig,
  type LeaseGrant,
  type LeaseRecord,
} from '@leasehold/core';
import type { LeaseStore, Unavailable } from '@leasehold/store';
import { acquireAll, type AcquireAllOptions, type AcquireAllOutcome } from './acquire-all.js';
import { attemptsBudget, type BudgetOptions } from './attempts-budget.js';
import { forceClaim, type ForceClaimOptions, type ForceClaimOutcome } from './force-claim.js';
import { HolderState } from './holder-state.js';
import { randomIds, type IdSource } from './ids.js';
import type { LeaseClientApi } from './lease-client-api.js';
import type { KeepAlive, KeepAliveOptions } from './keep-alive.js';
import {
  warnListenerError,
  type LeaseEventName,
  type LeaseListener,
  type ListenerErrorHandler,
} from './lease-events.js';
import {
  ACQUIRE_POLL_MS_MAX,
  ACQUIRE_ROUNDS_MAX,
  ATTEMPTS_MAX,
  BACKOFF_MS_BASE,
  BACKOFF_MS_MAX,
  KNOWN_RECORDS_MAX,
  RETRIES_CAS_MAX,
  UNCERTAIN_ACQUIRES_MAX,
} from './limits.js';
import {
  withLease,
  type LeaseScope,
  type WithLeaseOptions,
  type WithLeaseResult,
} from './with-lease.js';
import type {
  AcquireOutcome,
  ClientUnavailable,
  ExpireOutcome,
  ForceReleaseOutcome,
  Lease,
  ReleaseOutcome,
  RenewOutcome,
} from './outcomes.js';

export interface LeaseClientOptions {
  readonly store: LeaseStore;
  readonly clock: Clock;
  /** This node's holder id. */
  readonly holder: string;
  /** A configuration from `resolveConfig`; defaults to DEFAULT_CONFIG. */
  readonly config?: LeaseConfig;
  /** Request ids and owner keys; defaults to random UUIDs. */
  readonly ids?: IdSource;
  /**
   * The pure decisions the client runs; defaults to `@leasehold/core`'s. Replacing one is how the
   * simulator's bug zoo builds deliberately broken clients, and how a user can try a decision rule
   * under the harness before changing the core. Production code leaves this alone.
   */
  readonly decisions?: Partial<LeaseDecisions>;
  /** Hears exceptions thrown by event listeners; defaults to a process warning. */
  readonly onListenerError?: ListenerErrorHandler;
}

/** The decision functions a client runs (all pure; see `@leasehold/core`). */
export interface LeaseDecisions {
  readonly acquire: typeof decideAcquire;
  readonly renew: typeof decideRenew;
  readonly release: typeof decideRelease;
  readonly forceRelease: typeof decideForceRelease;
  readonly expire: typeof decideExpire;
}

const CORE_DECISIONS: LeaseDecisions = {
  acquire: decideAcquire,
  renew: decideRenew,
  release: decideRelease,
  forceRelease: decideForceRelease,
  expire: decideExpire,
};

export interface AcquireOptions {
  readonly ttlMs?: number;
  /** Reuse an id to make a retried call idempotent across calls (I-8). */
  readonly requestId?: string;
  /**
   * Block up to this long (monotonic ms) while the lease is held by someone else. 0: do not wait.
   * With a store that can watch, a release is taken over at once; else the wait sleeps until the
   * lease could be claimable (or ACQUIRE_POLL_MS_MAX) and looks again.
   */
  readonly waitMs?: number;
  /** Store round trips per attempt (1..ATTEMPTS_MAX; see BudgetOptions). */
  readonly attemptsMax?: number;
}

/** What #mutate needs besides the decision (see there). */
interface MutateOptions {
  readonly attemptsMax: number;
  readonly retryUntilMonoMs?: (firstIndeterminateSendMonoMs: number) => number;
  readonly onIndeterminate?: (proposed: LeaseRecord, sendMonoMs: number) => void;
  readonly priorSendMonoMs?: number | null;
}

/** What a mutation loop ends with: the decision's result, and when its write may have been sent. */
type Settled<R> =
  | {
      readonly kind: 'settled';
      readonly result: R;
      /** Earliest send of an attempt that applied or may have applied; null if none was sent. */
      readonly sendMonoMs: number | null;
      readonly wallMs: number;
      readonly monoMs: number;
    }
  | ClientUnavailable;

/** A record as this client last saw it, with its store version. */
interface KnownRecord {
  readonly kind: 'ok';
  readonly record: LeaseRecord | null;
  readonly version: number;
}

/**
 * The lease client: each operation is read -> pure decision -> compare-and-set, retried within a
 * bounded budget. The client remembers the last record it read or wrote per resource and tries its
 * next write against that version directly, so when nobody else wrote in between (the usual case
 * for renew and release) an operation is one round trip; a conflict means a re-read and a new
 * decision, and a refusal is always answered from a fresh read. A lost reply or timeout is indeterminate: the client re-reads and retries with
 * the same request id, and the core recognises an already-applied request (I-8). Belief is
 * measured from when the successful request was sent, never from when the reply arrived.
 */
export class LeaseClient implements LeaseClientApi {
  readonly holder: string;
  readonly config: LeaseConfig;
  readonly #store: LeaseStore;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #decide: LeaseDecisions;
  /** The last record this client read or wrote, per resource (bounded; see #mutate). */
  readonly #known = new Map<string, KnownRecord>();
  /**
   * Acquires with a write whose outcome is unknown, by request id: the owner key (a retry under
   * the same id must present it), the lowest token such a write proposed (I-8), and the earliest
   * monotonic send of such a write: if a later call under the same id finds the grant applied,
   * the belief counts from that send, not from the later call's. Bounded.
   */
  readonly #uncertain = new Map<
    string,
    { readonly ownerKey: string; uncertainToken: number; sendMonoMs: number }
  >();
  /** Events, the leases this client holds as its own calls left them, its keep-alives. */
  readonly #state: HolderState;

  constructor(options: LeaseClientOptions) {
    this.holder = options.holder;
    this.config = options.config ?? DEFAULT_CONFIG;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ids = options.ids ?? randomIds();
    this.#decide = { ...CORE_DECISIONS, ...options.decisions };
    this.#state = new HolderState(
      options.holder,
      options.clock,
      options.onListenerError ?? warnListenerError,
    );
  }

  /** Subscribes to a client event (granted, renewed, released, lost, conflict); returns unsubscribe. */
  on<E extends LeaseEventName>(event: E, listener: LeaseListener<E>): () => void {
    return this.#state.on(event, listener);
  }

  /** Acquires `resource`; with `waitMs`, waits for the holder's lease to become claimable. */
  async acquire(resource: string, options: AcquireOptions = {}): Promise<AcquireOutcome> {
    const requestId = options.requestId ?? this.#ids.requestId();
    const request = {
      resource,
      holder: this.holder,
      requestId,
      ownerKey: this.#uncertain.get(requestId)?.ownerKey ?? this.#ids.ownerKey(),
      ttlMs: options.ttlMs ?? this.config.ttlMsDefault,
    };
    // Bad input is refused before any store call: the store never sees a name it cannot hold.
    const invalid = checkAcquireRequest(request, this.config);
    if (invalid !== null) return invalid;
    const attemptsMax = attemptsBudget(options);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const waitMs = options.waitMs ?? 0;
    const deadlineMonoMs = this.#clock.monoMs() + waitMs;
    for (let round = 0; round < ACQUIRE_ROUNDS_MAX; round++) {
      // Watch before reading: a release between this round's read and the wait still wakes it.
      const watch = waitMs > 0 ? this.#watch(resource) : null;
      const outcome = await this.#acquireOnce(request, attemptsMax);
      if (outcome.kind === 'granted' || outcome.kind === 'expired')
        this.#uncertain.delete(requestId);
      if (outcome.kind !== 'held') {
        watch?.stop.abort();
        return this.#state.acquired(outcome);
      }
      const leftMs = deadlineMonoMs - this.#clock.monoMs();
      if (round === 0) this.#state.conflict(resource, outcome, leftMs > 0);
      if (leftMs <= 0) {
        watch?.stop.abort();
        return outcome;
      }
      const sleepMs = Math.max(1, Math.min(outcome.retryAfterMs, leftMs, ACQUIRE_POLL_MS_MAX));
      if (watch === null) {
        await this.#clock.sleep(sleepMs);
      } else {
        // Whichever first: a write to the resource, the lease becoming claimable, the deadline.
        await Promise.race([watch.changed, this.#clock.sleep(sleepMs)]);
        watch.stop.abort();
      }
    }
    return {
      kind: 'unavailable',
      reason: `blocking acquire gave up after ${ACQUIRE_ROUNDS_MAX} rounds`,
      attempts: ACQUIRE_ROUNDS_MAX,
    };
  }

  /** The store's watch on `resource`, if it has one (a store without it keeps the plain sleep). */
  #watch(
    resource: string,
  ): { readonly changed: Promise<void>; readonly stop: AbortController } | null {
    if (this.#store.watch === undefined) return null;
    const stop = new AbortController();
    // A watch that fails only costs the hand-off: the timer still paces the wait.
    const changed = this.#store.watch(resource, stop.signal).then(noop, noop);
    return { changed, stop };
  }

  async #acquireOnce(
    request: Parameters<typeof decideAcquire>[1],
    attemptsMax: number,
  ): Promise<AcquireOutcome> {
    const decide = (record: LeaseRecord | null, nowMs: number) =>
      this.#decide.acquire(
        record,
        {
          resource: request.resource,
          holder: request.holder,
          requestId: request.requestId,
          ownerKey: request.ownerKey,
          ttlMs: request.ttlMs,
          uncertainToken: this.#uncertain.get(request.requestId)?.uncertainToken ?? null,
        },
        nowMs,
        this.config,
      );
    const settled = await this.#mutate(request.resource, decide, {
      attemptsMax,
      retryUntilMonoMs: (sendMonoMs) => sendMonoMs + beliefDurationMs(request.ttlMs, this.config),
      onIndeterminate: (proposed, sendMonoMs) =>
        this.#noteUncertain(request.requestId, request.ownerKey, proposed.token, sendMonoMs),
      priorSendMonoMs: this.#uncertain.get(request.requestId)?.sendMonoMs ?? null,
    });
    if (settled.kind === 'unavailable') return settled;
    const { result } = settled;
    if (result.kind !== 'granted') return result;
    const lease = this.#leaseFrom(result.lease, settled);
    if (lease.validUntilMonoMs <= settled.monoMs) {
      return { kind: 'expired', token: lease.token, reason: 'pastExpiry' };
    }
    return { kind: 'granted', lease };
  }

  /** Extends `lease` by its TTL (or `ttlMs`) from now. Only the holder, before expiry (I-3, I-7). */
  async renew(
    lease: Lease,
    options: { readonly ttlMs?: number } & BudgetOptions = {},
  ): Promise<RenewOutcome> {
    const request = {
      resource: lease.resource,
      holder: this.holder,
      token: lease.token,
      ownerKey: lease.ownerKey,
      requestId: this.#ids.requestId(),
      ttlMs: options.ttlMs ?? lease.ttlMs,
    };
    const invalid = checkRenewRequest(request, this.config);
    if (invalid !== null) return invalid;
    const attemptsMax = attemptsBudget(options);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const settled = await this.#mutate(
      lease.resource,
      (record, nowMs) => this.#decide.renew(record, request, nowMs, this.config),
      { attemptsMax, retryUntilMonoMs: () => lease.validUntilMonoMs },
    );
    if (settled.kind === 'unavailable') return settled;
    const { result } = settled;
    if (result.kind === 'notHolder' || result.kind === 'expired') {
      this.#state.forget(lease.resource, lease.token);
    }
    if (result.kind !== 'renewed') return result;
    const renewed = this.#leaseFrom(result.lease, settled);
    this.#state.renewed(renewed);
    return { kind: 'renewed', lease: renewed };
  }

  /** Releases `lease`. Safe to retry: releasing an already-released lease answers `released`. */
  async release(lease: Lease, options: BudgetOptions = {}): Promise<ReleaseOutcome> {
    const request = {
      resource: lease.resource,
      holder: this.holder,
      token: lease.token,
      ownerKey: lease.ownerKey,
      requestId: this.#ids.requestId(),
    };
    const invalid = checkReleaseRequest(request);
    if (invalid !== null) return invalid;
    const attemptsMax = attemptsBudget(options);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const settled = await this.#mutate(
      lease.resource,
      (record, nowMs) => this.#decide.release(record, request, nowMs),
      { attemptsMax },
    );
    if (settled.kind === 'unavailable') return settled;
    const { result } = settled;
    if (result.kind === 'notHolder') this.#state.forget(lease.resource, lease.token);
    if (result.kind === 'released') this.#state.released(lease, result.replayed);
    return result;
  }

  /** Admin: frees `resource` whoever holds it (or only if `expectedHolder` does), bumping the token. */
  async forceRelease(
    resource: string,
    options: { readonly expectedHolder?: string } = {},
  ): Promise<ForceReleaseOutcome> {
    const request = {
      resource,
      expectedHolder: options.expectedHolder ?? null,
      requestId: this.#ids.requestId(),
      by: this.holder,
    };
    const invalid = checkForceReleaseRequest(request);
    if (invalid !== null) return invalid;
    const settled = await this.#mutate(
      resource,
      (record, nowMs) => this.#decide.forceRelease(record, request, nowMs),
      { attemptsMax: ATTEMPTS_MAX },
    );
    if (settled.kind === 'unavailable') return settled;
    // Forcing out this client's own lease ends it here too (the token went up past it).
    if (settled.result.kind === 'forceReleased') this.#state.forget(resource, settled.result.token);
    return settled.result;
  }

  /**
   * Cleanup: marks `resource` free if its lease is past its claimable point on this node's clock
   * (so listings and history show it ended). Answers `held` while the lease is still live.
   */
  async expire(resource: string): Promise<ExpireOutcome> {
    const request = { resource, requestId: this.#ids.requestId() };
    const invalid = checkExpireRequest(request);
    if (invalid !== null) return invalid;
    const settled = await this.#mutate(
      resource,
      (record, nowMs) => this.#decide.expire(record, request, nowMs, this.config),
      { attemptsMax: ATTEMPTS_MAX },
    );
    return settled.kind === 'unavailable' ? settled : settled.result;
  }

  /**
   * Takes `resource` over from its holder (or only from `expectedHolder`): a force-release that
   * fences the holder, then an acquire. An admin action, for a crashed or stuck holder.
   */
  forceClaim(resource: string, options: ForceClaimOptions = {}): Promise<ForceClaimOutcome> {
    return forceClaim(this, resource, options);
  }

  /**
   * Keeps `lease` renewed (about every third of its TTL) until `stop()`, the caller's signal, or
   * its loss: on notHolder, expired or maxRenewalsReached at once, and when renewals fail, at its
   * belief end at the latest, even while a renewal hangs. Loss aborts `signal` and emits `lost`.
   */
  keepAlive(lease: Lease, options: KeepAliveOptions = {}): KeepAlive {
    return this.#state.keepAlive(lease, options, (current) => this.renew(current));
  }

  /**
   * Acquires `resource`, runs `fn` with a keep-alive, and releases, always (also when `fn` throws;
   * its error is rethrown after the release). Not granted: `{ kind: 'notAcquired', outcome }`.
   */
  withLease<T>(
    resource: string,
    fn: (scope: LeaseScope) => Promise<T> | T,
    options: WithLeaseOptions = {},
  ): Promise<WithLeaseResult<T>> {
    return withLease(this, resource, fn, options);
  }

  /** Takes every resource, in compareResources order, or none (rolled back in reverse order). */
  acquireAll(
    resources: readonly string[],
    options: AcquireAllOptions = {},
  ): Promise<AcquireAllOutcome> {
    const host = {
      monoMs: () => this.#clock.monoMs(),
      acquire: (resource: string, o: AcquireOptions) => this.acquire(resource, o),
      release: (lease: Lease) => this.release(lease),
    };
    return acquireAll(host, resources, options);
  }

  /**
   * Graceful shutdown: stops this client's keep-alives, then releases every lease it holds, in
   * reverse compareResources order (the reverse of acquireAll's). Answers per resource.
   */
  async releaseAll(): Promise<{ readonly resource: string; readonly outcome: ReleaseOutcome }[]> {
    return this.#state.releaseAll((lease) => this.release(lease));
  }

  /** The gate before acting as owner: this client holds `resource` and its belief has not ended. */
  holds(resource: string): boolean {
    return this.#state.holds(resource);
  }

  /** True while the holder may still act as owner of `lease` (monotonic clock, send-time based). */
  believes(lease: Lease): boolean {
    return this.#state.believes(lease);
  }

  /** Monotonic milliseconds of belief left on `lease`; 0 once it has ended. */
  timeLeftMs(lease: Lease): number {
    return this.#state.timeLeftMs(lease);
  }

  #leaseFrom(grant: LeaseGrant, settled: Settled<unknown> & { kind: 'settled' }): Lease {
    const validUntilMonoMs =
      settled.sendMonoMs !== null
        ? beliefEndsAtMonoMs(settled.sendMonoMs, grant.ttlMs, this.config)
        : beliefEndsAtMonoFromWallMs(
            grant.expiresAtMs,
            grant.ttlMs,
            settled.wallMs,
            settled.monoMs,
            this.config,
          );
    return { ...grant, validUntilMonoMs };
  }

  /**
   * read -> decide -> compare-and-set, retried on conflict and on an unavailable store.
   * `retryUntilMonoMs(firstSend)` ends retries of an indeterminate write once its outcome could no
   * longer matter (the belief it would give has run out); `onIndeterminate` hears of every write
   * whose outcome is unknown, with its send; `priorSendMonoMs` is the earliest send of an
   * indeterminate write an earlier call made for the same operation (it moves the belief of a
   * replayed result, never the retry limit: a new call may always try again).
   */
  async #mutate<R>(
    resource: string,
    decide: (record: LeaseRecord | null, nowMs: number) => Decision<R>,
    options: MutateOptions,
  ): Promise<Settled<R>> {
    const { attemptsMax, retryUntilMonoMs, onIndeterminate } = options;
    const priorSendMonoMs = options.priorSendMonoMs ?? null;
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
      const cached = this.#known.get(resource);
      const state = cached ?? (await this.#read(resource));
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
          this.#known.delete(resource);
          continue;
        }
        // A result found in the store (a replayed grant) may stem from any write this operation
        // sent, in this call or an earlier one: the belief counts from the earliest such send.
        const sendMonoMs = earliest(indeterminateSendMonoMs, priorSendMonoMs);
        return { kind: 'settled', result: decision.result, sendMonoMs, wallMs, monoMs };
      }
      const { record, event } = decision.write;
      const cas = await this.#store.compareAndSet(resource, state.version, record, event);
      if (cas.kind === 'ok') {
        this.#remember(resource, record, cas.version);
        const sendMonoMs = Math.min(indeterminateSendMonoMs ?? monoMs, monoMs);
        return { kind: 'settled', result: decision.result, sendMonoMs, wallMs, monoMs };
      }
      this.#known.delete(resource);
      if (cas.kind === 'conflict') {
        conflicts += 1;
        reason = `${conflicts} compare-and-set conflicts (contention)`;
        if (conflicts > RETRIES_CAS_MAX) return { kind: 'unavailable', reason, attempts: attempt };
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

  #noteUncertain(requestId: string, ownerKey: string, token: number, sendMonoMs: number): void {
    const entry = this.#uncertain.get(requestId);
    if (entry !== undefined) {
      entry.uncertainToken = Math.min(entry.uncertainToken, token);
      entry.sendMonoMs = Math.min(entry.sendMonoMs, sendMonoMs);
      return;
    }
    if (this.#uncertain.size >= UNCERTAIN_ACQUIRES_MAX) {
      const oldest = this.#uncertain.keys().next();
      if (oldest.done !== true) this.#uncertain.delete(oldest.value);
    }
    this.#uncertain.set(requestId, { ownerKey, uncertainToken: token, sendMonoMs });
  }

  async #read(resource: string): Promise<KnownRecord | Unavailable> {
    const read = await this.#store.read(resource);
    if (read.kind === 'unavailable') return read;
    return this.#remember(resource, read.record, read.version);
  }

  #remember(resource: string, record: LeaseRecord | null, version: number): KnownRecord {
    const known = { kind: 'ok', record, version } as const;
    this.#known.delete(resource);
    if (this.#known.size >= KNOWN_RECORDS_MAX) {
      const oldest = this.#known.keys().next();
      if (oldest.done !== true) this.#known.delete(oldest.value);
    }
    this.#known.set(resource, known);
    return known;
  }

  async #backoff(attempt: number, attemptsMax: number): Promise<void> {
    if (attempt >= attemptsMax) return;
    await this.#clock.sleep(Math.min(BACKOFF_MS_MAX, BACKOFF_MS_BASE * 2 ** (attempt - 1)));
  }
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function noop(): void {}
