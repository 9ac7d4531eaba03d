import {
  fetchFailoverTransport,
  LeaseApi,
  SERVICE_URLS_MAX,
  type Answer,
  type ErrorReply,
  type LeaseReply,
  type RouteName,
  type Transport,
} from '@leasehold/api';
import {
  beliefDurationMs,
  beliefEndsAtMonoForGrantMs,
  checkHolder,
  checkLeaseLimits,
  checkRequestId,
  checkResource,
  checkTtlMs,
  DEFAULT_CONFIG,
  invalid,
  TTL_MS_LIMIT_MIN,
  type Clock,
  type Expired,
  type Invalid,
  type LeaseConfig,
  type NotHolder,
} from '@leasehold/core';
import { acquireAll, type AcquireAllOptions, type AcquireAllOutcome } from './acquire-all.js';
import { attemptsBudget, type BudgetOptions } from './attempts-budget.js';
import { acquireTtlMs, type ClientDefaults } from './client-defaults.js';
import { forceClaim, type ForceClaimOptions, type ForceClaimOutcome } from './force-claim.js';
import { HolderState } from './holder-state.js';
import { randomIds, type IdSource } from './ids.js';
import type { KeepAlive, KeepAliveOptions } from './keep-alive.js';
import type { AcquireCallOptions, LeaseClientApi } from './lease-client-api.js';
import {
  warnListenerError,
  type LeaseEventName,
  type LeaseListener,
  type ListenerErrorHandler,
} from './lease-events.js';
import {
  ACQUIRE_ROUNDS_MAX,
  BACKOFF_MS_BASE,
  BACKOFF_MS_MAX,
  HTTP_REQUEST_MS_DEFAULT,
  HTTP_TOKEN_FRESH_MS,
  HTTP_WAIT_MS_MAX,
  KNOWN_RECORDS_MAX,
  UNCERTAIN_ACQUIRES_MAX,
} from './limits.js';
import type {
  AcquireOutcome,
  ClientUnavailable,
  ForceReleaseOutcome,
  Lease,
  ReleaseOutcome,
  RenewOutcome,
} from './outcomes.js';
import { systemTimeoutSignal } from './system-clock.js';
import type { Static } from 'typebox';
import {
  withLease,
  type LeaseScope,
  type WithLeaseOptions,
  type WithLeaseResult,
} from './with-lease.js';

/** Parts per million (the unit of clock drift). */
const PPM = 1_000_000;

export interface HttpLeaseClientOptions {
  /** The lease service, e.g. `http://127.0.0.1:8105` (or give `urls`, or a `transport`). */
  readonly url?: string;
  /**
   * Several replicas of the lease service over one store: each request goes to the one that
   * answered last, and on no answer or a 503 to the next, the same request under the same
   * request id (`failoverTransport` of `@leasehold/api`; at most SERVICE_URLS_MAX).
   */
  readonly urls?: readonly string[];
  /**
   * What carries the requests (default: HTTP to `url` or `urls` with `fetch`); the simulator gives a
   * simulated network to simulated replicas of the service.
   */
  readonly transport?: Transport;
  /** This agent's holder id. */
  readonly holder: string;
  /** The holder's clock: belief is measured on its monotonic clock, from each request's send. */
  readonly clock: Clock;
  /** Sent as `Authorization: Bearer <apiKey>` when the service checks API keys. */
  readonly apiKey?: string | undefined;
  /** The belief margins (`safetyMarginMs`, `clockDriftPpmMax`); the service decides expiry. */
  readonly config?: LeaseConfig;
  /** Request ids (a retry of one acquire reuses its id: I-8). */
  readonly ids?: IdSource;
  readonly fetch?: typeof fetch;
  /**
   * Longest one request may take before it counts as failed (its outcome unknown); a blocking
   * acquire's request may take its wait on top, and what clock drift within the bound may add.
   */
  readonly requestMsMax?: number;
  /** A signal aborted after `ms` (default: the system's, the client's one use of real timers). */
  readonly timeoutSignal?: (ms: number) => AbortSignal;
  readonly onListenerError?: ListenerErrorHandler;
  /** What a call uses when it does not say (its retry budget, an acquire's TTL). */
  readonly defaults?: ClientDefaults;
}

/** A lease the service granted: the lease id names it in renew and release. */
export interface HttpLease extends Lease {
  readonly leaseId: string;
}

/** What one call ended with after its retries: a declared answer of its route, or unavailable. */
type Sent<R extends RouteName> = {
  readonly reply: Extract<Answer<R>, { kind: 'reply' }> | ClientUnavailable;
  /** The earliest send that may have been applied: the belief counts from it. */
  readonly firstSendMonoMs: number;
};

/**
 * The lease client over HTTP: the same interface as `LeaseClient`, asking the lease service
 * (`leasehold serve`) instead of running the decisions itself. The service's clock decides expiry;
 * this client keeps the holder's belief on its own monotonic clock, counted from when it sent the
 * request that was granted, never from the reply (spec/README.md, "Why belief is safe"). A request
 * that failed or timed out may have been applied: an acquire is retried under the same request id
 * (the service answers a replay with the same grant, I-8), and the belief counts from the earliest
 * send that may have applied.
 */
export class HttpLeaseClient implements LeaseClientApi {
  readonly holder: string;
  readonly config: LeaseConfig;
  readonly #api: LeaseApi;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #requestMsMax: number;
  /** Events, the leases this client holds as its own calls left them, its keep-alives. */
  readonly #state: HolderState;
  /** The highest token seen per resource in any answer, and when (bounded: KNOWN_RECORDS_MAX). */
  readonly #knownTokens = new Map<string, { readonly token: number; readonly atMonoMs: number }>();
  /**
   * Acquires by request id, from their first send on: the lowest token any attempt may be granted
   * (one above the highest seen before that send, or above a holder's a `held` answer named) and
   * the send itself. Any attempt may apply after its answer came (the network may deliver a copy
   * of it later), so every attempt carries the floor (a copy decided after the service forgot the
   * request id is refused, never granted twice: I-8), and a grant the service answers as replayed
   * counts its belief from the first send. Bounded: UNCERTAIN_ACQUIRES_MAX.
   */
  readonly #sent = new Map<string, { floor: number; readonly firstSendMonoMs: number }>();
  readonly #defaults: ClientDefaults;

  constructor(options: HttpLeaseClientOptions) {
    this.holder = options.holder;
    this.config = options.config ?? DEFAULT_CONFIG;
    this.#api = new LeaseApi(options.transport ?? defaultTransport(options));
    this.#clock = options.clock;
    this.#ids = options.ids ?? randomIds();
    this.#requestMsMax = options.requestMsMax ?? HTTP_REQUEST_MS_DEFAULT;
    this.#defaults = options.defaults ?? {};
    this.#state = new HolderState(
      options.holder,
      options.clock,
      options.onListenerError ?? warnListenerError,
    );
  }

  on<E extends LeaseEventName>(event: E, listener: LeaseListener<E>): () => void {
    return this.#state.on(event, listener);
  }

  /**
   * Acquires `resource`. With `waitMs`, the service holds the request until the lease is released
   * or claimable (a hand-off, not a poll), in rounds short enough that a grant at the end of one
   * still leaves most of the belief.
   */
  async acquire(resource: string, options: AcquireCallOptions = {}): Promise<AcquireOutcome> {
    const attemptsMax = attemptsBudget(options, this.#defaults);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const requestId = options.requestId ?? this.#ids.requestId();
    const ttlMs = acquireTtlMs(options.ttlMs, this.#defaults, this.config);
    if (typeof ttlMs === 'object') return ttlMs;
    // Input no lease can have is refused before any request, as LeaseClient refuses it before
    // any store call: the name, the id, a TTL outside this client's configured bounds, and the
    // lease's own limits (the service may still refuse a TTL outside its own bounds, or a maximum
    // age below its default TTL).
    const invalid =
      checkResource(resource) ??
      checkHolder(this.holder) ??
      checkRequestId(requestId) ??
      (ttlMs === undefined ? null : checkTtlMs(ttlMs, this.config)) ??
      checkLeaseLimits({
        ttlMs: ttlMs ?? TTL_MS_LIMIT_MIN,
        maxRenewals: options.maxRenewals,
        maxAgeMs: options.maxAgeMs,
      });
    if (invalid !== null) return invalid;
    let first = this.#sent.get(requestId);
    if (first === undefined) {
      const known = await this.#knownToken(resource, attemptsMax);
      if (typeof known !== 'number') return known;
      first = { floor: known + 1, firstSendMonoMs: this.#clock.monoMs() };
      this.#noteSent(requestId, first);
    }
    const floor = first;
    const deadlineMonoMs = this.#clock.monoMs() + (options.waitMs ?? 0);
    const roundWaitMsMax = Math.min(
      HTTP_WAIT_MS_MAX,
      Math.floor(beliefDurationMs(ttlMs ?? this.config.ttlMsDefault, this.config) / 2),
    );
    for (let round = 0; round < ACQUIRE_ROUNDS_MAX; round++) {
      const waitMs = Math.max(0, Math.min(deadlineMonoMs - this.#clock.monoMs(), roundWaitMsMax));
      const body = () => ({
        resource,
        holder: this.holder,
        request_id: requestId,
        ...(ttlMs === undefined ? {} : { ttl_ms: ttlMs }),
        ...(waitMs > 0 ? { wait_ms: waitMs } : {}),
        token_floor: floor.floor,
        ...(options.maxRenewals === undefined ? {} : { max_renewals: options.maxRenewals }),
        ...(options.maxAgeMs === undefined ? {} : { max_age_ms: options.maxAgeMs }),
      });
      const sent = await this.#send('acquire', body, attemptsMax, waitMs, undefined, (reply) => {
        // None of the service's writes applied: its floor is safe for every later attempt.
        const hint = reply.status === 503 ? reply.body.token_floor : undefined;
        if (hint !== undefined) floor.floor = Math.max(floor.floor, hint);
      });
      if (sent.reply.kind === 'unavailable') return sent.reply;
      const reply = sent.reply;
      // A grant the service replayed was applied by some attempt of this request, perhaps one
      // answered otherwise (a copy delivered late): its belief counts from the first send.
      const replayed = reply.status === 201 && reply.body.replayed;
      const fromMonoMs = replayed ? floor.firstSendMonoMs : sent.firstSendMonoMs;
      const outcome = this.#acquireOutcome(reply, fromMonoMs);
      if (outcome.kind === 'held') this.#noteToken(resource, outcome.token);
      // `held` was decided where no attempt of this request had been granted: any that still
      // may be (a copy delivered late) is decided after, above the holder's token.
      if (outcome.kind === 'held') floor.floor = Math.max(floor.floor, outcome.token + 1);
      if (outcome.kind === 'granted') this.#noteToken(resource, outcome.lease.token);
      if (outcome.kind !== 'held') return this.#state.acquired(outcome);
      const leftMs = deadlineMonoMs - this.#clock.monoMs();
      if (round === 0) this.#state.conflict(resource, outcome, leftMs > 0);
      if (leftMs <= 0) return outcome;
      // The service waited and the lease is still held (its wait round ran out): ask again.
      if (waitMs === 0)
        await this.#clock.sleep(Math.max(1, Math.min(outcome.retryAfterMs, leftMs)));
    }
    return {
      kind: 'unavailable',
      reason: `gave up after ${ACQUIRE_ROUNDS_MAX} rounds`,
      attempts: ACQUIRE_ROUNDS_MAX,
    };
  }

  /**
   * How much longer than `waitMs` a service may hold a waiting request, in this client's time:
   * the service waits on its own clock, which may run slower than true time by the drift bound,
   * as this client's may run faster. A request timed out just before the service's answer would
   * be sent again, and the belief of a grant counts from the first send: against a slow clock,
   * every round of a blocking acquire timing out first left grants that arrived already past
   * their belief, each blocking the next attempt until it expired.
   */
  #waitDriftMs(waitMs: number): number {
    const driftPpm = this.config.clockDriftPpmMax;
    return Math.ceil((2 * waitMs * driftPpm) / (PPM - driftPpm));
  }

  #acquireOutcome(
    reply: Extract<Answer<'acquire'>, { kind: 'reply' }>,
    firstSendMonoMs: number,
  ): AcquireOutcome {
    switch (reply.status) {
      case 201: {
        const lease = this.#lease(reply.body, reply.body.owner_key, firstSendMonoMs);
        if (lease.validUntilMonoMs <= this.#clock.monoMs()) {
          return { kind: 'expired', token: lease.token, reason: 'pastExpiry' };
        }
        return { kind: 'granted', lease };
      }
      case 409:
        return {
          kind: 'held',
          holder: reply.body.holder,
          token: reply.body.token,
          expiresAtMs: reply.body.expires_at_ms,
          retryAfterMs: reply.body.retry_after_ms,
        };
      case 410:
        return {
          kind: 'expired',
          token: reply.body.token ?? 0,
          reason: goneReason(reply.body.reason),
        };
      default:
        return refusal(reply.status, reply.body);
    }
  }

  async renew(
    lease: Lease,
    options: { readonly ttlMs?: number } & BudgetOptions = {},
  ): Promise<RenewOutcome> {
    const attemptsMax = attemptsBudget(options, this.#defaults);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const leaseId = leaseIdOf(lease);
    if (typeof leaseId !== 'string') return leaseId;
    const badTtl = options.ttlMs === undefined ? null : checkTtlMs(options.ttlMs, this.config);
    if (badTtl !== null) return badTtl;
    // Renewed for the TTL asked, else the lease's own (as LeaseClient renews it), never for
    // whatever TTL another renewal of the same lease left in the record meanwhile.
    const body = {
      lease_id: leaseId,
      owner_key: lease.ownerKey,
      ttl_ms: options.ttlMs ?? lease.ttlMs,
    };
    // Retrying past the belief end is pointless: the renewal could no longer be used.
    const sent = await this.#send('renew', body, attemptsMax, 0, lease.validUntilMonoMs);
    const reply = sent.reply;
    if (reply.kind === 'unavailable') return reply;
    if (reply.status === 200) {
      const renewed = this.#lease(reply.body, lease.ownerKey, sent.firstSendMonoMs);
      this.#state.renewed(renewed);
      return { kind: 'renewed', lease: renewed };
    }
    if (reply.status === 410 || reply.status === 403 || reply.status === 404)
      this.#state.forget(lease.resource, lease.token);
    // Another holder has it now, or had it last: not this client's to renew (as LeaseClient
    // answers it).
    const other = reply.status === 410 ? goneToOther(reply.body, this.holder) : null;
    if (other !== null) return other;
    if (reply.status === 410)
      return { kind: 'expired', token: lease.token, reason: goneReason(reply.body.reason) };
    if (reply.status === 403 || reply.status === 404) return { kind: 'notHolder', holder: null };
    if (reply.status === 409 && reply.body.error === 'max_renewals_reached') {
      return {
        kind: 'maxRenewalsReached',
        renewals: reply.body.renewals ?? 0,
        maxRenewals: reply.body.max_renewals ?? 0,
        limit: reply.body.limit ?? 'deployment',
      };
    }
    return refusal(reply.status, reply.body);
  }

  async release(lease: Lease, options: BudgetOptions = {}): Promise<ReleaseOutcome> {
    const attemptsMax = attemptsBudget(options, this.#defaults);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const leaseId = leaseIdOf(lease);
    if (typeof leaseId !== 'string') return leaseId;
    this.#state.releaseSent(lease);
    const sent = await this.#send(
      'release',
      { lease_id: leaseId, owner_key: lease.ownerKey },
      attemptsMax,
    );
    const reply = sent.reply;
    if (reply.kind === 'unavailable') return reply;
    if (reply.status === 410 || reply.status === 404)
      this.#state.forget(lease.resource, lease.token);
    if (reply.status === 200) {
      this.#state.released(lease, reply.body.replayed);
      return { kind: 'released', token: lease.token, replayed: reply.body.replayed };
    }
    if (reply.status === 410) return { kind: 'notHolder', holder: reply.body.holder ?? null };
    if (reply.status === 403 || reply.status === 404) return { kind: 'notHolder', holder: null };
    return refusal(reply.status, reply.body);
  }

  async forceRelease(
    resource: string,
    options: { readonly expectedHolder?: string } = {},
  ): Promise<ForceReleaseOutcome> {
    // As LeaseClient refuses them before any store call: no request for a name no lease has.
    const invalid =
      checkResource(resource) ??
      (options.expectedHolder === undefined
        ? null
        : checkHolder(options.expectedHolder, 'expectedHolder'));
    if (invalid !== null) return invalid;
    const body = {
      resource,
      ...(options.expectedHolder === undefined ? {} : { expected_holder: options.expectedHolder }),
      // Every attempt carries it: a retry of a force-release that applied is answered as such.
      request_id: this.#ids.requestId(),
    };
    const sent = await this.#send('forceRelease', body, attemptsBudget({}) as number);
    const reply = sent.reply;
    if (reply.kind === 'unavailable') return reply;
    if (reply.status === 200) {
      this.#state.forget(resource, reply.body.token);
      return {
        kind: 'forceReleased',
        previousHolder: reply.body.previous_holder,
        token: reply.body.token,
      };
    }
    if (reply.status === 409 && reply.body.error === 'not_held') return { kind: 'notHeld' };
    if (reply.status === 409) return { kind: 'notHolder', holder: reply.body.holder ?? null };
    return refusal(reply.status, reply.body);
  }

  /**
   * Takes `resource` over from its holder (or only from `expectedHolder`): a force-release that
   * fences the holder, then an acquire. An admin action, for a crashed or stuck holder.
   */
  forceClaim(resource: string, options: ForceClaimOptions = {}): Promise<ForceClaimOutcome> {
    return forceClaim(this, resource, options);
  }

  keepAlive(lease: Lease, options: KeepAliveOptions = {}): KeepAlive {
    return this.#state.keepAlive(lease, options, (current) => this.renew(current));
  }

  withLease<T>(
    resource: string,
    fn: (scope: LeaseScope) => Promise<T> | T,
    options: WithLeaseOptions = {},
  ): Promise<WithLeaseResult<T>> {
    return withLease(this, resource, fn, options);
  }

  acquireAll(
    resources: readonly string[],
    options: AcquireAllOptions = {},
  ): Promise<AcquireAllOutcome> {
    const host = {
      monoMs: () => this.#clock.monoMs(),
      acquire: (resource: string, o: AcquireCallOptions) => this.acquire(resource, o),
      release: (lease: Lease) => this.release(lease),
    };
    return acquireAll(host, resources, options);
  }

  async releaseAll(): Promise<{ readonly resource: string; readonly outcome: ReleaseOutcome }[]> {
    return this.#state.releaseAll((lease) => this.release(lease));
  }

  holds(resource: string): boolean {
    return this.#state.holds(resource);
  }

  believes(lease: Lease): boolean {
    return this.#state.believes(lease);
  }

  timeLeftMs(lease: Lease): number {
    return this.#state.timeLeftMs(lease);
  }

  /**
   * The highest token this client has seen for `resource`, so that an acquire can carry a floor
   * (`token_floor`): asked of the service (its status) unless an answer told it within
   * HTTP_TOKEN_FRESH_MS. A floor the service has forgotten past refuses the acquire (410
   * superseded), never grants it twice; a fresh one keeps that rare.
   */
  async #knownToken(resource: string, attemptsMax: number): Promise<number | ClientUnavailable> {
    const known = this.#knownTokens.get(resource);
    if (known !== undefined && this.#clock.monoMs() - known.atMonoMs < HTTP_TOKEN_FRESH_MS)
      return known.token;
    for (let attempt = 1; attempt <= attemptsMax; attempt++) {
      const answer = await this.#api.call('status', { params: { resource } }, this.#requestMsMax);
      if (answer.kind === 'reply' && answer.status === 200) {
        this.#noteToken(resource, answer.body.token);
        return answer.body.token;
      }
      // A name the service refuses: the acquire itself answers why.
      if (answer.kind === 'reply' && answer.status === 400) return 0;
      if (attempt < attemptsMax)
        await this.#clock.sleep(Math.min(BACKOFF_MS_MAX, BACKOFF_MS_BASE * 2 ** (attempt - 1)));
    }
    return {
      kind: 'unavailable',
      reason: `cannot read the status of ${resource} to start an acquire`,
      attempts: attemptsMax,
    };
  }

  #noteToken(resource: string, token: number): void {
    const known = this.#knownTokens.get(resource);
    this.#knownTokens.delete(resource);
    if (this.#knownTokens.size >= KNOWN_RECORDS_MAX) {
      const oldest = this.#knownTokens.keys().next();
      if (oldest.done !== true) this.#knownTokens.delete(oldest.value);
    }
    const highest = Math.max(known?.token ?? 0, token);
    this.#knownTokens.set(resource, { token: highest, atMonoMs: this.#clock.monoMs() });
  }

  #noteSent(requestId: string, first: { floor: number; readonly firstSendMonoMs: number }): void {
    if (this.#sent.size >= UNCERTAIN_ACQUIRES_MAX) {
      const oldest = this.#sent.keys().next();
      if (oldest.done !== true) this.#sent.delete(oldest.value);
    }
    this.#sent.set(requestId, first);
  }

  #lease(
    body: Pick<
      Static<typeof LeaseReply>,
      | 'lease_id'
      | 'resource'
      | 'holder'
      | 'token'
      | 'ttl_ms'
      | 'acquired_at_ms'
      | 'expires_at_ms'
      | 'renewals'
      | 'max_renewals'
      | 'max_age_ms'
    >,
    ownerKey: string,
    sendMonoMs: number,
  ): HttpLease {
    const grant = {
      leaseId: body.lease_id,
      resource: body.resource,
      holder: body.holder,
      token: body.token,
      ownerKey,
      ttlMs: body.ttl_ms,
      acquiredAtMs: body.acquired_at_ms,
      expiresAtMs: body.expires_at_ms,
      renewals: body.renewals,
      maxRenewals: body.max_renewals,
      maxAgeMs: body.max_age_ms,
    };
    // The service's clock decided a renewal capped at the lease's maximum age: its wall-clock
    // bound counts from this client's two clocks, read together now.
    const wallMs = this.#clock.wallMs();
    const monoMs = this.#clock.monoMs();
    const validUntilMonoMs = beliefEndsAtMonoForGrantMs(
      grant,
      sendMonoMs,
      wallMs,
      monoMs,
      this.config,
    );
    return { ...grant, validUntilMonoMs };
  }

  /**
   * Sends one call of `route`, retrying within `attemptsMax` what may succeed on another try: a
   * request whose outcome is unknown (failed in flight, timed out, an undeclared answer such as a
   * 5xx), 429 and 503. `firstSendMonoMs` is the earliest send that may have been applied: the
   * belief counts from it.
   */
  async #send<R extends RouteName>(
    route: R,
    /** The body of each attempt (an acquire's differs after its first send). */
    body: object | (() => object),
    attemptsMax: number,
    waitMs = 0,
    retryUntilMonoMs = Number.POSITIVE_INFINITY,
    /** Hears each answer that is retried (429, 503). */
    onRetried?: (reply: {
      readonly status: number;
      readonly body: Static<typeof ErrorReply>;
    }) => void,
  ): Promise<Sent<R>> {
    let firstSendMonoMs: number | null = null;
    let reason = 'no attempt made';
    for (let attempt = 1; attempt <= attemptsMax; attempt++) {
      if (attempt > 1 && this.#clock.monoMs() >= retryUntilMonoMs) break;
      // Read before the transport's first attempt: one it fails over to another replica is sent
      // later, so the belief counts from no later than the send of the attempt that applied.
      const sendMonoMs = this.#clock.monoMs();
      const payload = typeof body === 'function' ? body() : body;
      const answer = await this.#api.call(
        route,
        { body: payload },
        this.#requestMsMax + waitMs + this.#waitDriftMs(waitMs),
      );
      if (answer.kind === 'reply' && answer.status !== 503 && answer.status !== 429) {
        const reply = answer as Extract<Answer<R>, { kind: 'reply' }>;
        return {
          reply,
          firstSendMonoMs: Math.min(firstSendMonoMs ?? sendMonoMs, sendMonoMs),
        };
      }
      // An unknown outcome may have been applied; a 429 or 503 was not, but counting it only
      // shortens the belief.
      firstSendMonoMs ??= sendMonoMs;
      if (answer.kind === 'reply')
        onRetried?.({ status: answer.status, body: answer.body as Static<typeof ErrorReply> });
      reason =
        answer.kind === 'reply'
          ? `${route} answered ${answer.status}: ${(answer.body as Static<typeof ErrorReply>).message}`
          : answer.reason;
      if (attempt < attemptsMax)
        await this.#clock.sleep(Math.min(BACKOFF_MS_MAX, BACKOFF_MS_BASE * 2 ** (attempt - 1)));
    }
    return {
      reply: { kind: 'unavailable', reason, attempts: attemptsMax },
      firstSendMonoMs: firstSendMonoMs ?? 0,
    };
  }
}

/**
 * HTTP to `url` (or each of `urls`, failing over) with `fetch`, unless a transport was given. Its
 * time across failover attempts is the client's clock's, as the belief's is.
 */
function defaultTransport(options: HttpLeaseClientOptions): Transport {
  const urls = options.urls ?? (options.url === undefined ? [] : [options.url]);
  if (urls.length === 0 || (options.url !== undefined && options.urls !== undefined)) {
    throw new TypeError('HttpLeaseClient needs the service: a url, urls, or a transport');
  }
  if (urls.length > SERVICE_URLS_MAX) {
    throw new TypeError(`HttpLeaseClient takes ${SERVICE_URLS_MAX} urls at most`);
  }
  const clock = options.clock;
  return fetchFailoverTransport({
    urls,
    monoMs: () => clock.monoMs(),
    apiKey: options.apiKey,
    holder: options.holder,
    timeoutSignal: options.timeoutSignal ?? systemTimeoutSignal,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

function leaseIdOf(lease: Lease): string | Invalid {
  const leaseId = (lease as Partial<HttpLease>).leaseId;
  if (typeof leaseId === 'string') return leaseId;
  return invalid('lease', 'was not granted through the lease service (it has no leaseId)');
}

function goneReason(reason: unknown): Expired['reason'] {
  return reason === 'released' || reason === 'forceReleased' || reason === 'superseded'
    ? reason
    : 'pastExpiry';
}

/**
 * A 410 as a holder reads it (as `LeaseClient` decides it from the record): the lease is another
 * holder's now, or was another's last once freed, so not this holder's (`notHolder`); or null:
 * this holder's own grant ended (`expired`).
 */
export function goneToOther(
  body: { readonly holder?: string; readonly last_holder?: string },
  self: string,
): NotHolder | null {
  if (body.holder !== undefined && body.holder !== self)
    return { kind: 'notHolder', holder: body.holder };
  if (body.last_holder !== undefined && body.last_holder !== self)
    return { kind: 'notHolder', holder: null };
  return null;
}

/** The service's names of request fields, as this client's callers name them. */
const CALLER_FIELDS: Readonly<Record<string, string>> = {
  request_id: 'requestId',
  ttl_ms: 'ttlMs',
  wait_ms: 'waitMs',
  token_floor: 'tokenFloor',
  owner_key: 'ownerKey',
  lease_id: 'leaseId',
  min_interval_ms: 'minIntervalMs',
  expected_holder: 'expectedHolder',
  max_renewals: 'maxRenewals',
  max_age_ms: 'maxAgeMs',
};

/**
 * A 4xx no call expected: bad input (named by the service, in the words of this client's own
 * interface: `requestId`, not `request_id`, as `LeaseClient` names it), or a key that may not do
 * this.
 */
function refusal(status: number, body: Static<typeof ErrorReply>): Invalid {
  const message = body.message;
  if (status === 401) return invalid('apiKey', `was refused by the service: ${message}`);
  if (status === 403) return invalid('holder', `may not be used with this API key: ${message}`);
  const field = body.field ?? 'request';
  const named = CALLER_FIELDS[field];
  if (named === undefined) return { kind: 'invalid', field, reason: message };
  return { kind: 'invalid', field: named, reason: message.split(field).join(named) };
}
