import {
  checkAcquireRequest,
  checkResource,
  checkTtlMs,
  decideAcquire,
  decideExpire,
  decideForceRelease,
  decideRelease,
  decideRenew,
  endedGrantReason,
  invalid,
  type Decision,
  type HeldRecord,
  type LeaseRecord,
} from '@leasehold/core';
import { CasLoop } from '@leasehold/client';
import type { LeaseStore } from '@leasehold/store';
import { decodeLeaseId, encodeLeaseId, type LeaseRef } from './lease-id.js';
import {
  SERVICE_ATTEMPTS_MAX,
  SERVICE_BACKOFF_MS_BASE,
  SERVICE_BACKOFF_MS_MAX,
  WAIT_MS_MAX,
  WAIT_ROUNDS_MAX,
} from './limits.js';
import { newOwnerKey, newRequestId, secretsEqual, type RandomBytes } from './secrets.js';
import type {
  AcquireAnswer,
  Forbidden,
  ForceReleaseAnswer,
  Gone,
  LeaseView,
  NotFound,
  ReleaseAnswer,
  RenewAnswer,
  ServiceClock,
  ServiceObserver,
  ServiceUnavailable,
  SettingsStore,
} from './service-types.js';
import {
  applySettingsPatch,
  DEFAULT_SETTINGS,
  settingsView,
  type ServiceSettings,
} from './service-settings.js';
import { Waiters } from './waiters.js';
import { LeaseQueries } from './lease-queries.js';

export interface LeaseServiceOptions {
  readonly store: LeaseStore;
  readonly clock: ServiceClock;
  readonly random: RandomBytes;
  /** Where settings changed at runtime are kept; without one they last until a restart. */
  readonly settingsStore?: SettingsStore;
  readonly observer?: ServiceObserver;
}

export interface AcquireInput {
  readonly resource: string;
  readonly holder: string;
  readonly ttlMs?: number;
  /** Caller-chosen: a retry carrying it yields at most one grant (I-8), and the same answer. */
  readonly requestId?: string;
  /** Wait up to this long for the lease to be released or to become claimable. */
  readonly waitMs?: number;
  /**
   * The lowest token this request may be granted (the caller's knowledge of the resource). A copy
   * or retry of the request decided after the record forgot the request id is refused, not
   * granted a second time (I-8).
   */
  readonly tokenFloor?: number;
  /** The lease's own renewal limit, kept in its record (the deployment's applies beside it). */
  readonly maxRenewals?: number;
  /** The lease's own maximum age: no renewal extends it past `acquiredAtMs + maxAgeMs`. */
  readonly maxAgeMs?: number;
}

export interface RenewInput {
  readonly leaseId: string;
  readonly ownerKey: string;
  readonly ttlMs?: number;
  /** The heartbeat throttle: inside this interval since the last write, skip the renewal. */
  readonly minIntervalMs?: number;
  /** The holder the caller's API key is bound to, when the service checks API keys. */
  readonly asHolder?: string;
}

export interface ReleaseInput {
  readonly leaseId: string;
  readonly ownerKey: string;
  readonly asHolder?: string;
}

/** One acquire's state across its rounds and store attempts. */
interface AcquireAttempt {
  /** The lowest token a grant of this request may have (the caller's floor, or a write's). */
  uncertainToken: number | null;
  readonly ownerKey: string;
  /** A write of this call may have applied (its outcome unknown). */
  indeterminate: boolean;
  /** One above the record's token when this call last decided to grant. */
  passedFloor: number | null;
}

/** What every view of one service shares (`LeaseService.through`). */
interface Shared {
  settings: ServiceSettings;
  readonly waiters: Waiters;
  readonly cas: CasLoop;
  /** The options the service was opened with. */
  readonly options: LeaseServiceOptions;
}

/** What one pass of read -> decide -> compare-and-set ended with. */
type Mutated<R> = { readonly kind: 'ok'; readonly result: R } | ServiceUnavailable;

/**
 * The lease service, independent of any transport: each request is validated, then read ->
 * pure decision (`@leasehold/core`) -> compare-and-set on the store, retried within a bound. The
 * service's own clock decides expiry for every lease, so agents on machines with skewed clocks
 * still agree; the agents keep their belief from their own monotonic clocks. It reads time and
 * randomness only through the injected clock and random source, so the simulator can run it.
 */
export class LeaseService {
  /** The store this view reads and writes through (every view shares one store). */
  readonly #store: LeaseStore;
  readonly #clock: ServiceClock;
  readonly #random: RandomBytes;
  readonly #settingsStore: SettingsStore | undefined;
  readonly #observer: ServiceObserver;
  /** What every view of this service shares: its settings, waiters and engine. */
  readonly #shared: Shared;
  readonly queries: LeaseQueries;

  private constructor(options: LeaseServiceOptions, shared?: Shared) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#settingsStore = options.settingsStore;
    this.#observer = options.observer ?? {};
    this.#shared = shared ?? {
      settings: DEFAULT_SETTINGS,
      waiters: new Waiters({ sleep: (ms, signal) => options.clock.sleep(ms, signal) }),
      // The read -> decide -> compare-and-set engine LeaseClient runs too.
      cas: new CasLoop({
        store: options.store,
        clock: options.clock,
        backoffMsBase: SERVICE_BACKOFF_MS_BASE,
        backoffMsMax: SERVICE_BACKOFF_MS_MAX,
        conflictsMax: SERVICE_ATTEMPTS_MAX,
      }),
      options,
    };
    this.queries = new LeaseQueries(options.store, () => this.#clock.wallMs());
  }

  /**
   * This service, reaching its store through `store` (another view of the same store): settings,
   * waiters and everything else are shared. A caller that must know which request each store call
   * serves (the simulator's replicas) serves each request through a view of its own.
   */
  through(store: LeaseStore): LeaseService {
    return new LeaseService({ ...this.#shared.options, store }, this.#shared);
  }

  /** A service over `store`, with the settings kept there (or the defaults). */
  static async open(
    options: LeaseServiceOptions,
  ): Promise<{ kind: 'ok'; service: LeaseService } | { kind: 'refused'; reason: string }> {
    const service = new LeaseService(options);
    const loaded = await options.settingsStore?.load();
    if (loaded?.kind === 'unavailable') {
      return { kind: 'refused', reason: `cannot read the stored settings: ${loaded.reason}` };
    }
    const saved = loaded?.settings ?? null;
    if (saved !== null) {
      const applied = applySettingsPatch(DEFAULT_SETTINGS, saved);
      if (applied.kind === 'invalid') {
        return { kind: 'refused', reason: `the stored settings are invalid: ${applied.reason}` };
      }
      service.#shared.settings = applied.settings;
    }
    return { kind: 'ok', service };
  }

  get settings(): ServiceSettings {
    return this.#shared.settings;
  }

  /** Acquires waiting at this moment. */
  get waiting(): number {
    return this.#shared.waiters.count;
  }

  /** Checks and applies a settings patch, keeps it in the store, and uses it from now on. */
  async updateSettings(
    patch: unknown,
  ): Promise<ReturnType<typeof applySettingsPatch> | ServiceUnavailable> {
    const applied = applySettingsPatch(this.#shared.settings, patch);
    if (applied.kind === 'invalid') return applied;
    // Kept first, used second: a setting the store did not take is not applied either.
    const saved = await this.#settingsStore?.save(settingsView(applied.settings));
    if (saved?.kind === 'unavailable') return saved;
    this.#shared.settings = applied.settings;
    return applied;
  }

  async acquire(input: AcquireInput): Promise<AcquireAnswer> {
    const config = this.#shared.settings.lease;
    const ttlMs = input.ttlMs ?? config.ttlMsDefault;
    const waitMs = input.waitMs ?? 0;
    const requestId = input.requestId ?? newRequestId(this.#random);
    const attempt: AcquireAttempt = {
      uncertainToken: input.tokenFloor ?? null,
      ownerKey: newOwnerKey(this.#random),
      indeterminate: false,
      passedFloor: null,
    };
    // Every field is checked before the store is asked anything (as the client does).
    const problem =
      checkAcquireRequest(
        {
          resource: input.resource,
          holder: input.holder,
          requestId,
          ownerKey: attempt.ownerKey,
          ttlMs,
          uncertainToken: attempt.uncertainToken,
          maxRenewals: input.maxRenewals ?? null,
          maxAgeMs: input.maxAgeMs ?? null,
        },
        config,
      ) ?? checkWaitMs(waitMs);
    if (problem !== null) return problem;
    const deadlineMonoMs = this.#clock.monoMs() + waitMs;
    for (let round = 0; round < WAIT_ROUNDS_MAX; round++) {
      // Watched from before the read: a release by another process in between still wakes it.
      const watch = waitMs > 0 ? this.#watchStore(input.resource) : null;
      const answer = await this.#acquireOnce(input, requestId, ttlMs, attempt);
      const leftMs = deadlineMonoMs - this.#clock.monoMs();
      if (answer.kind !== 'held' || leftMs <= 0) {
        watch?.abort();
        if (answer.kind === 'held') this.#observer.conflict?.(input.resource);
        return answer;
      }
      const wait = this.#shared.waiters.wait(input.resource, Math.min(leftMs, answer.retryAfterMs));
      const ended = wait === null ? null : await wait;
      watch?.abort();
      if (ended === null) return { kind: 'unavailable', reason: 'too many waiting acquires' };
      if (ended === 'closing') return { kind: 'unavailable', reason: 'shutting down' };
    }
    return { kind: 'unavailable', reason: `waited ${WAIT_ROUNDS_MAX} rounds` };
  }

  async #acquireOnce(
    input: AcquireInput,
    requestId: string,
    ttlMs: number,
    attempt: AcquireAttempt,
  ): Promise<AcquireAnswer> {
    const mutated = await this.#mutate(
      input.resource,
      (record, nowMs) => {
        // While nothing this call wrote may have applied, its last decision's floor holds: grants
        // others made since (a herd of waiters woken together) do not make it unanswerable.
        if (!attempt.indeterminate && attempt.passedFloor !== null)
          attempt.uncertainToken = Math.max(attempt.uncertainToken ?? 0, attempt.passedFloor);
        const decision = decideAcquire(
          record,
          {
            resource: input.resource,
            holder: input.holder,
            requestId,
            // A retry of a granted request is answered with the grant: it needs the key it got.
            ownerKey: replayedOwnerKey(record, requestId, input.holder) ?? attempt.ownerKey,
            maxRenewals: input.maxRenewals ?? null,
            maxAgeMs: input.maxAgeMs ?? null,
            ttlMs,
            uncertainToken: attempt.uncertainToken,
          },
          nowMs,
          this.#shared.settings.lease,
        );
        // A grant or `held` decided here found no grant of this request anywhere (no mark, and
        // the floor check passed): any grant of it yet to come is above this record's token.
        if (decision.write !== null || decision.result.kind === 'held')
          attempt.passedFloor = (record?.token ?? 0) + 1;
        return decision;
      },
      (proposed) => {
        attempt.indeterminate = true;
        attempt.uncertainToken = Math.min(attempt.uncertainToken ?? proposed.token, proposed.token);
      },
    );
    if (mutated.kind === 'unavailable') {
      // Nothing this call wrote may have applied: the caller may raise its floor (its retries
      // are then not refused for grants made meanwhile by others).
      const floor = attempt.indeterminate ? null : attempt.passedFloor;
      return floor === null ? mutated : { ...mutated, tokenFloor: floor };
    }
    const { result } = mutated;
    switch (result.kind) {
      case 'granted':
        if (!result.replayed) this.#observer.granted?.(input.resource);
        return { kind: 'granted', lease: leaseView(result.lease), replayed: result.replayed };
      case 'expired':
        return {
          kind: 'gone',
          token: result.token,
          reason: result.reason,
          holder: null,
          lastHolder: null,
        };
      case 'held':
      case 'invalid':
        return result;
    }
  }

  async renew(input: RenewInput): Promise<RenewAnswer> {
    const config = this.#shared.settings.lease;
    if (input.ttlMs !== undefined) {
      const problem = checkTtlMs(input.ttlMs, config);
      if (problem !== null) return problem;
    }
    const ref = decodeLeaseId(input.leaseId);
    if (ref === null) return { kind: 'notFound' };
    const requestId = newRequestId(this.#random);
    const mutated = await this.#mutate<RenewAnswer>(ref.resource, (record, nowMs) => {
      const refusal = this.#ownerRefusal(record, ref, input.ownerKey, input.asHolder);
      if (refusal !== null) return { result: refusal, write: null };
      const held = record as HeldRecord;
      const sinceMs = nowMs - held.updatedAtMs;
      if (input.minIntervalMs !== undefined && sinceMs < input.minIntervalMs) {
        if (nowMs < held.expiresAtMs) {
          return { result: { kind: 'skipped', lease: leaseView(held) }, write: null };
        }
      }
      const request = {
        resource: ref.resource,
        holder: held.holder,
        token: ref.token,
        ownerKey: input.ownerKey,
        requestId,
        ttlMs: input.ttlMs ?? held.ttlMs,
      };
      const decision = decideRenew(record, request, nowMs, config);
      return { result: renewAnswer(decision.result), write: decision.write };
    });
    if (mutated.kind === 'ok' && mutated.result.kind === 'renewed' && !mutated.result.replayed) {
      this.#observer.renewed?.(ref.resource);
    }
    return mutated.kind === 'ok' ? mutated.result : mutated;
  }

  async release(input: ReleaseInput): Promise<ReleaseAnswer> {
    const ref = decodeLeaseId(input.leaseId);
    if (ref === null) return { kind: 'notFound' };
    const requestId = newRequestId(this.#random);
    const mutated = await this.#mutate<ReleaseAnswer>(ref.resource, (record, nowMs) => {
      if (record !== null && record.status === 'free' && record.token === ref.token) {
        // Already ended. Its own release, retried, answers `released`; any other end is gone.
        if (record.freedBy !== 'released') return { result: gone(record, ref.token), write: null };
        return { result: { kind: 'released', token: ref.token, replayed: true }, write: null };
      }
      const refusal = this.#ownerRefusal(record, ref, input.ownerKey, input.asHolder);
      if (refusal !== null) return { result: refusal, write: null };
      const held = record as HeldRecord;
      const request = {
        resource: ref.resource,
        holder: held.holder,
        token: ref.token,
        ownerKey: input.ownerKey,
        requestId,
      };
      const decision = decideRelease(record, request, nowMs);
      if (decision.result.kind === 'notHolder')
        return { result: gone(record, ref.token), write: null };
      return { result: decision.result, write: decision.write };
    });
    if (mutated.kind === 'unavailable') return mutated;
    if (mutated.result.kind === 'released' && !mutated.result.replayed) {
      this.#observer.released?.(ref.resource);
      this.#shared.waiters.wake(ref.resource);
    }
    return mutated.result;
  }

  /** Admin: frees `resource` whoever holds it (or only `expectedHolder`), bumping the token. */
  async forceRelease(
    resource: string,
    expectedHolder: string | null,
    by: string,
    /** The caller's id for this force-release, the same on every retry (else a fresh one). */
    requestId?: string,
  ): Promise<ForceReleaseAnswer> {
    const problem = checkResource(resource);
    if (problem !== null) return problem;
    const request = {
      resource,
      expectedHolder,
      requestId: requestId ?? newRequestId(this.#random),
      by,
    };
    const mutated = await this.#mutate(resource, (record, nowMs) =>
      decideForceRelease(record, request, nowMs),
    );
    if (mutated.kind === 'unavailable') return mutated;
    const { result } = mutated;
    switch (result.kind) {
      case 'forceReleased':
        this.#observer.forceReleased?.(resource);
        this.#shared.waiters.wake(resource);
        return result;
      case 'notHolder':
        return result.holder === null
          ? { kind: 'notHeld' }
          : { kind: 'holderMismatch', holder: result.holder };
      case 'notHeld':
      case 'invalid':
        return result;
    }
  }

  /** Admin: force-releases every lease `holder` holds (an agent that crashed). */
  async releaseHolder(
    holder: string,
    by: string,
  ): Promise<
    | { kind: 'ok'; released: { resource: string; token: number }[]; remaining: boolean }
    | ServiceUnavailable
  > {
    const held = await this.queries.heldBy(holder);
    if (held.kind === 'unavailable') return held;
    const released: { resource: string; token: number }[] = [];
    for (const record of held.records) {
      const answer = await this.forceRelease(record.resource, holder, by);
      if (answer.kind === 'unavailable') return answer;
      if (answer.kind === 'forceReleased')
        released.push({ resource: record.resource, token: answer.token });
    }
    return { kind: 'ok', released, remaining: held.truncated };
  }

  /**
   * Cleanup: marks every lease past its claimable point free (so listings and history show it
   * ended; waiters are woken), and deletes history older than the retention.
   */
  async cleanup(): Promise<
    { kind: 'ok'; expired: string[]; pruned: number; scanned: number } | ServiceUnavailable
  > {
    const config = this.#shared.settings.lease;
    const candidates = await this.queries.pastExpiry();
    if (candidates.kind === 'unavailable') return candidates;
    const expired: string[] = [];
    for (const record of candidates.records) {
      const request = { resource: record.resource, requestId: newRequestId(this.#random) };
      const mutated = await this.#mutate(record.resource, (current, nowMs) =>
        decideExpire(current, request, nowMs, config),
      );
      if (mutated.kind === 'unavailable') return mutated;
      if (mutated.result.kind === 'expiredNow') {
        expired.push(record.resource);
        this.#observer.expired?.(record.resource);
        this.#shared.waiters.wake(record.resource);
      }
    }
    const beforeMs = this.#clock.wallMs() - this.#shared.settings.historyRetentionMs;
    const pruned = await this.#store.pruneHistory(beforeMs);
    if (pruned.kind === 'unavailable') return pruned;
    return { kind: 'ok', expired, pruned: pruned.removed, scanned: candidates.scanned };
  }

  /**
   * Changes other processes make (another service on the same SQLite file or etcd cluster) wake
   * this service's waiters through the store's watch, when it has one; this service's own
   * releases wake them directly.
   */
  #watchStore(resource: string): AbortController | null {
    if (this.#store.watch === undefined) return null;
    const stop = new AbortController();
    void this.#store.watch(resource, stop.signal).then(() => {
      if (!stop.signal.aborted) this.#shared.waiters.wake(resource);
    });
    return stop;
  }

  /** Ends every waiting acquire (they answer `unavailable`: shutting down). */
  closeWaiters(): void {
    this.#shared.waiters.close();
  }

  /** Wakes the acquires waiting for `resource` (a change seen by a watch or poll). */
  wake(resource: string): void {
    this.#shared.waiters.wake(resource);
  }

  waitedResources(): string[] {
    return this.#shared.waiters.resources();
  }

  /**
   * Renew and release are for the owner only: the lease id must name a grant this service
   * issued, the owner key must match (compared in constant time), and an API key bound to a
   * holder must be that holder's. Null when the caller owns the current grant.
   */
  #ownerRefusal(
    record: LeaseRecord | null,
    ref: LeaseRef,
    ownerKey: string,
    asHolder: string | undefined,
  ): NotFound | Forbidden | Gone | null {
    if (record === null || ref.token > record.token) return { kind: 'notFound' };
    if (record.status === 'free' || record.token !== ref.token) return gone(record, ref.token);
    if (!secretsEqual(record.ownerKey, ownerKey)) {
      return { kind: 'forbidden', reason: 'the owner key does not match this lease' };
    }
    if (asHolder !== undefined && asHolder !== record.holder) {
      return { kind: 'forbidden', reason: 'this API key belongs to another holder' };
    }
    return null;
  }

  async #mutate<R>(
    resource: string,
    decide: (record: LeaseRecord | null, nowMs: number) => Decision<R>,
    onIndeterminate?: (proposed: LeaseRecord) => void,
  ): Promise<Mutated<R>> {
    const settled = await this.#shared.cas.mutate(resource, decide, {
      attemptsMax: SERVICE_ATTEMPTS_MAX,
      store: this.#store,
      ...(onIndeterminate === undefined ? {} : { onIndeterminate }),
    });
    if (settled.kind === 'unavailable') return { kind: 'unavailable', reason: settled.reason };
    return { kind: 'ok', result: settled.result };
  }
}

function checkWaitMs(waitMs: number) {
  if (Number.isSafeInteger(waitMs) && waitMs >= 0 && waitMs <= WAIT_MS_MAX) return null;
  return invalid('waitMs', `must be an integer from 0 to ${WAIT_MS_MAX}`);
}

function replayedOwnerKey(
  record: LeaseRecord | null,
  requestId: string,
  holder: string,
): string | null {
  if (record === null || record.status !== 'held' || record.holder !== holder) return null;
  const mark = record.recentGrants.find((m) => m.requestId === requestId);
  return mark !== undefined && mark.token === record.token ? record.ownerKey : null;
}

function gone(record: LeaseRecord | null, token: number): Gone {
  const reason = record === null ? 'superseded' : endedGrantReason(record, token);
  return {
    kind: 'gone',
    token,
    reason,
    holder: record?.status === 'held' ? record.holder : null,
    lastHolder: record?.status === 'free' ? record.lastHolder : null,
  };
}

function renewAnswer(result: ReturnType<typeof decideRenew>['result']): RenewAnswer {
  switch (result.kind) {
    case 'renewed':
      return { kind: 'renewed', lease: leaseView(result.lease), replayed: result.replayed };
    case 'expired':
      return {
        kind: 'gone',
        token: result.token,
        reason: result.reason,
        holder: null,
        lastHolder: null,
      };
    case 'notHolder':
      return { kind: 'forbidden', reason: 'not the holder of this lease' };
    case 'maxRenewalsReached':
    case 'invalid':
      return result;
  }
}

export function leaseView(lease: Omit<LeaseView, 'leaseId'>): LeaseView {
  return {
    leaseId: encodeLeaseId(lease.resource, lease.token),
    resource: lease.resource,
    holder: lease.holder,
    token: lease.token,
    ownerKey: lease.ownerKey,
    ttlMs: lease.ttlMs,
    acquiredAtMs: lease.acquiredAtMs,
    expiresAtMs: lease.expiresAtMs,
    renewals: lease.renewals,
    maxRenewals: lease.maxRenewals,
    maxAgeMs: lease.maxAgeMs,
  };
}
