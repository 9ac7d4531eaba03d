import { counterIds, type Lease } from '@leasehold/client';
import {
  decideFencedWrite,
  type Belief,
  type InvariantViolation,
  type LeaseConfig,
  type LeaseRecord,
} from '@leasehold/core';
import { MemoryStore, type CasResult, type ReadResult } from '@leasehold/store';
import { Checker } from './checker';
import { emptyMarks, type Mark, type MarkCounts } from './coverage';
import { EventQueue } from './event-queue';
import { FAULT_KINDS, fires, type FaultKind, type Swarm } from './faults';
import type { Implementation, LeaseClientLike } from './implementation';
import {
  LATENCY_MS_BASE_MAX,
  LATENCY_MS_FAULT_MAX,
  LATENCY_MS_MIN,
  STORE_HISTORY_EVENTS_MAX,
  STORE_CEILING_STEP,
  STORE_UNSYNCED_COMMITS_MAX,
} from './limits';
import { Prng } from './prng';
import { SimClock, type ClockSettings } from './sim-clock';
import { NodeStoreView, type StoreOp } from './store-view';
import type { Observation, Observer } from './observation';
import { Trace, type TraceEvent } from './trace';
import { SIM_WORKLOAD, type WorkloadKnobs } from './workload-settings';

/** A simulated node: a process with its own clocks that crashes and restarts. */
export interface SimNode {
  readonly id: string;
  readonly clock: SimClock;
  /** Bumped at every crash: replies addressed to an earlier incarnation are dropped. */
  incarnation: number;
  down: boolean;
  client: LeaseClientLike | null;
  /** The lease this node currently acts on (the checker asks the client whether it believes). */
  lease: Lease | null;
  /** The last record this node read and its wall clock when the reply arrived (I-4). */
  lastRead: { record: LeaseRecord | null; wallMs: number } | null;
  /** Grants whose reply was lost, by resource: token (coverage mark). */
  readonly lostGrants: Map<string, number>;
  readonly workload: Prng;
  /** A probe node only runs the liveness check. */
  readonly probe: boolean;
}

export type Phase = 'safety' | 'heal';

export interface WorldOptions {
  readonly seed: string;
  readonly config: LeaseConfig;
  readonly swarm: Swarm;
  readonly nodes: number;
  readonly resources: readonly string[];
  readonly implementation: Implementation;
  readonly checks: boolean;
  readonly trace: Trace;
  readonly observer?: Observer | undefined;
  readonly workload?: WorkloadKnobs | undefined;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Where true time starts in every run: 2026-01-01T00:00:00Z. */
export const EPOCH_MS = 1_767_225_600_000;

/**
 * The simulated world: true time, the event queue, the store, the fenced resources and the nodes.
 * Every await of node code on the store, a clock or a fenced resource returns a promise that only
 * an event of this queue resolves; after waking a node, the world waits until that node awaits
 * again (or finishes), so runs are sequential, interleaved and exactly reproducible.
 */
export class World {
  readonly config: LeaseConfig;
  readonly resources: readonly string[];
  /** Narrowed workload knobs of this run (shrinking); unset knobs use SIM_WORKLOAD. */
  readonly workload: WorkloadKnobs;
  readonly nodes: SimNode[] = [];
  readonly checker: Checker;
  readonly trace: Trace;
  readonly marks: MarkCounts = emptyMarks();
  readonly faultsFired: Record<FaultKind, number> = Object.fromEntries(
    FAULT_KINDS.map((k) => [k, 0]),
  ) as Record<FaultKind, number>;
  /** Durable state of the simulated store; history retention keeps long runs flat. */
  readonly store: MemoryStore;
  readonly #queue = new EventQueue();
  readonly #implementation: Implementation;
  readonly #scheduler: Prng;
  readonly #faults: Prng;
  readonly #clocks: Prng;
  readonly #seed: string;
  readonly #observer: Observer | null;
  #swarm: Swarm;
  #nowMs = EPOCH_MS;
  #step = 0;
  #yield: Deferred | null = null;
  #storeDownUntilMs = -Infinity;
  #storeEpoch = 0;
  /** Tokens below this were issued before the store last lost commits (Checker.onInstant). */
  #consistencyTokenMin = 0;
  phase: Phase = 'safety';
  violation: (InvariantViolation & { step: number; atMs: number; liveness: boolean }) | null = null;
  probesDone = 0;
  crash: { message: string; stack: string; step: number } | null = null;

  constructor(options: WorldOptions) {
    this.config = options.config;
    this.resources = options.resources;
    this.workload = options.workload ?? {};
    this.#implementation = options.implementation;
    this.#seed = options.seed;
    this.#observer = options.observer ?? null;
    this.#swarm = options.swarm;
    this.store = new MemoryStore({
      historyEntriesMax: STORE_HISTORY_EVENTS_MAX,
      ...(options.swarm.storePowerLoss === undefined &&
      options.swarm.storeServerPowerLoss === undefined
        ? {}
        : { unsyncedCommitsMax: STORE_UNSYNCED_COMMITS_MAX, ceilingStep: STORE_CEILING_STEP }),
      ...(options.implementation.recovery === undefined
        ? {}
        : { recoveryRule: options.implementation.recovery }),
    });
    this.checker = new Checker(options.config, options.checks);
    this.trace = options.trace;
    this.#scheduler = new Prng(options.seed, 'scheduler');
    this.#faults = new Prng(options.seed, 'faults');
    this.#clocks = new Prng(options.seed, 'clocks');
    for (let i = 0; i < options.nodes; i++) this.nodes.push(this.#newNode(`n${i + 1}`, false));
  }

  get step(): number {
    return this.#step;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  /** Milliseconds since the run started, for trace lines. */
  elapsedMs(): number {
    return this.#nowMs - EPOCH_MS;
  }

  get swarm(): Swarm {
    return this.#swarm;
  }

  // ---- the scheduler ------------------------------------------------------------------------

  schedule(atMs: number, fire: () => void | Promise<void>): void {
    this.#queue.push(Math.max(atMs, this.#nowMs), fire);
  }

  get pendingEvents(): number {
    return this.#queue.size;
  }

  /** Pops and fires one event; false when the queue is empty. */
  async runOne(): Promise<boolean> {
    const event = this.#queue.pop();
    if (event === undefined) return false;
    this.#nowMs = event.atMs;
    this.#step += 1;
    const pending = event.fire();
    if (pending !== undefined) await pending;
    if (this.violation === null && this.crash === null) this.checkInstant();
    return true;
  }

  /** Resolves a node's await and waits until that node awaits again or finishes. */
  wake(node: SimNode, incarnation: number, resume: () => void): Promise<void> | undefined {
    if (node.incarnation !== incarnation || node.down) return undefined;
    const waiter = deferred();
    this.#yield = waiter;
    resume();
    return waiter.promise;
  }

  /** Node code calls this at every await it makes on the world. */
  nodeYielded(): void {
    const waiter = this.#yield;
    this.#yield = null;
    waiter?.resolve();
  }

  record(event: TraceEvent): void {
    this.trace.record(event);
  }

  /** Hands one step to the run's observer, if it has one (built lazily: free when none). */
  observe(make: () => Observation): void {
    if (this.#observer !== null) this.#observer(make());
  }

  fail(violation: InvariantViolation | null): void {
    if (violation === null || this.violation !== null) return;
    this.violation = { ...violation, step: this.#step, atMs: this.elapsedMs(), liveness: false };
    this.record({
      s: this.#step,
      t: this.elapsedMs(),
      e: 'violation',
      inv: violation.invariant,
      msg: violation.message,
    });
  }

  /** I-4, liveness half: a waiting node did not get a lease within the stated bound. */
  failLiveness(resource: string, message: string): void {
    if (this.violation !== null) return;
    this.violation = {
      invariant: 'I-4',
      name: 'ExpiredLeaseClaimable',
      message,
      step: this.#step,
      atMs: this.elapsedMs(),
      liveness: true,
    };
    this.record({
      s: this.#step,
      t: this.elapsedMs(),
      e: 'violation',
      inv: 'I-4',
      r: resource,
      msg: message,
    });
  }

  probeDone(): void {
    this.probesDone += 1;
  }

  crashed(error: unknown): void {
    if (this.crash !== null) return;
    const err = error instanceof Error ? error : new Error(String(error));
    this.crash = { message: err.message, stack: err.stack ?? err.message, step: this.#step };
    this.record({ s: this.#step, t: this.elapsedMs(), e: 'crash', msg: err.message });
  }

  mark(mark: Mark): void {
    this.marks[mark] += 1;
  }

  fired(kind: FaultKind, node: string | null, detail: number | null = null): void {
    this.faultsFired[kind] += 1;
    this.record({ s: this.#step, t: this.elapsedMs(), e: 'fault', f: kind, n: node, v: detail });
  }

  // ---- invariants at an instant -------------------------------------------------------------

  beliefs(): Belief[] {
    const beliefs: Belief[] = [];
    for (const node of this.nodes) {
      const lease = node.lease;
      if (lease === null || node.down || node.client === null) continue;
      if (node.client.believes(lease))
        beliefs.push({ node: node.id, resource: lease.resource, token: lease.token });
    }
    return beliefs;
  }

  checkInstant(): void {
    if (!this.checker.enabled) return;
    const beliefs = this.beliefs();
    if (beliefs.length === 0) return;
    let wallMax = -Infinity;
    for (const node of this.nodes) if (!node.down) wallMax = Math.max(wallMax, node.clock.wallMs());
    this.fail(
      this.checker.onInstant(beliefs, (r) => this.#recordOf(r), wallMax, this.#consistencyTokenMin),
    );
  }

  #recordOf(resource: string): LeaseRecord | null {
    const read = this.store.readNow(resource);
    return read.kind === 'ok' ? read.record : null;
  }

  /** A node starts acting on `lease` (or stops, with null); checks at the last instant of belief. */
  setLease(node: SimNode, lease: Lease | null): void {
    node.lease = lease;
    if (lease === null) return;
    const lastInstantMs = node.clock.trueMsAtMono(lease.validUntilMonoMs) - 1;
    if (lastInstantMs > this.#nowMs) this.schedule(lastInstantMs, () => undefined);
  }

  // ---- nodes ----------------------------------------------------------------------------------

  #newNode(id: string, probe: boolean): SimNode {
    const settings = probe ? inBoundClock(0) : this.#drawClock(id);
    const host = {
      nowMs: () => this.#nowMs,
      sleepUntil: (ms: number) => this.#sleepUntil(node, ms),
    };
    const node: SimNode = {
      id,
      clock: new SimClock(host, settings),
      incarnation: 0,
      down: true,
      client: null,
      lease: null,
      lastRead: null,
      lostGrants: new Map(),
      workload: new Prng(this.#seed, `workload:${id}`),
      probe,
    };
    return node;
  }

  addProbe(id: string): SimNode {
    const node = this.#newNode(id, true);
    this.nodes.push(node);
    return node;
  }

  #drawClock(id: string): ClockSettings {
    const skewHalfMs = Math.floor(this.config.maxClockSkewMs / 2);
    const driftPpm = this.config.clockDriftPpmMax;
    const clocks = this.#clocks;
    const settings: { -readonly [K in keyof ClockSettings]: ClockSettings[K] } =
      inBoundClock(skewHalfMs);
    if (this.#swarm.clockOffset !== undefined) {
      settings.wallOffsetMs = clocks.between(-skewHalfMs, skewHalfMs);
      this.fired('clockOffset', id, settings.wallOffsetMs);
    }
    if (this.#swarm.clockDrift !== undefined) {
      settings.wallDriftPpm = clocks.between(-driftPpm, driftPpm);
      settings.monoDriftPpm = clocks.between(-driftPpm, driftPpm);
      this.fired('clockDrift', id, settings.monoDriftPpm);
    }
    if (this.#swarm.skewBeyondBound !== undefined && id === 'n1') {
      settings.wallErrorMsMax = null;
      settings.wallOffsetMs = this.config.maxClockSkewMs * clocks.between(4, 20);
      this.fired('skewBeyondBound', id, settings.wallOffsetMs);
    }
    if (this.#swarm.monoDriftBeyondBound !== undefined && id !== 'n1') {
      settings.monoDriftPpm = -clocks.between(50_000, 300_000);
      this.fired('monoDriftBeyondBound', id, settings.monoDriftPpm);
    }
    return settings;
  }

  /** Starts (or restarts) a node's process: a new client with empty memory. */
  startNode(node: SimNode, run: (node: SimNode) => Promise<void>): Promise<void> | undefined {
    node.down = false;
    node.lease = null;
    node.lastRead = null;
    const incarnation = node.incarnation;
    node.client = this.#implementation.createClient({
      store: new NodeStoreView(this, node),
      clock: node.clock,
      holder: node.id,
      config: this.config,
      ids: counterIds(`${node.id}.${incarnation}`),
    });
    this.record({ s: this.#step, t: this.elapsedMs(), e: 'start', n: node.id, inc: incarnation });
    return this.wake(node, incarnation, () => {
      run(node).then(
        () => this.nodeYielded(),
        (error: unknown) => {
          if (node.incarnation === incarnation) this.crashed(error);
          this.nodeYielded();
        },
      );
    });
  }

  #crashNode(node: SimNode): void {
    if (node.lease !== null) this.mark('crashWhileHolding');
    node.incarnation += 1;
    node.down = true;
    node.client = null;
    node.lease = null;
    this.fired('nodeCrash', node.id);
    this.observe(() => ({
      kind: 'crash',
      step: this.#step,
      atMs: this.elapsedMs(),
      node: node.id,
    }));
  }

  /**
   * Faults that strike a node at an await: it may crash (before or after its request is sent),
   * stall, have its wall clock stepped, or be suspended. Returns the extra delay, or null if the
   * node crashed before sending.
   */
  #atAwait(node: SimNode): { delayMs: number; crashAfterSend: boolean } | null {
    if (this.phase !== 'safety' || node.probe) return { delayMs: 0, crashAfterSend: false };
    const swarm = this.#swarm;
    const faults = this.#faults;
    let delayMs = 0;
    if (fires(swarm, 'nodeCrash', faults)) {
      const afterSend = faults.chance(1, 2);
      this.#crashNode(node);
      this.schedule(this.#nowMs + faults.between(50, 2_000), () => this.restart(node));
      if (!afterSend) return null;
      return { delayMs, crashAfterSend: true };
    }
    if (fires(swarm, 'nodePause', faults)) {
      delayMs += faults.between(5, SIM_WORKLOAD.pauseMsMax);
      this.fired('nodePause', node.id, delayMs);
    }
    if (fires(swarm, 'clockJump', faults)) this.#jumpClock(node);
    if (fires(swarm, 'suspendBeyondMargin', faults) && node.lease !== null) {
      const suspendMs = faults.between(this.config.safetyMarginMs * 4, SIM_WORKLOAD.suspendMsMax);
      node.clock.suspend(suspendMs);
      delayMs += suspendMs;
      this.fired('suspendBeyondMargin', node.id, suspendMs);
    }
    return { delayMs, crashAfterSend: false };
  }

  restart(node: SimNode): Promise<void> | undefined {
    if (!node.down) return undefined;
    this.record({ s: this.#step, t: this.elapsedMs(), e: 'restart', n: node.id });
    this.observe(() => ({
      kind: 'restart',
      step: this.#step,
      atMs: this.elapsedMs(),
      node: node.id,
    }));
    return this.startNode(node, this.#runner);
  }

  #runner: (node: SimNode) => Promise<void> = async () => undefined;

  setRunner(runner: (node: SimNode) => Promise<void>): void {
    this.#runner = runner;
  }

  #jumpClock(node: SimNode): void {
    const boundMs = this.config.maxClockSkewMs;
    const deltaMs = this.#faults.between(-boundMs, boundMs);
    const beforeMs = node.clock.wallMs();
    node.clock.jumpWall(deltaMs);
    const afterMs = node.clock.wallMs();
    this.fired('clockJump', node.id, afterMs - beforeMs);
    for (const resource of this.resources) {
      const record = this.#recordOf(resource);
      if (record === null || record.status !== 'held') continue;
      if (beforeMs < record.expiresAtMs !== afterMs < record.expiresAtMs)
        this.mark('clockJumpPastExpiry');
    }
  }

  #sleepUntil(node: SimNode, trueMs: number): Promise<void> {
    const incarnation = node.incarnation;
    this.nodeYielded();
    return new Promise((resolve) => {
      const injected = this.#atAwait(node);
      if (injected === null || injected.crashAfterSend) return;
      this.schedule(trueMs + injected.delayMs, () => this.wake(node, incarnation, resolve));
    });
  }

  // ---- the store --------------------------------------------------------------------------------

  #latencyMs(): number {
    if (this.#swarm.storeLatency === undefined) {
      return this.#scheduler.between(LATENCY_MS_MIN, LATENCY_MS_BASE_MAX);
    }
    const latencyMs = this.#scheduler.between(LATENCY_MS_MIN, LATENCY_MS_FAULT_MAX);
    if (latencyMs > LATENCY_MS_BASE_MAX) this.faultsFired.storeLatency += 1;
    return latencyMs;
  }

  storeCall<T extends ReadResult | CasResult>(node: SimNode, op: StoreOp): Promise<T> {
    const incarnation = node.incarnation;
    this.nodeYielded();
    return new Promise<T>((resolve) => {
      const injected = this.#atAwait(node);
      if (injected === null) return;
      const arriveMs = this.#nowMs + injected.delayMs + this.#latencyMs();
      this.schedule(arriveMs, () =>
        this.#arrive(node, incarnation, op, resolve as (r: ReadResult | CasResult) => void),
      );
    });
  }

  #arrive(
    node: SimNode,
    incarnation: number,
    op: StoreOp,
    resolve: (result: ReadResult | CasResult) => void,
  ): void {
    const epoch = this.#storeEpoch;
    const result = this.#apply(node, op);
    if (this.phase === 'safety' && fires(this.#swarm, 'storeCrash', this.#faults)) {
      const downMs = this.#faults.between(20, 1_500);
      this.#storeDownUntilMs = this.#nowMs + downMs;
      this.#storeEpoch += 1;
      this.fired('storeCrash', null, downMs);
    }
    if (this.phase === 'safety' && fires(this.#swarm, 'storePowerLoss', this.#faults)) {
      this.#powerLoss('storePowerLoss');
    } else if (
      this.phase === 'safety' &&
      fires(this.#swarm, 'storeServerPowerLoss', this.#faults)
    ) {
      this.#powerLoss('storeServerPowerLoss');
    }
    this.schedule(this.#nowMs + this.#latencyMs(), () => {
      let delivered = result;
      if (this.#storeEpoch !== epoch)
        delivered = lostReply(op, result, 'store restarted before the reply was sent');
      if (op.kind === 'read' && delivered.kind === 'ok') {
        node.lastRead = {
          record: (delivered as ReadResult & { kind: 'ok' }).record,
          wallMs: node.clock.wallMs(),
        };
      }
      this.record({
        s: this.#step,
        t: this.elapsedMs(),
        e: 'reply',
        n: node.id,
        op: op.kind,
        r: op.resource,
        k: delivered.kind,
      });
      return this.wake(node, incarnation, () => resolve(delivered));
    });
  }

  /**
   * Power loss on the store's machine: the store forgets a suffix of its unsynced commits and
   * recovers (the quarantine of @leasehold/store's recovery.ts, from the instant of the loss). With
   * `storePowerLoss` every node dies with the machine (an embedded store shares it with its
   * clients); with `storeServerPowerLoss` the nodes are remote clients of a lease server and live
   * on, still believing in grants the store may have forgotten: the quarantine must keep I-1. The
   * quarantine's writes go through the checker like any other write (I-5, I-8).
   */
  #powerLoss(kind: 'storePowerLoss' | 'storeServerPowerLoss'): void {
    const faults = this.#faults;
    const keep = faults.int(this.store.unsyncedCommits() + 1);
    const downMs = faults.between(20, 1_500);
    const loss = this.store.powerLoss(keep, this.#nowMs, `recovery-key-${faults.int(1_000_000)}`);
    this.#storeDownUntilMs = this.#nowMs + downMs;
    this.#storeEpoch += 1;
    this.fired(kind, null, loss.lost.length);
    this.checker.onForgotten(loss.lost);
    this.#consistencyTokenMin = loss.mark.token;
    if (loss.lost.some((event) => event.kind === 'granted')) this.mark('powerLossForgotGrant');
    const t = this.elapsedMs();
    this.observe(() => ({
      kind: 'powerLoss',
      step: this.#step,
      atMs: t,
      lost: loss.lost.length,
      token: loss.mark.token,
    }));
    for (const write of loss.quarantined) {
      this.record({
        s: this.#step,
        t,
        e: 'quarantine',
        r: write.record.resource,
        tok: write.record.token,
      });
      this.fail(this.checker.onWrite(write.before, write.record, write.event));
    }
    if (kind === 'storeServerPowerLoss') return;
    for (const node of this.nodes) {
      if (node.down || node.probe) continue;
      this.#crashNode(node);
      this.schedule(this.#nowMs + downMs + faults.between(50, 2_000), () => this.restart(node));
    }
  }

  #apply(node: SimNode, op: StoreOp): ReadResult | CasResult {
    if (this.#nowMs < this.#storeDownUntilMs) {
      this.record({
        s: this.#step,
        t: this.elapsedMs(),
        e: 'down',
        n: node.id,
        op: op.kind,
        r: op.resource,
      });
      this.#observeUnavailable(node, op);
      return op.kind === 'read'
        ? { kind: 'unavailable', reason: 'store is restarting' }
        : { kind: 'unavailable', reason: 'store is restarting', maybeApplied: false };
    }
    return op.kind === 'read' ? this.#applyRead(node, op.resource) : this.#applyWrite(node, op);
  }

  #applyRead(node: SimNode, resource: string): ReadResult {
    const swarm = this.phase === 'safety' ? this.#swarm : {};
    if (fires(swarm, 'storeReadFail', this.#faults)) {
      this.fired('storeReadFail', node.id);
      this.#observeUnavailable(node, { kind: 'read', resource });
      return { kind: 'unavailable', reason: 'injected read failure' };
    }
    const read = this.store.readNow(resource);
    const version = read.kind === 'ok' ? read.version : -1;
    this.record({
      s: this.#step,
      t: this.elapsedMs(),
      e: 'read',
      n: node.id,
      r: resource,
      v: version,
    });
    this.observe(() => ({
      kind: 'read',
      step: this.#step,
      atMs: this.elapsedMs(),
      node: node.id,
      resource,
      record: read.kind === 'ok' ? read.record : null,
      version,
    }));
    return read;
  }

  #applyWrite(node: SimNode, op: StoreOp & { kind: 'cas' }): CasResult {
    const swarm = this.phase === 'safety' ? this.#swarm : {};
    if (fires(swarm, 'storeWriteFail', this.#faults)) {
      this.fired('storeWriteFail', node.id);
      this.#observeUnavailable(node, op);
      return { kind: 'unavailable', reason: 'injected write failure', maybeApplied: false };
    }
    const current = this.store.readNow(op.resource);
    const before = current.kind === 'ok' ? current.record : null;
    // A write that will apply is checked before it is applied: a broken write is then reported as
    // the invariant it breaks, not as the store's own guard refusing it (C-3's paired assertions).
    if (current.kind === 'ok' && current.version === op.expectedVersion) {
      this.fail(this.checker.onWrite(before, op.record, op.event));
      if (this.violation !== null) {
        return {
          kind: 'unavailable',
          reason: 'the run stopped: this write breaks an invariant',
          maybeApplied: false,
        };
      }
    }
    const result = this.store.compareAndSetNow(
      op.resource,
      op.expectedVersion,
      op.record,
      op.event,
    );
    const after = this.#recordOf(op.resource);
    const t = this.elapsedMs();
    const ev = op.event.kind;
    this.record({
      s: this.#step,
      t,
      e: 'cas',
      n: node.id,
      r: op.resource,
      ev,
      tok: op.record.token,
      k: result.kind,
    });
    const applied = result.kind === 'ok';
    const replyLost = applied && fires(swarm, 'storeReplyLost', this.#faults);
    this.observe(() => ({
      kind: 'write',
      step: this.#step,
      atMs: t,
      node: node.id,
      resource: op.resource,
      before,
      after,
      proposed: op.record,
      event: op.event,
      applied,
      replyLost,
    }));
    if (!applied) {
      this.mark('casConflict');
      this.fail(this.checker.onRefusedWrite('compare-and-set', before, after));
      return result;
    }
    if (ev === 'granted' && op.event.previousHolder !== null) this.mark('takeoverAfterExpiry');
    if (!replyLost) return result;
    this.fired('storeReplyLost', node.id);
    if (ev === 'granted') node.lostGrants.set(op.resource, op.record.token);
    return { kind: 'unavailable', reason: 'injected lost reply', maybeApplied: true };
  }

  #observeUnavailable(node: SimNode, op: { kind: 'read' | 'cas'; resource: string }): void {
    this.observe(() => ({
      kind: 'storeUnavailable',
      step: this.#step,
      atMs: this.elapsedMs(),
      node: node.id,
      resource: op.resource,
      op: op.kind,
    }));
  }

  // ---- fenced resources -------------------------------------------------------------------------

  /** A write carrying `token` to the fenced resource guarded by the lease on `resource`. */
  fencedWrite(node: SimNode, resource: string, token: number): Promise<boolean> {
    const incarnation = node.incarnation;
    this.nodeYielded();
    return new Promise((resolve) => {
      const injected = this.#atAwait(node);
      if (injected === null) return;
      this.schedule(this.#nowMs + injected.delayMs + this.#latencyMs(), () => {
        const fence = this.#implementation.fence ?? decideFencedWrite;
        const decision = fence(this.checker.fencedTokenMax(resource), token);
        const accepted = decision.kind === 'accepted';
        if (!accepted) this.mark('fencedWriteRejected');
        this.record({
          s: this.#step,
          t: this.elapsedMs(),
          e: 'fence',
          n: node.id,
          r: resource,
          tok: token,
          ok: accepted,
        });
        this.fail(this.checker.onFencedWrite(resource, node.id, token, accepted));
        this.observe(() => ({
          kind: 'fencedWrite',
          step: this.#step,
          atMs: this.elapsedMs(),
          node: node.id,
          resource,
          token,
          accepted,
        }));
        this.schedule(this.#nowMs + this.#latencyMs(), () =>
          this.wake(node, incarnation, () => resolve(accepted)),
        );
      });
    });
  }

  // ---- phases -----------------------------------------------------------------------------------

  /** Faults off, the store back, wall clocks back in bound, crashed nodes restarted. */
  heal(): void {
    this.phase = 'heal';
    this.#swarm = {};
    this.#storeDownUntilMs = -Infinity;
    for (const node of this.nodes) node.clock.resync();
    this.record({ s: this.#step, t: this.elapsedMs(), e: 'heal' });
    this.observe(() => ({ kind: 'heal', step: this.#step, atMs: this.elapsedMs() }));
    for (const node of this.nodes)
      if (node.down) this.schedule(this.#nowMs, () => this.restart(node));
  }
}

function inBoundClock(wallErrorMsMax: number): {
  -readonly [K in keyof ClockSettings]: ClockSettings[K];
} {
  return { wallOffsetMs: 0, wallDriftPpm: 0, monoDriftPpm: 0, wallErrorMsMax };
}

function lostReply(
  op: StoreOp,
  result: ReadResult | CasResult,
  reason: string,
): ReadResult | CasResult {
  if (op.kind === 'read') return { kind: 'unavailable', reason };
  return { kind: 'unavailable', reason, maybeApplied: result.kind === 'ok' };
}
