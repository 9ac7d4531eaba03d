import {
  DEFAULT_CONFIG,
  beliefDurationMs,
  beliefEndsAtMonoForGrantMs,
  beliefEndsAtMonoFromWallMs,
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
  type LeaseConfig,
  type LeaseGrant,
  type LeaseRecord,
} from '@leasehold/core';
import type { LeaseStore } from '@leasehold/store';
import { acquireAll, type AcquireAllOptions, type AcquireAllOutcome } from './acquire-all.js';
import type { AcquireOptions } from './acquire-options.js';
import { attemptsBudget, type BudgetOptions } from './attempts-budget.js';
import { CasLoop, type Settled } from './cas-loop.js';
import { acquireTtlMs, type ClientDefaults } from './client-defaults.js';
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
  UNCERTAIN_ACQUIRES_MAX,
  UNCERTAIN_TOKENS_MAX,
} from './limits.js';
import {
  withLease,
  type LeaseScope,
  type WithLeaseOptions,
  type WithLeaseResult,
} from './with-lease.js';
import type {
  AcquireOutcome,
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
  /** What a call uses when it does not say (its retry budget, an acquire's TTL). */
  readonly defaults?: ClientDefaults;
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
  /** Read -> decide -> compare-and-set, remembering the last record seen per resource. */
  readonly #cas: CasLoop;
  /**
   * Acquires with a write whose outcome is unknown, by request id: the owner key (a retry under
   * the same id must present it), the tokens such writes proposed that may have applied (I-8),
   * and the earliest monotonic send of such a write: if a later call under the same id finds the
   * grant applied, the belief counts from that send, not from the later call's. Bounded.
   */
  readonly #uncertain = new Map<string, UncertainAcquire>();
  /** Events, the leases this client holds as its own calls left them, its keep-alives. */
  readonly #state: HolderState;
  readonly #defaults: ClientDefaults;

  constructor(options: LeaseClientOptions) {
    this.holder = options.holder;
    this.config = options.config ?? DEFAULT_CONFIG;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ids = options.ids ?? randomIds();
    this.#decide = { ...CORE_DECISIONS, ...options.decisions };
    this.#defaults = options.defaults ?? {};
    this.#cas = new CasLoop({ store: options.store, clock: options.clock });
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
    const ttlMs = acquireTtlMs(options.ttlMs, this.#defaults, this.config);
    if (typeof ttlMs === 'object') return ttlMs;
    const request = {
      resource,
      holder: this.holder,
      requestId,
      ownerKey: this.#uncertain.get(requestId)?.ownerKey ?? this.#ids.ownerKey(),
      ttlMs: ttlMs ?? this.config.ttlMsDefault,
      maxRenewals: options.maxRenewals ?? null,
      maxAgeMs: options.maxAgeMs ?? null,
    };
    // Bad input is refused before any store call: the store never sees a name it cannot hold.
    const invalid = checkAcquireRequest(request, this.config);
    if (invalid !== null) return invalid;
    const attemptsMax = attemptsBudget(options, this.#defaults);
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
          uncertainToken: this.#uncertainToken(request.requestId, record),
          maxRenewals: request.maxRenewals ?? null,
          maxAgeMs: request.maxAgeMs ?? null,
        },
        nowMs,
        this.config,
      );
    const settled = await this.#cas.mutate(request.resource, decide, {
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
    const attemptsMax = attemptsBudget(options, this.#defaults);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const settled = await this.#cas.mutate(
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
    const attemptsMax = attemptsBudget(options, this.#defaults);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    this.#state.releaseSent(lease);
    const settled = await this.#cas.mutate(
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
    const settled = await this.#cas.mutate(
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
    const settled = await this.#cas.mutate(
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

  /**
   * The gate before acting as owner: this client holds `resource`, its belief has not ended, and
   * it has sent no release of it (a release answered unavailable may still apply).
   */
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
    // Both clocks were read together right before the deciding write: the wall-clock bound of a
    // renewal capped at the lease's maximum age counts from them.
    const validUntilMonoMs =
      settled.sendMonoMs !== null
        ? beliefEndsAtMonoForGrantMs(
            grant,
            settled.sendMonoMs,
            settled.wallMs,
            settled.monoMs,
            this.config,
          )
        : beliefEndsAtMonoFromWallMs(
            grant.expiresAtMs,
            grant.ttlMs,
            settled.wallMs,
            settled.monoMs,
            this.config,
          );
    return { ...grant, validUntilMonoMs };
  }

  #noteUncertain(requestId: string, ownerKey: string, token: number, sendMonoMs: number): void {
    const entry = this.#uncertain.get(requestId);
    if (entry !== undefined) {
      entry.sendMonoMs = Math.min(entry.sendMonoMs, sendMonoMs);
      if (entry.tokens.includes(token)) return;
      if (entry.tokens.length >= UNCERTAIN_TOKENS_MAX) {
        // No room to tell them apart: the lowest stands for all of them from now on (safe, as a
        // grant beyond the record's memory is still refused; only its token may be another's).
        entry.exact = false;
        entry.tokens = [Math.min(token, ...entry.tokens)];
        return;
      }
      entry.tokens = [...entry.tokens, token].sort((a, b) => a - b);
      return;
    }
    if (this.#uncertain.size >= UNCERTAIN_ACQUIRES_MAX) {
      const oldest = this.#uncertain.keys().next();
      if (oldest.done !== true) this.#uncertain.delete(oldest.value);
    }
    this.#uncertain.set(requestId, { ownerKey, tokens: [token], exact: true, sendMonoMs });
  }

  /**
   * The token of the earliest write under `requestId` that may have applied, judged against
   * `record` (just read): a proposed token the record has passed, at or above the oldest grant
   * it remembers and not among its grants, was never applied, and never will be (the record
   * moved on from the version it was proposed against). Dropping those, an answer that the grant
   * ended names the write that may have made it, not an earlier one known to have failed.
   */
  #uncertainToken(requestId: string, record: LeaseRecord | null): number | null {
    const entry = this.#uncertain.get(requestId);
    if (entry === undefined) return null;
    if (entry.exact && record !== null) {
      const oldestKept = record.recentGrants[0]?.token ?? record.token + 1;
      const ours = record.recentGrants.some((mark) => mark.requestId === requestId);
      const neverApplied = (token: number) => !ours && token >= oldestKept && token <= record.token;
      entry.tokens = entry.tokens.filter((token) => !neverApplied(token));
    }
    return entry.tokens[0] ?? null;
  }
}

/** An acquire whose write's outcome is unknown (see `LeaseClient.#uncertain`). */
interface UncertainAcquire {
  readonly ownerKey: string;
  /** Tokens proposed by writes that may have applied, lowest first (bounded). */
  tokens: readonly number[];
  /** False once more were proposed than are kept: the lowest then stands for all. */
  exact: boolean;
  sendMonoMs: number;
}

function noop(): void {}
