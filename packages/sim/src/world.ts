import { counterIds, type Lease } from '@leasehold/client';
import { SETTINGS_NAME } from '@leasehold/server/service';
import {
  resolveConfig,
  violation as invariantViolation,
  type InvariantViolation,
  type LeaseConfig,
} from '@leasehold/core';
import { configAnswerProblem } from '@leasehold/model';
import {
  type AnswerDetail,
  type Op,
  type OpKind,
  type Step,
  type StepListener,
} from '@leasehold/step';
import { AcquireWait } from './checker/acquire-wait.js';
import { BeliefFloor } from './checker/belief-floor.js';
import { Cuts, NO_CUT, type Cut } from './cuts.js';
import { CUT_UNITS_MAX } from './limits.js';
import { Checker } from './checker/checker.js';
import type { Belief } from './checker/lease-uniqueness.js';
import { emptyMarks, type Mark, type MarkCounts } from './coverage.js';
import { FAULT_KINDS, type FaultKind, type Swarm } from './faults.js';
import { FencedResources } from './fenced-resources.js';
import {
  leaseholdAgent,
  leaseholdReplica,
  type Implementation,
  type LeaseClientLike,
} from './implementation.js';
import { Network, STORE_ENDPOINT } from './network.js';
import { replicaRunner } from './replicas.js';
import { memorySimulatedStore, sqliteSimulatedStore } from './simulated-store.js';
import { ServiceNetwork } from './service-transport.js';
import { NodeProcesses, type HeldLease, type SimNode } from './node-process.js';
import { Prng } from './prng.js';
import { apiKeyOffersProblem } from './api-key-offers.js';
import { WorldKeys } from './api-keys.js';
import { EPOCH_MS, Scheduler } from './scheduler.js';
import type { SimSettings } from './settings.js';
import { NodeStoreView } from './store-view.js';
import { StoreUnderFaults } from './store-under-faults.js';
import type { Trace } from './trace.js';
import type { Phase, RefusedWrite, StepBody, WorldContext } from './world-context.js';

export interface WorldOptions {
  readonly seed: string;
  readonly settings: SimSettings;
  readonly config: LeaseConfig;
  readonly swarm: Swarm;
  readonly nodes: number;
  readonly resources: readonly string[];
  readonly implementation: Implementation;
  /** Invariant checks on (default); off only to measure what checking costs. */
  readonly checks: boolean;
  readonly trace: Trace;
  /** Receive every step (custom checks, recorders). */
  readonly listeners?: readonly StepListener[];
  /** Receive every step and may find a step not allowed (trace validation against the model). */
  readonly judges?: readonly StepJudge[];
  /**
   * `service`: the nodes are agents whose clients talk through a simulated network to `replicas`
   * replicas of the lease service, which share the store; `in-process`: each node's client runs
   * the decisions itself over the store.
   */
  readonly topology?: Topology;
  readonly replicas?: number;
  /** An agent's request timeout (service topology). */
  readonly httpTimeoutMs?: number;
  /** Percent of an agent's turns that run the agent CLI's decisions (service topology). */
  readonly agentPct?: number;
  /** The store adapter the world runs (unless the implementation brings its own). */
  readonly store?: StoreKind;
  /** Operations and fault events this run leaves out (a shrunk run's). */
  readonly cut?: Cut;
}

/** The store adapters every sweep runs in-process. */
export type StoreKind = 'memory' | 'sqlite';

export type Topology = 'in-process' | 'service';

/** A listener that can reject a step: the run then stops with a conformance failure. */
export interface StepJudge {
  readonly listener: StepListener;
  /** Why the steps so far are not allowed, or null while they are. */
  rejection(): { readonly action: string; readonly reason: string } | null;
}

/**
 * What a nonconforming run broke: a step of spec/Lease.tla, the store contract (its listing and
 * history), the configuration rules, the client's promise to let its holder use a lease
 * (`checker/belief-floor.ts`), or the service's answers to queries (`query-answers.ts`).
 */
export type ConformanceSource = 'spec' | 'store' | 'config' | 'client' | 'service';

export interface WorldConformance {
  readonly step: number;
  readonly against: ConformanceSource;
  readonly atMs: number;
  /** Trace lines written up to and including the step. */
  readonly events: number;
  readonly action: string;
  readonly reason: string;
}

export interface WorldViolation extends InvariantViolation {
  readonly step: number;
  readonly atMs: number;
  readonly liveness: boolean;
}

export interface WorldFailure {
  readonly message: string;
  readonly stack: string;
  readonly step: number;
}

/**
 * One simulated world, composed of parts a second topology can reuse: the scheduler (true time
 * and the event queue), node processes with their clocks, the store under faults, the fenced
 * resources, and the checker. Every part records what it observes as one step (`record`), and
 * that one record feeds the checker, the trace file and any listener (the model's trace
 * validation) alike.
 */
export class World implements WorldContext {
  readonly scheduler: Scheduler;
  readonly settings: SimSettings;
  readonly config: LeaseConfig;
  readonly implementation: Implementation;
  readonly resources: readonly string[];
  readonly faults: Prng;
  readonly network: Prng;
  readonly clocks: Prng;
  readonly seed: string;
  readonly processes: NodeProcesses;
  readonly store: StoreUnderFaults;
  readonly fences: FencedResources;
  readonly topology: Topology;
  /** Partitions between endpoints (service topology). */
  readonly links: Network | null;
  /** Agents' requests to the replicas (service topology). */
  readonly serviceNetwork: ServiceNetwork | null;
  readonly #httpTimeoutMs: number;
  /** Percent of an agent's turns that run the agent CLI's decisions (service topology). */
  readonly agentPct: number;
  readonly checker: Checker;
  readonly #floor: BeliefFloor | null;
  readonly #acquireWait: AcquireWait | null;
  readonly trace: Trace;
  readonly marks: MarkCounts = emptyMarks();
  readonly faultsFired: Record<FaultKind, number> = Object.fromEntries(
    FAULT_KINDS.map((k) => [k, 0]),
  ) as Record<FaultKind, number>;
  readonly #checks: boolean;
  readonly #listeners: readonly StepListener[];
  readonly #judges: readonly StepJudge[];
  #phase: Phase = 'safety';
  #swarm: Swarm;
  #ops = 0;
  /** The trace lines before each logical operation began, in order. */
  readonly #opEvents: number[] = [];
  readonly cuts: Cuts;
  violation: WorldViolation | null = null;
  crash: WorldFailure | null = null;
  conformance: WorldConformance | null = null;
  probesDone = 0;

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.settings = options.settings;
    this.config = options.config;
    this.implementation = options.implementation;
    this.resources = options.resources;
    this.#swarm = options.swarm;
    this.#checks = options.checks;
    this.#listeners = options.listeners ?? [];
    this.#judges = options.judges ?? [];
    this.trace = options.trace;
    this.cuts = new Cuts(options.cut ?? NO_CUT);
    this.scheduler = new Scheduler(new Prng(options.seed, 'scheduler'));
    this.faults = new Prng(options.seed, 'faults');
    this.network = new Prng(options.seed, 'network');
    this.clocks = new Prng(options.seed, 'clocks');
    const bounds = {
      // From the settings the run drew, not from the core's resolution of them.
      graceMs: options.settings.graceMs,
      skewMs: options.settings.skewMs,
      marginMs: options.settings.marginMs,
      driftPpm: options.settings.driftPpm,
    };
    this.#floor = options.checks ? new BeliefFloor(bounds) : null;
    this.#acquireWait = options.checks ? new AcquireWait() : null;
    this.checker = new Checker({
      bounds,
      ttlMsMax: Math.max(...options.settings.ttlMs),
      enabled: options.checks,
      epochMs: EPOCH_MS,
      service: options.topology === 'service',
    });
    this.topology = options.topology ?? 'in-process';
    this.#httpTimeoutMs = options.httpTimeoutMs ?? options.settings.timeoutMs;
    this.agentPct = this.topology === 'service' ? (options.agentPct ?? 0) : 0;
    const service = this.topology === 'service';
    this.links = service
      ? new Network(
          this,
          () => this.#endpoints(),
          (id) => this.processes.nodes.some((n) => n.id === id && n.held.size > 0),
        )
      : null;
    this.processes = new NodeProcesses(this, (node) => this.#clientFor(node));
    const powerLoss =
      options.swarm.storePowerLoss !== undefined ||
      options.swarm.storeServerPowerLoss !== undefined;
    const implementation = options.implementation;
    const backend =
      implementation.createStore?.() ??
      (options.store === 'sqlite'
        ? sqliteSimulatedStore()
        : memorySimulatedStore(powerLoss, implementation.recovery));
    this.store = new StoreUnderFaults(this, this.processes, backend, this.links);
    this.fences = new FencedResources(this, this.processes);
    this.serviceNetwork =
      this.links === null
        ? null
        : new ServiceNetwork(
            this,
            this.processes,
            this.links,
            // Agents are n1..nN (added below), the liveness probes probe1.. (one per resource).
            WorldKeys.draw(this.seed, [
              ...Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`),
              ...this.resources.map((_, i) => `probe${i + 1}`),
            ]),
          );
    if (service) {
      const factory = options.implementation.createReplica ?? leaseholdReplica;
      this.processes.setReplicaRunner(replicaRunner(this, this.store, factory));
      for (let i = 0; i < (options.replicas ?? 1); i++)
        this.processes.add(`r${i + 1}`, false, 'replica');
    }
    for (let i = 0; i < options.nodes; i++) this.processes.add(`n${i + 1}`, false);
  }

  /** An agent's request timeout (service topology). */
  get httpTimeoutMs(): number {
    return this.#httpTimeoutMs;
  }

  /** A node's new client: over its view of the store, or over the network to the service. */
  #clientFor(node: SimNode): LeaseClientLike {
    const ids = counterIds(`${node.id}.${node.incarnation}`);
    const common = { clock: node.clock, holder: node.id, config: this.config, ids };
    if (this.serviceNetwork === null)
      return this.implementation.createClient({
        ...common,
        store: new NodeStoreView(this.store, node),
      });
    const createAgent = this.implementation.createAgent ?? leaseholdAgent;
    return createAgent({
      ...common,
      transport: this.serviceNetwork.transportFor(node),
      requestMs: this.#httpTimeoutMs,
    });
  }

  /** Every endpoint a partition may separate: the agents, the replicas, the store. */
  #endpoints(): string[] {
    const agents = this.processes.nodes.filter((n) => !n.probe).map((n) => n.id);
    return [...agents, ...this.processes.replicas.map((r) => r.id), STORE_ENDPOINT];
  }

  /**
   * The replicas' settings, kept in the store before any replica opens (as an operator's PUT
   * /v1/admin/config would have left them): the run's TTLs, grace, skew bound and renewal limit.
   */
  async configureReplicas(): Promise<void> {
    const c = this.config;
    const view = {
      default_ttl_ms: c.ttlMsDefault,
      min_ttl_ms: c.ttlMsMin,
      max_ttl_ms: c.ttlMsMax,
      grace_ms: c.graceMs,
      max_clock_skew_ms: c.maxClockSkewMs,
      max_renewals: c.maxRenewals,
    };
    const store = this.store.store;
    if (store.writeSetting === undefined)
      throw new Error(`the store ${this.store.backend.name} keeps no settings: replicas need them`);
    await store.writeSetting(SETTINGS_NAME, JSON.stringify(view));
  }

  /** After the run: the store adapter is closed, and what it wrote removed. */
  close(): void {
    try {
      this.store.backend.close();
    } catch (error) {
      this.failure(error);
    }
  }

  get nodes(): readonly SimNode[] {
    return this.processes.nodes;
  }

  get step(): number {
    return this.scheduler.step;
  }

  elapsedMs(): number {
    return this.scheduler.elapsedMs;
  }

  // ---- WorldContext ----------------------------------------------------------------------------

  phase(): Phase {
    return this.#phase;
  }

  swarm(): Swarm {
    return this.#swarm;
  }

  /**
   * A violation or a crash ends the run. A step the spec does not allow does not: the run goes on,
   * so an invariant the bug breaks a little later is reported as that invariant; if none is, the
   * run ends as nonconforming (its size for shrinking is counted up to that step).
   */
  stopped(): boolean {
    return this.violation !== null || this.crash !== null;
  }

  record(body: StepBody): void {
    // Stamped in place rather than copied: this runs once per simulated event.
    const stamped = body as unknown as { step: number; atMs: number };
    stamped.step = this.scheduler.step;
    stamped.atMs = this.scheduler.elapsedMs;
    const step = body as Step;
    this.trace.write(step);
    for (const listener of this.#listeners) listener(step);
    if (this.#checks) {
      this.checker.onStep(step);
      const breach = this.checker.storeBreach;
      if (breach !== null && this.conformance === null)
        this.#nonconforming('store', 'store apply', breach);
      this.#floor?.onStep(step);
      const late = this.#acquireWait?.onStep(step) ?? null;
      if (late !== null) this.#nonconforming('client', 'acquire wait', late);
      const found = this.checker.violation;
      if (found !== null && this.violation === null) this.#violate(found, step.kind === 'probe');
    }
    // Invariants first: a step that breaks one is reported as that invariant, not as a step the
    // spec does not allow.
    for (const judge of this.#judges) {
      judge.listener(step);
      const rejection = this.stopped() || this.conformance !== null ? null : judge.rejection();
      if (rejection !== null) {
        this.conformance = {
          step: step.step,
          atMs: step.atMs,
          events: this.trace.events,
          against: 'spec',
          ...rejection,
        };
        this.trace.writeLine(
          JSON.stringify({ s: step.step, t: step.atMs, e: 'nonconforming', ...rejection }),
        );
      }
    }
  }

  fired(kind: FaultKind, node: string | null, value: number | null = null): void {
    this.faultsFired[kind] += 1;
    this.record({ kind: 'fault', fault: kind, node, value });
  }

  /**
   * A fault the seed drew is about to strike (`node`, or null for the store or the network): false
   * when this run leaves it out. Called after the fault's own draws, so leaving it out moves no
   * other draw.
   */
  strikes(kind: FaultKind, node: string | null): boolean {
    return this.cuts.fault(kind, node, this.trace.events);
  }

  /** Logical operations begun before the trace had `events` lines. */
  opsBegunBefore(events: number): number {
    return this.#opEvents.filter((at) => at < events).length;
  }

  /**
   * The workload starts an operation (`what` on `node`): false when this run leaves it out (the
   * run line lists what a run leaves out; the trace has no line for it).
   */
  runsOp(node: SimNode, what: string): boolean {
    return this.cuts.op(what, node.id, this.trace.events);
  }

  counted(kind: FaultKind): void {
    this.faultsFired[kind] += 1;
  }

  mark(mark: Mark): void {
    this.marks[mark] += 1;
  }

  failure(error: unknown, refused: RefusedWrite | null = null): void {
    if (this.stopped()) return;
    const before = refused?.before ?? null;
    if (refused !== null && before !== null && refused.proposed.token < before.token) {
      this.#violate(
        invariantViolation(
          'I-5',
          `the store refused (threw on) a write lowering the token of ${JSON.stringify(before.resource)} from ${before.token} to ${refused.proposed.token}`,
        ),
        false,
      );
      return;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    this.crash = { message: err.message, stack: err.stack ?? err.message, step: this.step };
    this.record({ kind: 'failure', message: err.message });
  }

  #violate(found: InvariantViolation, liveness: boolean): void {
    this.violation = { ...found, step: this.step, atMs: this.elapsedMs(), liveness };
    this.trace.write({
      kind: 'violation',
      step: this.step,
      atMs: this.elapsedMs(),
      invariant: found.invariant,
      message: found.message,
    });
  }

  /** I-4, liveness half, when the probes could not even finish within the heal phase's bound. */
  failLiveness(message: string): void {
    if (this.stopped()) return;
    this.#violate(invariantViolation('I-4', message), true);
  }

  // ---- the scheduler loop ------------------------------------------------------------------------

  /**
   * Fires one event, then samples every belief at that instant (I-1, I-2). Synchronous when the
   * event woke no node code (most do not): this runs once per simulated event.
   */
  runOne(): boolean | Promise<boolean> {
    const ran = this.scheduler.runOne();
    if (ran === false) return false;
    if (ran === true) return this.#afterEvent();
    return ran.then(this.#afterEvent);
  }

  readonly #afterEvent = (): true => {
    if (!this.stopped()) this.#sampleBeliefs();
    return true;
  };

  /**
   * `node`'s client said it does not believe in `lease`, which the workload holds: judged against
   * the floor under belief (`checker/belief-floor.ts`).
   */
  disbelieved(node: SimNode, lease: Lease): void {
    if (this.conformance !== null || this.#floor === null) return;
    const { resource, token } = lease;
    const why = this.#floor.disbelief(node.id, resource, token, node.clock.monoMs());
    if (why !== null) this.#nonconforming('client', 'believes', why);
  }

  #sampleBeliefs(): void {
    if (!this.#checks) return;
    // Made only once someone believes: this runs after every event.
    let beliefs: Belief[] | null = null;
    for (const node of this.processes.nodes) {
      if (node.down || node.client === null || node.held.size === 0) continue;
      for (const held of node.held.values()) {
        let believes: boolean;
        try {
          believes = held.gate !== undefined ? held.gate() : node.client.believes(held.lease);
        } catch (error) {
          this.failure(error);
          return;
        }
        if (believes) {
          beliefs ??= [];
          beliefs.push({ node: node.id, resource: held.lease.resource, token: held.lease.token });
        } else if (held.floor !== false) {
          this.disbelieved(node, held.lease);
        }
      }
    }
    if (beliefs === null) return;
    this.checker.onBeliefs(beliefs, this.scheduler.nowMs);
    const found = this.checker.violation;
    if (found !== null && this.violation === null) this.#violate(found, false);
  }

  // ---- what the workload calls -------------------------------------------------------------------

  /** The id the next logical operation gets (`take`: and take it). */
  nextOpId(take = false): number {
    if (take) this.#ops += 1;
    return take ? this.#ops : this.#ops + 1;
  }

  /** `node` is about to call acquire for `op`, told to wait `waitMs` (0: a plain acquire). */
  acquireWaits(node: SimNode, op: Op, waitMs: number): void {
    this.#acquireWait?.expect(node.id, op.id, node.clock.monoMs(), waitMs);
  }

  /** The workload begins one logical operation on `node`; every store call meanwhile carries it. */
  beginOp(
    node: SimNode,
    kind: OpKind,
    resource: string,
    extra: {
      ttlMs?: number;
      leaseOp?: number;
      expectedHolder?: string | null;
      requestId?: string | null;
      /** acquire: the lease's own limits it asks for (absent: none). */
      maxRenewals?: number;
      maxAgeMs?: number;
    } = {},
  ): Op {
    const op: Op = {
      id: this.nextOpId(true),
      kind,
      node: node.id,
      resource,
      ttlMs: extra.ttlMs ?? null,
      leaseOp: extra.leaseOp ?? null,
      expectedHolder: extra.expectedHolder ?? null,
      requestId: extra.requestId ?? null,
      ...(extra.maxRenewals === undefined ? {} : { maxRenewals: extra.maxRenewals }),
      ...(extra.maxAgeMs === undefined ? {} : { maxAgeMs: extra.maxAgeMs }),
    };
    node.op = op;
    if (this.#opEvents.length < CUT_UNITS_MAX) this.#opEvents.push(this.trace.events);
    this.record({ kind: 'begin', op });
    return op;
  }

  /**
   * The client answered `op`: its result, for a grant or renewal the token it reported, and for
   * an `invalid` answer the field it named and its reason.
   */
  endOp(
    node: SimNode,
    op: Op,
    answer: { readonly kind: string; readonly field?: string; readonly reason?: string },
    token: number | null,
    final = true,
  ): void {
    if (node.op?.id === op.id && final) node.op = null;
    if (op.kind === 'acquire' && this.#acquireWait !== null) {
      if (answer.kind !== 'held') this.#acquireWait.ended(node.id, op.id);
      else {
        const early = this.#acquireWait.heldAnswer(node.id, op.id, node.clock.monoMs());
        if (early !== null) this.#nonconforming('client', 'acquire wait', early);
      }
    }
    const invalid =
      answer.kind === 'invalid'
        ? { field: String(answer.field), reason: String(answer.reason) }
        : null;
    const detail =
      answer.kind === 'invalid' || answer.kind === 'unavailable' ? {} : answerDetail(answer);
    this.record({
      kind: 'outcome',
      op,
      result: answer.kind,
      token,
      wallMs: node.clock.wallMs(),
      final,
      invalid,
      detail,
    });
  }

  /**
   * The node starts acting on `held` (a lease of `resource`), or stops acting on `resource` (null);
   * the checker's instants are sampled.
   */
  setHeld(node: SimNode, resource: string, held: HeldLease | null): void {
    if (held === null) {
      node.held.delete(resource);
      return;
    }
    node.held.set(resource, held);
    const scheduler = this.scheduler;
    for (const atMs of this.checker.watchInstants(held.lease.resource)) {
      if (atMs > scheduler.nowMs) scheduler.at(atMs, () => undefined);
    }
  }

  fencedWrite(node: SimNode, resource: string, token: number): Promise<boolean> {
    return this.fences.write(node, resource, token);
  }

  // ---- phases ------------------------------------------------------------------------------------

  /**
   * After a run that passed everything else: the store's listing and history must agree with the
   * writes seen applied (store-audit.ts). A disagreement fails the run as nonconforming.
   */
  async auditStore(): Promise<void> {
    if (!this.#checks || this.stopped() || this.conformance !== null) return;
    let reason: string | null;
    try {
      reason = await this.store.audit.audit(
        this.store.store,
        this.seed,
        this.processes.nodes.map((node) => node.id),
      );
    } catch (error) {
      this.failure(error);
      return;
    }
    if (reason !== null) this.#nonconforming('store', 'store audit', reason);
  }

  /**
   * Before the run: each configuration is offered to the core's `resolveConfig`, as a user would
   * pass it; the answer must follow the model's own statement of the configuration rules (a
   * valid offer resolves to exactly what was asked, an invalid one is refused naming the setting
   * and its limit). The run's own configuration is the first offer.
   */
  offerConfigs(offers: readonly unknown[]): void {
    if (!this.#checks) return;
    for (const offer of offers) {
      let answer: ReturnType<typeof resolveConfig>;
      try {
        answer = resolveConfig(offer);
      } catch (error) {
        this.failure(error);
        return;
      }
      const problem = configAnswerProblem(offer, answer);
      if (problem !== null) {
        this.#nonconforming('config', 'resolveConfig', problem);
        return;
      }
    }
  }

  /**
   * Before a run of the service topology: the service's auth file, the world's own and careless
   * ones, offered to `ApiKeys.parse` and judged by the rules api-key-offers.ts states.
   */
  offerApiKeys(): void {
    if (!this.#checks) return;
    let problem: string | null;
    try {
      const holders = this.processes.nodes.map((node) => node.id);
      problem = apiKeyOffersProblem(new Prng(this.seed, 'api-key-offers'), holders);
    } catch (error) {
      this.failure(error);
      return;
    }
    if (problem !== null) this.#nonconforming('config', 'ApiKeys.parse', problem);
  }

  storeContract(reason: string): void {
    if (this.#checks) this.#nonconforming('store', 'store answer', reason);
  }

  /**
   * A client helper broke its own contract (beyond the invariants): a keep-alive that renews past
   * its `maxRenewals` or after a refusal, an `acquireAll` that fails and leaves a lease held, a
   * `withLease` that does not release, a `forceClaim` that evicts a holder it did not name.
   */
  helperContract(helper: string, reason: string): void {
    if (this.#checks && !this.stopped()) this.#nonconforming('client', helper, reason);
  }

  /**
   * The service answered a query (a status, a listing, a history) with what the store did not
   * hold while it was asked (query-answers.ts).
   */
  serviceContract(query: string, reason: string): void {
    if (this.#checks && !this.stopped()) this.#nonconforming('service', query, reason);
  }

  #nonconforming(against: ConformanceSource, action: string, reason: string): void {
    if (this.conformance !== null) return;
    const rejection = { action, reason };
    this.conformance = {
      step: this.step,
      atMs: this.elapsedMs(),
      events: this.trace.events,
      against,
      ...rejection,
    };
    this.trace.writeLine(
      JSON.stringify({ s: this.step, t: this.elapsedMs(), e: 'nonconforming', ...rejection }),
    );
  }

  /** Faults off, the store back, wall clocks back in bound, crashed nodes restarted. */
  heal(): void {
    this.#phase = 'heal';
    this.#swarm = {};
    this.store.heal();
    this.links?.heal();
    this.record({ kind: 'heal' });
    this.processes.heal();
  }
}

/** Fields of an answer the checker and validator may judge; a lease's own fields inline. */
const DETAIL_SKIPPED: ReadonlySet<string> = new Set(['kind', 'ownerKey', 'validUntilMonoMs']);

/** The scalar fields of a client's answer (and of its lease), by name. */
function answerDetail(answer: object): AnswerDetail {
  const detail: Record<string, string | number | boolean | null> = {};
  addDetail(detail, answer);
  return detail;
}

/** Adds `from`'s scalar fields to `detail`, and its lease's. Runs once per operation's answer. */
function addDetail(detail: Record<string, string | number | boolean | null>, from: object): void {
  for (const key in from) {
    if (DETAIL_SKIPPED.has(key)) continue;
    const value = (from as Record<string, unknown>)[key];
    const type = typeof value;
    if (value === null || type === 'string' || type === 'number' || type === 'boolean')
      detail[key] = value as string | number | boolean | null;
    else if (key === 'lease' && type === 'object') addDetail(detail, value as object);
  }
}
