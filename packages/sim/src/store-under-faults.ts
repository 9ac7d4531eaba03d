import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import type { CasResult, LeaseStore, PowerLoss, ReadResult } from '@leasehold/store';
import type { ApplyOutcome, CallOrigin, RecoveredRecord, UnavailableCause } from '@leasehold/step';
import { STORE_ENDPOINT, type Network } from './network.js';
import type { SimulatedStore } from './simulated-store.js';
import { fires } from './faults.js';
import {
  DUPLICATE_DELAY_MS_MAX,
  LATENCY_MS_BASE_MAX,
  LATENCY_MS_FAULT_MAX,
  LATENCY_MS_MIN,
  NODE_DOWN_MS_MAX,
  NODE_DOWN_MS_MIN,
  STORE_DOWN_MS_MAX,
  STORE_DOWN_MS_MIN,
} from './limits.js';
import type { NodeProcesses, SimNode } from './node-process.js';
import { StoreAudit } from './store-audit.js';
import { StoreStates, type QueryWindow } from './store-states.js';
import { showName, twinsOf } from './resource-names.js';
import type { WorldContext } from './world-context.js';

export type StoreRequest =
  | { readonly kind: 'read'; readonly resource: string }
  | {
      readonly kind: 'cas';
      readonly resource: string;
      readonly expectedVersion: number;
      readonly record: LeaseRecord;
      readonly event: HistoryEvent;
    };

export type Reply = ReadResult | CasResult;

/** One request in flight: answered at most once (by its reply or by the client's timeout). */
interface InFlight {
  readonly id: number;
  readonly node: SimNode;
  readonly incarnation: number;
  readonly request: StoreRequest;
  readonly op: number | null;
  /** The agent request a replica's call serves (service topology). */
  readonly served: number | null;
  /** Copies the network delivers (2 when it duplicates the request). */
  readonly copies: number;
  /** Copies the store has handled so far, and whether one of them applied the write. */
  handled: number;
  applied: boolean;
  readonly resolve: (reply: Reply) => void;
  settled: boolean;
  timedOut: boolean;
}

/** What the store did with one copy of a request. */
interface Handled {
  readonly reply: Reply;
  /** Why the reply says unavailable, when it does. */
  readonly cause: UnavailableCause | null;
  /** The store's version moved: the write applied. */
  readonly applied: boolean;
  /** The token of a new grant the write made, if it made one. */
  readonly granted: number | null;
}

/** The agent's request a replica's store call serves: its logical op, and who sent it when. */
export interface ServedRequest {
  readonly op: number | null;
  readonly origin: CallOrigin;
}

export interface Snapshot {
  readonly record: LeaseRecord | null;
  readonly version: number;
}

/**
 * The store as the nodes reach it: the real `MemoryStore` (the code under test) behind a network
 * and a process that fail. Every read and compare-and-set is a scheduled round trip: the request
 * may be stalled, duplicated, delivered late (after its client gave up), refused by an injected
 * failure, or meet a store that is restarting; the reply may be slow, lost at once (a reset), or
 * never come (the client waits its full timeout). The store may crash (durable) or lose power
 * (it forgets unsynced commits and recovers). Every request the store handles is recorded with the
 * store's record and version read back before and after, whatever the simulator expected.
 */
export class StoreUnderFaults {
  /** The store adapter under test, as the world runs it (`simulated-store.ts`). */
  readonly backend: SimulatedStore;
  /** What the store must list and keep in history, from the writes seen applied. */
  readonly audit: StoreAudit;
  /** The states the store went through while queries were in flight (store-states.ts). */
  readonly states = new StoreStates();
  readonly #ctx: WorldContext;
  readonly #nodes: NodeProcesses;
  #calls = 0;
  /**
   * Every resource a request has named: the world's, plus any other a client let through (a name
   * outside a documented limit, say). A power loss reports them all.
   */
  readonly #named: Set<string>;
  #downUntilMs = -Infinity;
  /** Bumped at every restart: replies of requests handled before it are lost. */
  #epoch = 0;

  /** The network's partitions, in the service topology (replicas reach the store through it). */
  readonly #links: Network | null;
  /** The world's resources that are twins of each resource (names a key encoding might fold). */
  readonly #twins: ReadonlyMap<string, readonly string[]>;
  /** Each resource's record as the last request applied left it. */
  readonly #lastRecord = new Map<string, LeaseRecord | null>();

  constructor(
    ctx: WorldContext,
    nodes: NodeProcesses,
    backend: SimulatedStore,
    links: Network | null,
  ) {
    this.#ctx = ctx;
    this.#nodes = nodes;
    this.#links = links;
    this.#named = new Set(ctx.resources);
    this.#twins = twinsAmong(ctx.resources);
    this.backend = backend;
    this.audit = new StoreAudit(backend.retention);
  }

  /** The adapter itself (listing, history, settings go to it directly). */
  get store(): LeaseStore {
    return this.backend.store;
  }

  /**
   * Opens a query's window: each resource's record as the store holds it now, and the states it
   * goes through until the window closes. Null when the store under test threw on a read back.
   */
  openQuery(): QueryWindow | null {
    const records = new Map<string, LeaseRecord | null>();
    for (const resource of this.#named) {
      const snapshot = this.#snapshot(resource);
      if (snapshot === null) return null;
      records.set(resource, snapshot.record);
    }
    return this.states.open(records);
  }

  /** Every resource a request has named (the world's, and any other a client let through). */
  named(): string[] {
    return [...this.#named];
  }

  #latencyMs(): number {
    const ctx = this.#ctx;
    if (ctx.swarm().storeLatency === undefined)
      return ctx.network.between(LATENCY_MS_MIN, LATENCY_MS_BASE_MAX);
    const latencyMs = ctx.network.between(LATENCY_MS_MIN, LATENCY_MS_FAULT_MAX);
    if (latencyMs > LATENCY_MS_BASE_MAX) ctx.counted('storeLatency');
    return latencyMs;
  }

  /**
   * A node (or a replica of the lease service, serving `origin`'s request) sends `request`; the
   * promise settles with the reply it gets, if it gets one.
   */
  call(node: SimNode, request: StoreRequest, origin: ServedRequest | null = null): Promise<Reply> {
    const ctx = this.#ctx;
    const incarnation = node.incarnation;
    // What the node did and saw when it sent the request, before any fault at this await.
    const wallMs = node.clock.wallMs();
    const monoMs = node.clock.monoMs();
    const op = origin === null ? (node.op?.id ?? null) : origin.op;
    ctx.scheduler.yielded();
    return new Promise<Reply>((resolve) => {
      const injected = this.#nodes.atAwait(node);
      if (injected === null || ctx.stopped()) return;
      const swarm = ctx.swarm();
      const duplicateDrawn = fires(swarm, 'storeDuplicate', ctx.faults);
      const duplicate = duplicateDrawn && ctx.strikes('storeDuplicate', node.id);
      const id = ++this.#calls;
      this.#named.add(request.resource);
      ctx.record({
        kind: 'call',
        node: node.id,
        inc: incarnation,
        call: id,
        op,
        req: request.kind,
        resource: request.resource,
        wallMs,
        monoMs,
        expectedVersion: request.kind === 'cas' ? request.expectedVersion : null,
        proposed: request.kind === 'cas' ? request.record : null,
        copies: duplicate ? 2 : 1,
        origin: origin === null ? null : origin.origin,
      });
      const flight: InFlight = {
        id,
        node,
        incarnation,
        request,
        op,
        served: origin?.origin.serve ?? null,
        copies: duplicate ? 2 : 1,
        handled: 0,
        applied: false,
        resolve,
        settled: false,
        timedOut: false,
      };
      const scheduler = ctx.scheduler;
      const departMs = scheduler.nowMs + injected.delayMs;
      const timeoutMs = ctx.settings.timeoutMs;
      let arriveMs = departMs + this.#latencyMs();
      if (fires(swarm, 'storeLateDelivery', ctx.faults)) {
        const lateMs = departMs + timeoutMs + ctx.faults.between(1, timeoutMs);
        if (ctx.strikes('storeLateDelivery', node.id)) {
          arriveMs = lateMs;
          ctx.fired('storeLateDelivery', node.id, arriveMs - departMs);
        }
      }
      scheduler.at(departMs + timeoutMs, () => this.#timeout(flight));
      // Across a partition the request never arrives: its sender waits out its timeout.
      if (this.#links?.cut(node.id, STORE_ENDPOINT) === true) return;
      scheduler.at(arriveMs, () => this.#arrive(flight, 0));
      if (duplicateDrawn) {
        const againMs = arriveMs + ctx.faults.between(1, DUPLICATE_DELAY_MS_MAX);
        if (!duplicate) return;
        ctx.fired('storeDuplicate', node.id, againMs - arriveMs);
        scheduler.at(againMs, () => this.#arrive(flight, 1));
      }
    });
  }

  /** The client's timeout: if no reply came, it gives up and the outcome is unknown. */
  #timeout(flight: InFlight): Promise<void> | undefined {
    if (flight.settled) return undefined;
    flight.timedOut = true;
    this.#ctx.mark('replyTimedOut');
    return this.#deliver(flight, unavailable(flight.request, 'timeout', true), 'timeout');
  }

  /** One copy of a request reaches the store. */
  #arrive(flight: InFlight, copy: number): Promise<void> | undefined {
    const ctx = this.#ctx;
    if (ctx.stopped()) return undefined;
    const epoch = this.#epoch;
    const handled = this.#handle(flight, copy);
    if (handled === null) return undefined;
    flight.handled += 1;
    if (handled.applied) flight.applied = true;
    if (copy > 0) {
      ctx.mark('requestDuplicated');
      return undefined;
    }
    if (flight.timedOut && handled.applied) ctx.mark('lateRequestApplied');
    this.#afterRequest();
    const swarm = ctx.phase() === 'safety' ? ctx.swarm() : {};
    let cause = handled.cause;
    if (
      cause === null &&
      fires(swarm, 'storeReplyLost', ctx.faults) &&
      ctx.strikes('storeReplyLost', flight.node.id)
    ) {
      ctx.fired('storeReplyLost', flight.node.id);
      if (handled.granted !== null)
        flight.node.lostGrants.set(flight.request.resource, handled.granted);
      // Half the lost replies reset the connection at once; the rest never come (timeout).
      if (ctx.faults.chance(1, 2)) return undefined;
      cause = 'reset';
    }
    if (this.#links?.cut(STORE_ENDPOINT, flight.node.id) === true) return undefined;
    const scheduler = ctx.scheduler;
    scheduler.at(scheduler.nowMs + this.#latencyMs(), () => {
      if (cause === null && this.#epoch !== epoch) cause = 'restarted';
      // A copy refused before it applied says nothing of a copy still on its way: the request
      // may yet apply, and the reply must not promise otherwise.
      const mayApply = flight.applied || flight.handled < flight.copies;
      const reply = cause === null ? handled.reply : unavailable(flight.request, cause, mayApply);
      return this.#deliver(flight, reply, cause);
    });
    return undefined;
  }

  /**
   * The store handles one copy: an injected failure or a restarting store refuses it before it is
   * applied; otherwise the real store reads or compare-and-sets. The record and version are read
   * back before and after, so the checker judges what the store did, not what it answered.
   */
  #handle(flight: InFlight, copy: number): Handled | null {
    const ctx = this.#ctx;
    const request = flight.request;
    const swarm = ctx.phase() === 'safety' ? ctx.swarm() : {};
    const before = this.#snapshot(request.resource);
    if (before === null) return null;
    let outcome: ApplyOutcome;
    let reply: Reply;
    let cause: UnavailableCause | null = null;
    if (ctx.scheduler.nowMs < this.#downUntilMs) {
      outcome = 'down';
      cause = 'down';
      reply = unavailable(request, cause, false);
    } else if (
      fires(swarm, request.kind === 'read' ? 'storeReadFail' : 'storeWriteFail', ctx.faults) &&
      ctx.strikes(request.kind === 'read' ? 'storeReadFail' : 'storeWriteFail', flight.node.id)
    ) {
      ctx.fired(request.kind === 'read' ? 'storeReadFail' : 'storeWriteFail', flight.node.id);
      outcome = 'failed';
      cause = 'failed';
      reply = unavailable(request, cause, false);
    } else {
      const result = this.#apply(request, before);
      if (result === null) return null;
      reply = result;
      outcome = result.kind === 'conflict' ? 'conflict' : 'ok';
    }
    const after = this.#snapshot(request.resource);
    if (after === null) return null;
    if (cause === null) {
      const problem = storeAnswerProblem(request, reply, before, after);
      if (problem !== null) ctx.storeContract(problem);
    }
    ctx.record({
      kind: 'apply',
      call: flight.id,
      node: flight.node.id,
      req: request.kind,
      resource: request.resource,
      copy,
      outcome,
      before: before.record,
      after: after.record,
      versionBefore: before.version,
      versionAfter: after.version,
    });
    if (outcome === 'conflict') ctx.mark('casConflict');
    const applied = request.kind === 'cas' && after.version !== before.version;
    if (applied) {
      this.audit.onApplied(request.record, before.version + 1, request.event);
      this.states.note(request.resource, after.record);
    }
    const granted = applied ? grantedToken(before.record, after.record) : null;
    if (granted !== null && before.record?.status === 'held') ctx.mark('takeoverAfterExpiry');
    this.#lastRecord.set(request.resource, after.record);
    if (granted !== null && this.#twinHeld(request.resource)) ctx.mark('twinsHeldTogether');
    return { reply, cause, applied, granted };
  }

  /** A twin of `resource` was held as the store last answered for it. */
  #twinHeld(resource: string): boolean {
    return (this.#twins.get(resource) ?? []).some(
      (twin) => this.#lastRecord.get(twin)?.status === 'held',
    );
  }

  /** The real store's answer; null if it threw (the run then fails as a crash, or as I-5). */
  #apply(request: StoreRequest, before: Snapshot): Reply | null {
    const store = this.backend;
    try {
      if (request.kind === 'read') return store.readNow(request.resource);
      return store.compareAndSetNow(
        request.resource,
        request.expectedVersion,
        request.record,
        request.event,
      );
    } catch (error) {
      const refused =
        request.kind === 'cas' ? { before: before.record, proposed: request.record } : null;
      this.#ctx.failure(error, refused);
      return null;
    }
  }

  #snapshot(resource: string): Snapshot | null {
    try {
      return this.backend.readBack(resource);
    } catch (error) {
      this.#ctx.failure(error);
      return null;
    }
  }

  #deliver(
    flight: InFlight,
    reply: Reply,
    cause: UnavailableCause | null,
  ): Promise<void> | undefined {
    if (flight.settled) return undefined;
    flight.settled = true;
    const node = flight.node;
    if (node.incarnation !== flight.incarnation || node.down) return undefined;
    const request = flight.request;
    this.#ctx.record({
      kind: 'reply',
      call: flight.id,
      node: node.id,
      op: flight.op,
      req: request.kind,
      resource: request.resource,
      result: reply.kind,
      cause,
      record:
        request.kind === 'read' && reply.kind === 'ok'
          ? (reply as ReadResult & { kind: 'ok' }).record
          : null,
      wallMs: node.clock.wallMs(),
      served: flight.served,
    });
    return this.#nodes.wake(node, flight.incarnation, () => flight.resolve(reply));
  }

  /** After each handled request, the store's process may crash or its machine lose power. */
  #afterRequest(): void {
    const ctx = this.#ctx;
    if (ctx.phase() !== 'safety') return;
    const swarm = ctx.swarm();
    const faults = ctx.faults;
    if (fires(swarm, 'storeCrash', faults)) {
      const downMs = faults.between(STORE_DOWN_MS_MIN, STORE_DOWN_MS_MAX);
      if (ctx.strikes('storeCrash', null)) this.#crash(downMs);
    }
    if (fires(swarm, 'storePowerLoss', faults)) this.#powerLoss('storePowerLoss');
    else if (fires(swarm, 'storeServerPowerLoss', faults)) this.#powerLoss('storeServerPowerLoss');
  }

  /** The store's process crashes and restarts `downMs` later (durable state kept). */
  #crash(downMs: number): void {
    const ctx = this.#ctx;
    this.#downUntilMs = ctx.scheduler.nowMs + downMs;
    this.#epoch += 1;
    ctx.fired('storeCrash', null, downMs);
  }

  /**
   * Power loss on the store's machine: the store forgets a suffix of its unsynced commits and
   * recovers (the quarantine of @leasehold/store's recovery.ts, from the instant of the loss).
   * With `storePowerLoss` every node dies with the machine (an embedded store shares it with its
   * clients); with `storeServerPowerLoss` the nodes are remote clients of a lease server and live
   * on, still believing in grants the store may have forgotten.
   */
  #powerLoss(kind: 'storePowerLoss' | 'storeServerPowerLoss'): void {
    const ctx = this.#ctx;
    const faults = ctx.faults;
    const nowMs = ctx.scheduler.nowMs;
    const power = this.backend.powerLoss;
    if (power === null) return;
    const before = new Map<string, LeaseRecord | null>();
    for (const resource of this.#named) {
      const snapshot = this.#snapshot(resource);
      if (snapshot === null) return;
      before.set(resource, snapshot.record);
    }
    const keep = faults.int(power.unsyncedCommits() + 1);
    const downMs = this.#powerLossDownMs();
    const recoveryKey = `recovery-key-${faults.int(1_000_000)}`;
    if (!ctx.strikes(kind, null)) return;
    let loss: PowerLoss;
    try {
      loss = power.lose(keep, nowMs, recoveryKey);
    } catch (error) {
      ctx.failure(error);
      return;
    }
    this.#downUntilMs = nowMs + downMs;
    this.#epoch += 1;
    ctx.fired(kind, null, loss.lost.length);
    const records: RecoveredRecord[] = [];
    for (const resource of this.#named) {
      const after = this.#snapshot(resource);
      if (after === null) return;
      const quarantined = loss.quarantined.find((q) => q.record.resource === resource);
      records.push({
        resource,
        before: before.get(resource) ?? null,
        survived: quarantined?.before ?? null,
        after: after.record,
        versionAfter: after.version,
      });
    }
    ctx.record({ kind: 'powerLoss', lost: loss.lost.length, records });
    this.audit.onPowerLoss(loss.lost.length, records);
    for (const r of records) this.states.note(r.resource, r.after);
    this.states.historyRewritten();
    if (loss.lost.some((event) => event.kind === 'granted')) ctx.mark('powerLossForgotGrant');
    if (kind === 'storeServerPowerLoss') return;
    for (const node of this.#nodes.nodes) {
      if (node.down || node.probe) continue;
      this.#nodes.crashFor(node, downMs + faults.between(NODE_DOWN_MS_MIN, NODE_DOWN_MS_MAX));
    }
  }

  /**
   * How long the store stays down after a power loss: half the time a restart quicker than the
   * shortest lease it may have forgotten (a restart that waits out every lease hides a recovery
   * that grants at once, the restart problem of Redlock), else anything up to the longest outage.
   */
  #powerLossDownMs(): number {
    const faults = this.#ctx.faults;
    const quickMs = Math.max(STORE_DOWN_MS_MIN, Math.floor(this.#ctx.settings.ttlMs[0]! / 4));
    return faults.chance(3, 4)
      ? faults.between(STORE_DOWN_MS_MIN, quickMs)
      : faults.between(STORE_DOWN_MS_MIN, STORE_DOWN_MS_MAX);
  }

  /** Heal: the store is back, whatever its down window said. */
  heal(): void {
    this.#downUntilMs = -Infinity;
  }
}

/** The token of the new grant a write made (a new holder or a new token), or null. */
function grantedToken(before: LeaseRecord | null, after: LeaseRecord | null): number | null {
  if (after === null || after.status !== 'held') return null;
  if (before !== null && before.status === 'held' && before.token === after.token) return null;
  return after.token;
}

const REASONS: Readonly<Record<UnavailableCause, string>> = {
  down: 'store is restarting',
  failed: 'store failed the request',
  reset: 'connection reset',
  timeout: 'store did not answer in time',
  restarted: 'store restarted before the reply was sent',
};

function unavailable(request: StoreRequest, cause: UnavailableCause, maybeApplied: boolean): Reply {
  const reason = REASONS[cause];
  if (request.kind === 'read') return { kind: 'unavailable', reason };
  return { kind: 'unavailable', reason, maybeApplied: cause === 'timeout' || maybeApplied };
}

/**
 * Why the real store's answer to one request breaks the `LeaseStore` contract, judged against
 * what the store did (its record and version read back before and after), or null. A
 * compare-and-set applies if and only if `expectedVersion` is the current version, moves the
 * version up by one, and answers `ok` with the new version; a refused one changes nothing and
 * answers `conflict` with the current version. A read changes nothing and answers the current
 * version. A store may answer `unavailable`, promising `maybeApplied` for a write it applied.
 */
export function storeAnswerProblem(
  request: StoreRequest,
  reply: Reply,
  before: Snapshot,
  after: Snapshot,
): string | null {
  const moved = after.version !== before.version;
  const named = 'record' in reply ? reply.record?.resource : undefined;
  if (named !== undefined && named !== request.resource)
    return `a ${request.kind} of ${showName(request.resource)} was answered the record of ${showName(named)}`;
  if (request.kind === 'read') {
    if (moved) return `a read moved the version from ${before.version} to ${after.version}`;
    if (reply.kind === 'unavailable') return null;
    return reply.kind === 'ok' && reply.version === before.version
      ? null
      : `a read at version ${before.version} was answered ${JSON.stringify(reply)}`;
  }
  const current = request.expectedVersion === before.version;
  if (moved && !current)
    return `a compare-and-set expecting version ${request.expectedVersion} applied over version ${before.version}`;
  if (!moved && current)
    return `a compare-and-set at the current version ${before.version} did not apply (answered ${JSON.stringify(reply)})`;
  if (moved && after.version !== before.version + 1)
    return `one write moved the version from ${before.version} to ${after.version}`;
  if (reply.kind === 'unavailable')
    return moved && !('maybeApplied' in reply && reply.maybeApplied)
      ? `a compare-and-set that applied was answered unavailable without maybeApplied`
      : null;
  if (moved)
    return reply.kind === 'ok' && reply.version === after.version
      ? null
      : `a compare-and-set that applied (version ${after.version}) was answered ${JSON.stringify(reply)}`;
  return reply.kind === 'conflict' && reply.version === before.version
    ? null
    : `a compare-and-set refused at version ${before.version} was answered ${JSON.stringify(reply)}`;
}

/** For each of `resources`, the others that are its twins (either way round, `twinsOf`). */
function twinsAmong(resources: readonly string[]): Map<string, string[]> {
  const twins = new Map<string, string[]>();
  for (const a of resources) {
    const of = new Set(twinsOf(a).map((twin) => twin.name));
    for (const b of resources) {
      if (a === b || !(of.has(b) || twinsOf(b).some((twin) => twin.name === a))) continue;
      twins.set(a, [...(twins.get(a) ?? []), b]);
    }
  }
  return twins;
}
