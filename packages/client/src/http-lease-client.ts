import {
  beliefDurationMs,
  beliefEndsAtMonoMs,
  DEFAULT_CONFIG,
  invalid,
  type Clock,
  type Expired,
  type Invalid,
  type LeaseConfig,
} from '@leasehold/core';
import { acquireAll, type AcquireAllOptions, type AcquireAllOutcome } from './acquire-all.js';
import { attemptsBudget, type BudgetOptions } from './attempts-budget.js';
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
  HTTP_WAIT_MS_MAX,
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
import {
  withLease,
  type LeaseScope,
  type WithLeaseOptions,
  type WithLeaseResult,
} from './with-lease.js';

export interface HttpLeaseClientOptions {
  /** The lease service, e.g. `http://127.0.0.1:8105`. */
  readonly url: string;
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
  /** Longest one request may take before it counts as failed (its outcome unknown). */
  readonly requestMsMax?: number;
  /** A signal aborted after `ms` (default: the system's, the client's one use of real timers). */
  readonly timeoutSignal?: (ms: number) => AbortSignal;
  readonly onListenerError?: ListenerErrorHandler;
}

/** A lease the service granted: the lease id names it in renew and release. */
export interface HttpLease extends Lease {
  readonly leaseId: string;
}

type Reply =
  // The reply bodies are the service's JSON; each call reads the fields its route answers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  { readonly kind: 'reply'; readonly status: number; readonly body: any } | ClientUnavailable;

/**
 * The lease client over HTTP: the same interface as `LeaseClient`, asking the lease service
 * (`leasehold serve`) instead of running the decisions itself. The service's clock decides
 * expiry; this client keeps the holder's belief on its own monotonic clock, counted from when it
 * sent the request that was granted, never from the reply (DESIGN.md section 3). A request that
 * failed or timed out may have been applied: an acquire is retried under the same request id
 * (the service answers a replay with the same grant, I-8), and the belief counts from the
 * earliest send that may have applied.
 */
export class HttpLeaseClient implements LeaseClientApi {
  readonly holder: string;
  readonly config: LeaseConfig;
  readonly #url: string;
  readonly #clock: Clock;
  readonly #apiKey: string | undefined;
  readonly #ids: IdSource;
  readonly #fetch: typeof fetch;
  readonly #requestMsMax: number;
  readonly #timeoutSignal: (ms: number) => AbortSignal;
  /** Events, the leases this client holds as its own calls left them, its keep-alives. */
  readonly #state: HolderState;

  constructor(options: HttpLeaseClientOptions) {
    this.holder = options.holder;
    this.config = options.config ?? DEFAULT_CONFIG;
    this.#url = options.url.replace(/\/+$/, '');
    this.#clock = options.clock;
    this.#apiKey = options.apiKey;
    this.#ids = options.ids ?? randomIds();
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#requestMsMax = options.requestMsMax ?? HTTP_REQUEST_MS_DEFAULT;
    this.#timeoutSignal = options.timeoutSignal ?? systemTimeoutSignal;
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
    const attemptsMax = attemptsBudget(options);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const requestId = options.requestId ?? this.#ids.requestId();
    const deadlineMonoMs = this.#clock.monoMs() + (options.waitMs ?? 0);
    const roundWaitMsMax = Math.min(
      HTTP_WAIT_MS_MAX,
      Math.floor(beliefDurationMs(options.ttlMs ?? this.config.ttlMsDefault, this.config) / 2),
    );
    for (let round = 0; round < ACQUIRE_ROUNDS_MAX; round++) {
      const waitMs = Math.max(0, Math.min(deadlineMonoMs - this.#clock.monoMs(), roundWaitMsMax));
      const body = {
        resource,
        holder: this.holder,
        request_id: requestId,
        ...(options.ttlMs === undefined ? {} : { ttl_ms: options.ttlMs }),
        ...(waitMs > 0 ? { wait_ms: waitMs } : {}),
      };
      const sent = await this.#send('/v1/leases/acquire', body, attemptsMax, waitMs);
      if (sent.reply.kind === 'unavailable') return sent.reply;
      const outcome = this.#acquireOutcome(sent.reply, sent.firstSendMonoMs);
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

  #acquireOutcome(
    reply: Extract<Reply, { kind: 'reply' }>,
    firstSendMonoMs: number,
  ): AcquireOutcome {
    const { status, body } = reply;
    if (status === 201) {
      const lease = this.#lease(body, firstSendMonoMs);
      if (lease.validUntilMonoMs <= this.#clock.monoMs()) {
        return { kind: 'expired', token: lease.token, reason: 'pastExpiry' };
      }
      return { kind: 'granted', lease };
    }
    if (status === 409) {
      return {
        kind: 'held',
        holder: String(body.holder),
        token: Number(body.token),
        expiresAtMs: Number(body.expires_at_ms),
        retryAfterMs: Number(body.retry_after_ms),
      };
    }
    if (status === 410)
      return { kind: 'expired', token: Number(body.token), reason: goneReason(body.reason) };
    return refusal(reply);
  }

  async renew(
    lease: Lease,
    options: { readonly ttlMs?: number } & BudgetOptions = {},
  ): Promise<RenewOutcome> {
    const attemptsMax = attemptsBudget(options);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const leaseId = leaseIdOf(lease);
    if (typeof leaseId !== 'string') return leaseId;
    const body = {
      lease_id: leaseId,
      owner_key: lease.ownerKey,
      ...(options.ttlMs === undefined ? {} : { ttl_ms: options.ttlMs }),
    };
    // Retrying past the belief end is pointless: the renewal could no longer be used.
    const sent = await this.#send('/v1/leases/renew', body, attemptsMax, 0, lease.validUntilMonoMs);
    if (sent.reply.kind === 'unavailable') return sent.reply;
    const { status, body: answer } = sent.reply;
    if (status === 200) {
      const renewed = this.#lease(
        { ...answer, owner_key: lease.ownerKey, acquired_at_ms: lease.acquiredAtMs },
        sent.firstSendMonoMs,
      );
      this.#state.renewed(renewed);
      return { kind: 'renewed', lease: renewed };
    }
    if (status === 410 || status === 403 || status === 404)
      this.#state.forget(lease.resource, lease.token);
    if (status === 410)
      return { kind: 'expired', token: lease.token, reason: goneReason(answer.reason) };
    if (status === 403 || status === 404) return { kind: 'notHolder', holder: null };
    if (status === 409 && answer.error === 'max_renewals_reached') {
      return {
        kind: 'maxRenewalsReached',
        renewals: Number(answer.renewals),
        maxRenewals: Number(answer.max_renewals),
      };
    }
    return refusal(sent.reply);
  }

  async release(lease: Lease, options: BudgetOptions = {}): Promise<ReleaseOutcome> {
    const attemptsMax = attemptsBudget(options);
    if (typeof attemptsMax !== 'number') return attemptsMax;
    const leaseId = leaseIdOf(lease);
    if (typeof leaseId !== 'string') return leaseId;
    const sent = await this.#send(
      '/v1/leases/release',
      { lease_id: leaseId, owner_key: lease.ownerKey },
      attemptsMax,
    );
    if (sent.reply.kind === 'unavailable') return sent.reply;
    const { status, body } = sent.reply;
    if (status === 410 || status === 404) this.#state.forget(lease.resource, lease.token);
    if (status === 200) {
      this.#state.released(lease, body.replayed === true);
      return { kind: 'released', token: lease.token, replayed: body.replayed === true };
    }
    if (status === 410 || status === 403 || status === 404)
      return { kind: 'notHolder', holder: null };
    return refusal(sent.reply);
  }

  async forceRelease(
    resource: string,
    options: { readonly expectedHolder?: string } = {},
  ): Promise<ForceReleaseOutcome> {
    const body = {
      resource,
      ...(options.expectedHolder === undefined ? {} : { expected_holder: options.expectedHolder }),
    };
    const sent = await this.#send('/v1/admin/force-release', body, attemptsBudget({}) as number);
    if (sent.reply.kind === 'unavailable') return sent.reply;
    const { status, body: answer } = sent.reply;
    if (status === 200) {
      this.#state.forget(resource, Number(answer.token));
      return {
        kind: 'forceReleased',
        previousHolder: String(answer.previous_holder),
        token: Number(answer.token),
      };
    }
    if (status === 409 && answer.error === 'not_held') return { kind: 'notHeld' };
    if (status === 409) return { kind: 'notHolder', holder: String(answer.holder) };
    return refusal(sent.reply);
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

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  #lease(body: any, sendMonoMs: number): HttpLease {
    const ttlMs = Number(body.ttl_ms);
    return {
      leaseId: String(body.lease_id),
      resource: String(body.resource),
      holder: String(body.holder),
      token: Number(body.token),
      ownerKey: String(body.owner_key),
      ttlMs,
      acquiredAtMs: Number(body.acquired_at_ms),
      expiresAtMs: Number(body.expires_at_ms),
      renewals: Number(body.renewals),
      validUntilMonoMs: beliefEndsAtMonoMs(sendMonoMs, ttlMs, this.config),
    };
  }

  /**
   * POSTs `body`, retrying within `attemptsMax` what may succeed on another try: a request that
   * failed in flight (its outcome unknown), 429, and 5xx. `firstSendMonoMs` is the earliest send
   * that may have been applied: the belief counts from it.
   */
  async #send(
    path: string,
    body: object,
    attemptsMax: number,
    waitMs = 0,
    retryUntilMonoMs = Number.POSITIVE_INFINITY,
  ): Promise<{ reply: Reply; firstSendMonoMs: number }> {
    let firstSendMonoMs: number | null = null;
    let reason = 'no attempt made';
    for (let attempt = 1; attempt <= attemptsMax; attempt++) {
      if (attempt > 1 && this.#clock.monoMs() >= retryUntilMonoMs) break;
      const sendMonoMs = this.#clock.monoMs();
      const reply = await this.#post(path, body, this.#requestMsMax + waitMs);
      if (reply.kind === 'reply' && reply.status < 500 && reply.status !== 429) {
        return { reply, firstSendMonoMs: Math.min(firstSendMonoMs ?? sendMonoMs, sendMonoMs) };
      }
      // A 5xx or a failure in flight may have been applied; a 429 or 503 was not, but counting
      // it only shortens the belief.
      firstSendMonoMs ??= sendMonoMs;
      reason =
        reply.kind === 'reply'
          ? `${path} answered ${reply.status}: ${String(reply.body?.message ?? '')}`
          : reply.reason;
      if (attempt < attemptsMax)
        await this.#clock.sleep(Math.min(BACKOFF_MS_MAX, BACKOFF_MS_BASE * 2 ** (attempt - 1)));
    }
    return {
      reply: { kind: 'unavailable', reason, attempts: attemptsMax },
      firstSendMonoMs: firstSendMonoMs ?? 0,
    };
  }

  async #post(path: string, body: object, timeoutMs: number): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    try {
      const response = await this.#fetch(this.#url + path, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: this.#timeoutSignal(timeoutMs),
      });
      const text = await response.text();
      let parsed: unknown = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { message: text.slice(0, 200) };
      }
      return { kind: 'reply', status: response.status, body: parsed };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return {
        kind: 'unavailable',
        reason: `${path}: ${cause ?? (error as Error).message}`,
        attempts: 1,
      };
    }
  }
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

/** A 4xx no call expected: bad input (named by the service), or a key that may not do this. */
function refusal(reply: Extract<Reply, { kind: 'reply' }>): Invalid {
  const { status, body } = reply;
  const message = String(body?.message ?? `status ${status}`);
  if (status === 401) return invalid('apiKey', `was refused by the service: ${message}`);
  if (status === 403) return invalid('holder', `may not be used with this API key: ${message}`);
  const field = typeof body?.field === 'string' ? body.field : 'request';
  return { kind: 'invalid', field, reason: message };
}
