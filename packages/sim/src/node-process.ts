import type { ApiAnswer, ApiRequest } from '@leasehold/api';
import type { Lease } from '@leasehold/client';
import type { Caller } from '@leasehold/server/service';
import type { Op } from '@leasehold/step';
import type { LeaseStore } from '@leasehold/store';
import { fires } from './faults.js';
import type { LeaseClientLike } from './implementation.js';
import {
  NODE_DOWN_MS_MAX,
  NODE_DOWN_MS_MIN,
  PAUSE_MS_MAX,
  PAUSE_MS_MIN,
  SUSPEND_MS_MAX,
} from './limits.js';
import { Prng } from './prng.js';
import { SimClock, type ClockSettings } from './sim-clock.js';
import type { ServedRequest } from './store-under-faults.js';
import type { WorldContext } from './world-context.js';

/** The lease a node's workload acts on, and the logical acquire that obtained it. */
export interface HeldLease {
  readonly lease: Lease;
  readonly op: number;
  /** The TTL the workload last asked for this lease (its own record, never the client's lease). */
  readonly ttlMs?: number;
  /** For an ended lease: the true time its late `finally` block may run (a late release). */
  readonly lateAtMs?: number;
  /**
   * The gate the workload acts on, as users are told to: a keep-alive's or `withLease`'s signal
   * not aborted, the client's `holds(resource)`, the agent CLI's `gate`. Sampled as the node's
   * belief at every step (I-1, I-2); without one, the client's `believes(lease)`.
   */
  readonly gate?: () => boolean;
  /**
   * Whether the client promised to let its holder use the lease for about its TTL (the floor
   * under belief, `checker/belief-floor.ts`); the agent CLI's gate promises a window of its own.
   */
  readonly floor?: boolean;
}

/**
 * What a replica of the lease service serves requests with (its request path, this incarnation):
 * `store` is the store as this one request reaches it, so each read and compare-and-set made
 * through it names the request it serves.
 */
export type ReplicaHandler = (
  request: ApiRequest,
  caller: Caller,
  store: LeaseStore,
) => Promise<ApiAnswer>;

/** A running replica serving one delivery of an agent's request (`served`). */
export type ServeRequest = (
  request: ApiRequest,
  served: ServedRequest,
  caller: Caller,
) => Promise<ApiAnswer>;

/**
 * A simulated node: a process with its own clocks that crashes and restarts with its memory lost.
 * A node runs the workload with a lease client (`role: 'node'`: in the service topology, an agent
 * whose client talks to the service), or is a replica of the lease service (`role: 'replica'`).
 */
export interface SimNode {
  readonly id: string;
  readonly role: 'node' | 'replica';
  /** A replica's request path while it is up (null for nodes, and while it is down or starting). */
  replica: ServeRequest | null;
  readonly clock: SimClock;
  /** Bumped at every crash: replies addressed to an earlier incarnation are dropped. */
  incarnation: number;
  down: boolean;
  client: LeaseClientLike | null;
  /**
   * The leases the workload currently acts on, by resource (the world asks the client whether it
   * believes in each): one, or several after an acquireAll.
   */
  readonly held: Map<string, HeldLease>;
  /** The workload's logical operation in progress (every store call made meanwhile carries it). */
  op: Op | null;
  /** Grants whose reply was lost, by resource: token (coverage). */
  readonly lostGrants: Map<string, number>;
  /** The last lease of each resource this incarnation stopped using (a late keep-alive may fire). */
  readonly ended: Map<string, HeldLease>;
  readonly workload: Prng;
  /**
   * Whether a turn is a composite client call (withLease, acquireAll, forceClaim): its own
   * stream, drawn only when the seed's share of them is above 0, so seeds without them run as they
   * did before.
   */
  readonly compose: Prng;
  /** A probe node only runs the liveness check, untouched by faults. */
  readonly probe: boolean;
  /** Flows this incarnation runs beside its workload (keep-alives): see `NodeProcesses.beside`. */
  beside: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a fault at an await did to the node: null if it crashed before sending anything. */
export type AtAwait = { readonly delayMs: number; readonly crashAfterSend: boolean } | null;

/**
 * The world's node processes: each has a wall clock (offset, drift and jumps within the skew
 * bound unless the scenario breaks it) and a monotonic clock (drift within the bound, never
 * jumps), and at every await it may crash, stall or see its wall clock stepped.
 */
export class NodeProcesses {
  /** The nodes that run the workload (and the liveness probes). */
  readonly nodes: SimNode[] = [];
  /** The replicas of the lease service (service topology). */
  readonly replicas: SimNode[] = [];
  readonly #ctx: WorldContext;
  readonly #clientFor: (node: SimNode) => LeaseClientLike;
  #runner: (node: SimNode) => Promise<void> = async () => undefined;
  #replicaRunner: (node: SimNode) => Promise<void> = async () => undefined;

  constructor(ctx: WorldContext, clientFor: (node: SimNode) => LeaseClientLike) {
    this.#ctx = ctx;
    this.#clientFor = clientFor;
  }

  setRunner(runner: (node: SimNode) => Promise<void>): void {
    this.#runner = runner;
  }

  /** What a replica runs when it starts (opens its service); it serves requests from then on. */
  setReplicaRunner(runner: (node: SimNode) => Promise<void>): void {
    this.#replicaRunner = runner;
  }

  add(id: string, probe: boolean, role: SimNode['role'] = 'node'): SimNode {
    const ctx = this.#ctx;
    const settings = probe ? inBoundClock(0) : this.#drawClock(id, role);
    const node: SimNode = {
      id,
      role,
      replica: null,
      clock: new SimClock(
        {
          nowMs: () => ctx.scheduler.nowMs,
          sleepUntil: (trueMs: number, signal?: AbortSignal) =>
            this.sleepUntil(node, trueMs, signal),
        },
        settings,
      ),
      incarnation: 0,
      down: true,
      client: null,
      held: new Map(),
      op: null,
      lostGrants: new Map(),
      ended: new Map(),
      workload: new Prng(ctx.seed, `workload:${id}`),
      compose: new Prng(ctx.seed, `compose:${id}`),
      probe,
      // A replica serves many requests at once: every wake waits for all of them to settle.
      beside: role === 'replica' ? 1 : 0,
    };
    (role === 'replica' ? this.replicas : this.nodes).push(node);
    return node;
  }

  /** Each wall clock within half the skew bound, with real weight on the bounds themselves. */
  #drawClock(id: string, role: SimNode['role']): ClockSettings {
    const ctx = this.#ctx;
    const halfMs = ctx.settings.skewMs / 2;
    const driftPpm = ctx.settings.driftPpm;
    const clocks = ctx.clocks;
    const swarm = ctx.swarm();
    const settings: Mutable<ClockSettings> = inBoundClock(halfMs);
    const replica = role === 'replica';
    const offset = replica ? 'replicaClockOffset' : 'clockOffset';
    const drift = replica ? 'replicaClockDrift' : 'clockDrift';
    if (swarm[offset] !== undefined) {
      settings.wallOffsetMs = atBoundsOrBetween(clocks, halfMs);
      ctx.fired(offset, id, settings.wallOffsetMs);
    }
    if (swarm[drift] !== undefined) {
      settings.wallDriftPpm = atBoundsOrBetween(clocks, driftPpm);
      settings.monoDriftPpm = atBoundsOrBetween(clocks, driftPpm);
      ctx.fired(drift, id, settings.monoDriftPpm);
    }
    if (swarm.replicaSkewBeyondBound !== undefined && id === 'r1') {
      settings.wallErrorMsMax = null;
      settings.wallOffsetMs = Math.max(ctx.settings.skewMs, 100) * clocks.between(4, 20);
      ctx.fired('replicaSkewBeyondBound', id, settings.wallOffsetMs);
    }
    if (swarm.skewBeyondBound !== undefined && id === 'n1') {
      settings.wallErrorMsMax = null;
      settings.wallOffsetMs = Math.max(ctx.settings.skewMs, 100) * clocks.between(4, 20);
      ctx.fired('skewBeyondBound', id, settings.wallOffsetMs);
    }
    if (swarm.monoDriftBeyondBound !== undefined && id !== 'n1' && !replica) {
      settings.monoDriftPpm = -(driftPpm + clocks.between(50_000, 300_000));
      ctx.fired('monoDriftBeyondBound', id, settings.monoDriftPpm);
    }
    return settings;
  }

  /**
   * Starts (or restarts) a node's process with empty memory: a new client for a node; a replica
   * runs `run` to open its service.
   */
  start(node: SimNode, run: (node: SimNode) => Promise<void>): Promise<void> | undefined {
    const ctx = this.#ctx;
    node.down = false;
    node.held.clear();
    node.op = null;
    node.ended.clear();
    const incarnation = node.incarnation;
    if (node.role === 'node') {
      try {
        node.client = this.#clientFor(node);
      } catch (error) {
        ctx.failure(error);
        return undefined;
      }
    }
    ctx.record({ kind: 'start', node: node.id, inc: incarnation });
    return ctx.scheduler.wake(() => {
      run(node).then(
        () => ctx.scheduler.yielded(),
        (error: unknown) => {
          if (node.incarnation === incarnation) ctx.failure(error);
          ctx.scheduler.yielded();
        },
      );
    });
  }

  restart(node: SimNode): Promise<void> | undefined {
    if (!node.down || this.#ctx.stopped()) return undefined;
    return this.start(node, node.role === 'replica' ? this.#replicaRunner : this.#runner);
  }

  /** Schedules every replica's and then every node's first start, one millisecond apart. */
  startAll(): void {
    const scheduler = this.#ctx.scheduler;
    this.replicas.forEach((replica) =>
      scheduler.at(scheduler.nowMs, () => this.start(replica, this.#replicaRunner)),
    );
    this.nodes.forEach((node, i) =>
      scheduler.at(scheduler.nowMs + i, () => this.start(node, this.#runner)),
    );
  }

  /**
   * `node` starts (+1) or stops (-1) running flows beside its workload (keep-alives renewing while
   * it works): the scheduler then waits for every flow to settle at each wake.
   */
  beside(node: SimNode, delta: 1 | -1): void {
    node.beside += delta;
    if (delta === 1) this.#ctx.scheduler.drainThisWake();
  }

  crash(node: SimNode): void {
    const ctx = this.#ctx;
    if (node.held.size > 0) ctx.mark('crashWhileHolding');
    // Its flows die with it.
    node.beside = node.role === 'replica' ? 1 : 0;
    ctx.record({ kind: 'crash', node: node.id, inc: node.incarnation });
    node.incarnation += 1;
    node.down = true;
    node.client = null;
    node.replica = null;
    node.held.clear();
    node.op = null;
    ctx.fired(node.role === 'replica' ? 'replicaCrash' : 'nodeCrash', node.id);
  }

  /** A crash and, `downMs` later, a restart. */
  crashFor(node: SimNode, downMs: number): void {
    this.crash(node);
    const scheduler = this.#ctx.scheduler;
    scheduler.at(scheduler.nowMs + downMs, () => this.restart(node));
  }

  /**
   * Faults that strike a node at an await: it may crash (before or after its request is sent),
   * stall, have its wall clock stepped, or (assumption-breaking) be suspended. A stall strikes
   * where the node talks to others (a request, a fenced write), never a sleep: a timer that a
   * stall delays is one that revokes belief late (a keep-alive's), which is the assumption the
   * suspend fault breaks on purpose, not an in-bound fault.
   */
  atAwait(node: SimNode, sleeping = false): AtAwait {
    const ctx = this.#ctx;
    // A flow still running when its node crashed (one beside the flow that met the crash) goes
    // no further: its await never resolves, as if the crash had come first.
    if (node.down) return null;
    if (ctx.phase() !== 'safety' || node.probe) return { delayMs: 0, crashAfterSend: false };
    const swarm = ctx.swarm();
    const faults = ctx.faults;
    const replica = node.role === 'replica';
    let delayMs = 0;
    const crash = replica ? 'replicaCrash' : 'nodeCrash';
    if (fires(swarm, crash, faults)) {
      const afterSend = faults.chance(1, 2);
      const downMs = faults.between(NODE_DOWN_MS_MIN, NODE_DOWN_MS_MAX);
      if (ctx.strikes(crash, node.id)) {
        this.crashFor(node, downMs);
        return afterSend ? { delayMs, crashAfterSend: true } : null;
      }
    }
    const pause = replica ? 'replicaPause' : 'nodePause';
    if (!sleeping && fires(swarm, pause, faults)) {
      const pauseMs = faults.between(PAUSE_MS_MIN, PAUSE_MS_MAX);
      if (ctx.strikes(pause, node.id)) {
        delayMs += pauseMs;
        ctx.fired(pause, node.id, delayMs);
      }
    }
    if (fires(swarm, replica ? 'replicaClockJump' : 'clockJump', faults)) this.#jumpClock(node);
    if (fires(swarm, 'suspendBeyondMargin', faults) && node.held.size > 0) {
      const ttlMin = ctx.settings.ttlMs[0]!;
      const suspendMs = faults.between(Math.max(50, Math.floor(ttlMin / 2)), SUSPEND_MS_MAX);
      if (!ctx.strikes('suspendBeyondMargin', node.id)) return { delayMs, crashAfterSend: false };
      node.clock.suspend(suspendMs);
      delayMs += suspendMs;
      ctx.fired('suspendBeyondMargin', node.id, suspendMs);
    }
    return { delayMs, crashAfterSend: false };
  }

  /** Steps the wall clock to a new error within the bound, often exactly at one of its ends. */
  #jumpClock(node: SimNode): void {
    const ctx = this.#ctx;
    const halfMs = ctx.settings.skewMs / 2;
    const beforeMs = node.clock.wallMs();
    const target = atBoundsOrBetween(ctx.faults, halfMs);
    if (!ctx.strikes(node.role === 'replica' ? 'replicaClockJump' : 'clockJump', node.id)) return;
    node.clock.jumpWall(target - node.clock.wallErrorMs());
    const afterMs = node.clock.wallMs();
    ctx.fired(
      node.role === 'replica' ? 'replicaClockJump' : 'clockJump',
      node.id,
      afterMs - beforeMs,
    );
    for (const held of node.held.values()) {
      const expiresAtMs = held.lease.expiresAtMs;
      if (beforeMs < expiresAtMs !== afterMs < expiresAtMs) ctx.mark('clockJumpPastExpiry');
    }
  }

  /**
   * A node's sleep: a scheduling point, subject to the faults at an await. A sleep given a signal
   * ends at once when it aborts, and its wake-up is withdrawn (the Clock contract): the flow that
   * aborted it goes on running, so nothing is woken.
   */
  sleepUntil(node: SimNode, trueMs: number, signal?: AbortSignal): Promise<void> {
    const ctx = this.#ctx;
    if (signal?.aborted === true) return Promise.resolve();
    const incarnation = node.incarnation;
    ctx.scheduler.yielded();
    return new Promise((resolve) => {
      const injected = this.atAwait(node, true);
      if (injected === null || injected.crashAfterSend) return;
      const atMs = trueMs + injected.delayMs;
      if (signal === undefined) {
        ctx.scheduler.at(atMs, () => this.wake(node, incarnation, resolve));
        return;
      }
      const queued = ctx.scheduler.at(atMs, () => {
        signal.removeEventListener('abort', aborted);
        return this.wake(node, incarnation, resolve);
      });
      const aborted = (): void => {
        ctx.scheduler.cancel(queued);
        if (node.incarnation === incarnation && !node.down) resolve();
      };
      signal.addEventListener('abort', aborted, { once: true });
    });
  }

  /** Resolves a node's await, unless the node crashed since it made it. */
  wake(node: SimNode, incarnation: number, resume: () => void): Promise<void> | undefined {
    if (node.incarnation !== incarnation || node.down || this.#ctx.stopped()) return undefined;
    return this.#ctx.scheduler.wake(resume, node.beside > 0);
  }

  /** Heal: wall clocks back to true time; crashed nodes restart. */
  heal(): void {
    const scheduler = this.#ctx.scheduler;
    for (const replica of this.replicas) replica.clock.resync();
    for (const node of this.nodes) node.clock.resync();
    for (const replica of this.replicas)
      if (replica.down) scheduler.at(scheduler.nowMs, () => this.restart(replica));
    for (const node of this.nodes)
      if (node.down) scheduler.at(scheduler.nowMs, () => this.restart(node));
  }
}

/** In bound: 30% at -bound, 30% at +bound, 40% anywhere between. */
function atBoundsOrBetween(prng: Prng, bound: number): number {
  const pick = prng.int(10);
  if (pick < 3) return -bound;
  if (pick < 6) return bound;
  return prng.between(-bound, bound);
}

function inBoundClock(wallErrorMsMax: number): Mutable<ClockSettings> {
  return { wallOffsetMs: 0, wallDriftPpm: 0, monoDriftPpm: 0, wallErrorMsMax };
}
