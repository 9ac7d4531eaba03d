import { resolveConfig, type InvariantId } from '@leasehold/core';
import { TraceValidator } from '@leasehold/model';
import type { StepListener } from '@leasehold/step';
import type { MarkCounts } from './coverage.js';
import { drawSwarm, formatSwarm, type FaultKind, type Swarm } from './faults.js';
import { leaseholdImplementation, type Implementation } from './implementation.js';
import { MAX_RENEWALS_CHOICES } from './admin-config.js';
import { drawConfigOffer } from './bad-input.js';
import { formatCutList, isEmptyCut, NO_CUT, type Cut, type CutUnit } from './cuts.js';
import {
  CONFIG_OFFERS_PER_RUN,
  DUPLICATE_DELAY_MS_MAX,
  HEAL_STEPS_MAX,
  HTTP_TIMEOUT_FACTOR_MAX,
  HTTP_TIMEOUT_FACTOR_MIN,
  LATENCY_MS_FAULT_MAX,
  NODES_MAX,
  PAUSE_MS_MAX,
  REPLICAS_MAX,
  RESOURCES_MAX,
  SMALL_STEPS_MAX,
  SMALL_STEPS_MIN,
  SAFETY_PHASE_MS_MAX,
  STEPS_DEFAULT,
  SUSPEND_MS_MAX,
} from './limits.js';
import { Prng, type Draws } from './prng.js';
import { drawResourceNames } from './resource-names.js';
import type { Scenario } from './scenario.js';
import { smallWorldDrawn } from './sweep-order.js';
import {
  configOfferOf,
  drawSettings,
  formatSettings,
  withSettings,
  type SimSettings,
} from './settings.js';
import { Trace, type TraceSink } from './trace.js';
import { runProbe, runWorkload } from './workload.js';
import {
  World,
  type ConformanceSource,
  type StepJudge,
  type StoreKind,
  type Topology,
} from './world.js';

/** What a user may change about a scenario's world (flags of `dst run`, shrunk runs). */
export interface RunOverrides {
  /** Scheduler events in the safety phase. */
  readonly steps?: number;
  readonly nodes?: number;
  /** Resources per world (at most RESOURCES_MAX). */
  readonly resources?: number;
  /** The faults to enable, instead of the swarm the seed draws (shrinking, reproduction). */
  readonly swarm?: Swarm;
  /** Settings to use instead of the seed's draw (any subset; the rest is drawn). */
  readonly settings?: Partial<SimSettings>;
  /** Replicas of the lease service (service topology). */
  readonly replicas?: number;
  /** The store adapter (the seed draws one where its scenario loses no power). */
  readonly store?: StoreKind;
  /** Operations and fault events to leave out, by number (a shrunk run's; `--cut-ops`, `--cut-faults`). */
  readonly cut?: Cut;
}

/** The overrides that are set, without undefined keys (exactOptionalPropertyTypes). */
export function definedOverrides(o: RunOverrides): RunOverrides {
  return {
    ...(o.steps === undefined ? {} : { steps: o.steps }),
    ...(o.nodes === undefined ? {} : { nodes: o.nodes }),
    ...(o.resources === undefined ? {} : { resources: o.resources }),
    ...(o.swarm === undefined ? {} : { swarm: o.swarm }),
    ...(o.settings === undefined ? {} : { settings: o.settings }),
    ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
    ...(o.store === undefined ? {} : { store: o.store }),
    ...(o.cut === undefined || isEmptyCut(o.cut) ? {} : { cut: o.cut }),
  };
}

export interface RunOptions extends RunOverrides {
  readonly scenario: Scenario;
  readonly seed: string;
  readonly implementation?: Implementation;
  /** Invariant checks on (default). Off only to measure what checking costs. */
  readonly checks?: boolean;
  readonly traceSink?: TraceSink;
  /**
   * Stop (without a verdict) once the trace has this many events: a shrinking candidate that has
   * not failed by then cannot be smaller than the best run so far.
   */
  readonly eventsMax?: number;
  /** Receive every step as typed data (custom checks, recorders). */
  readonly listeners?: readonly StepListener[];
  /**
   * Validate every step against the model of spec/Lease.tla (default: on for the scenarios the
   * model covers). Off only to measure what validation costs.
   */
  readonly validate?: boolean;
}

/**
 * `conformance`: a step the spec does not allow (trace validation), even when no invariant
 * noticed it.
 */
export type RunStatus = 'passed' | 'safety' | 'liveness' | 'crash' | 'conformance';

export interface RunResult {
  readonly scenario: string;
  readonly seed: string;
  readonly implementation: string;
  readonly topology: Topology;
  /** Replicas of the lease service (0 in the in-process topology). */
  readonly replicas: number;
  /** The store adapter the run's store process ran. */
  readonly store: StoreKind;
  readonly status: RunStatus;
  /** An assumption-breaking run that reported I-1 or I-2, as it is meant to. */
  readonly expected: boolean;
  readonly violation: {
    readonly invariant: InvariantId;
    readonly name: string;
    readonly message: string;
    readonly step: number;
    readonly atMs: number;
  } | null;
  readonly crash: {
    readonly message: string;
    readonly stack: string;
    readonly step: number;
  } | null;
  readonly conformance: {
    readonly step: number;
    readonly atMs: number;
    /** What was broken: a step of spec/Lease.tla, the store contract, or the configuration rules. */
    readonly against: ConformanceSource;
    readonly action: string;
    readonly reason: string;
  } | null;
  /** Whether the run's steps were validated against the model. */
  readonly validated: boolean;
  readonly steps: number;
  readonly events: number;
  /**
   * Trace lines up to the failure: all of them for a violation or crash (the run stops there),
   * up to the step the spec does not allow for a nonconforming run (which goes on, in case an
   * invariant breaks later). What shrinking makes smaller.
   */
  readonly failureEvents: number;
  readonly simulatedMs: number;
  readonly nodes: number;
  readonly resources: number;
  readonly swarm: Swarm;
  readonly swarmText: string;
  readonly settings: SimSettings;
  readonly settingsText: string;
  readonly faultsFired: Readonly<Record<FaultKind, number>>;
  readonly marks: Readonly<MarkCounts>;
  readonly traceHash: string;
  readonly tail: readonly string[];
  /** How long the liveness probes were allowed to wait (the checker's own bound is tighter). */
  readonly probeWaitMs: number;
  /** What the run left out (none but in a shrunk run). */
  readonly cut: Cut;
  /**
   * The operations the workload started and the faults that struck before the failure (all of
   * them in a run that passed): what shrinking may still leave out, one at a time.
   */
  readonly units: { readonly ops: readonly CutUnit[]; readonly faults: readonly CutUnit[] };
  /** Logical operations (acquire, renew, release, force-release, cleanup) begun before the failure. */
  readonly opsToFailure: number;
}

/**
 * The shape a seed draws: half of them small worlds with a short safety phase (fast to fail,
 * easy to read), the rest any size the scenario allows, mostly small, with the full phase (all
 * of them so in a scenario without small worlds).
 */
export function drawShape(
  scenario: Scenario,
  seed: string,
): { nodes: number; resources: number; steps: number } {
  return drawShapeFrom(scenario, new Prng(seed, 'shape'));
}

/** A world's shape drawn from any source of integers (a seed's `shape` stream, a fast-check tape). */
export function drawShapeFrom(
  scenario: Scenario,
  prng: Draws,
): { nodes: number; resources: number; steps: number } {
  const [nodesLow, nodesHigh] = scenario.nodes;
  const [resourcesLow, resourcesHigh] = scenario.resources;
  if (smallWorldDrawn(scenario, prng)) {
    return {
      nodes: prng.between(nodesLow, Math.min(nodesHigh, nodesLow + 1)),
      resources: resourcesLow,
      steps: prng.between(SMALL_STEPS_MIN, SMALL_STEPS_MAX),
    };
  }
  const smallNodes = Math.min(nodesHigh, Math.max(nodesLow, 3));
  const nodes = prng.chance(1, 2)
    ? prng.between(nodesLow, smallNodes)
    : prng.between(nodesLow, nodesHigh);
  const resources = prng.chance(1, 2) ? resourcesLow : prng.between(resourcesLow, resourcesHigh);
  return { nodes, resources, steps: STEPS_DEFAULT };
}

/** Everything a run is made of, from its seed and the overrides. */
export function planRun(options: RunOptions): {
  nodes: number;
  resources: readonly string[];
  swarm: Swarm;
  settings: SimSettings;
  steps: number;
  /** Replicas of the lease service (0 in the in-process topology). */
  replicas: number;
  /** An agent's request timeout (service topology). */
  httpTimeoutMs: number;
  /** Percent of an agent's turns that run the agent CLI's decisions (service topology). */
  agentPct: number;
  store: StoreKind;
} {
  const { scenario, seed } = options;
  const shape = drawShape(scenario, seed);
  const nodes = Math.min(options.nodes ?? shape.nodes, NODES_MAX);
  const resourceCount = Math.min(options.resources ?? shape.resources, RESOURCES_MAX);
  const swarm =
    options.swarm ?? drawSwarm(scenario.faults, scenario.alwaysOn, new Prng(seed, 'swarm'));
  const drawn = drawSettings(new Prng(seed, 'settings'));
  const settings = options.settings === undefined ? drawn : withSettings(drawn, options.settings);
  // Its own stream: the in-process topology's draws are what they were before it existed.
  const service = new Prng(seed, 'service');
  const isService = scenario.topology === 'service';
  const replicasDrawn = isService ? service.between(scenario.replicas[0], scenario.replicas[1]) : 0;
  const factor = service.between(HTTP_TIMEOUT_FACTOR_MIN, HTTP_TIMEOUT_FACTOR_MAX);
  const agentPct = service.chance(1, 4) ? 0 : service.between(5, 40);
  return {
    nodes,
    resources: drawResourceNames(seed, resourceCount),
    swarm,
    settings,
    steps: options.steps ?? shape.steps,
    replicas: isService ? Math.min(options.replicas ?? replicasDrawn, REPLICAS_MAX) : 0,
    httpTimeoutMs: settings.timeoutMs * factor,
    agentPct: isService ? agentPct : 0,
    store: options.store ?? drawStore(scenario, seed),
  };
}

/**
 * The store adapter a seed runs: `SqliteStore` in a third of the seeds of every scenario that
 * loses no power (only the memory store models unsynced commits), the memory store otherwise.
 */
export function drawStore(scenario: Scenario, seed: string): StoreKind {
  const losesPower = scenario.faults.some(
    (fault) => fault === 'storePowerLoss' || fault === 'storeServerPowerLoss',
  );
  if (losesPower) return 'memory';
  return new Prng(seed, 'store').chance(1, 3) ? 'sqlite' : 'memory';
}

/** Runs one seed of one scenario: the faulty safety phase, then heal and the liveness probes. */
export async function runSeed(options: RunOptions): Promise<RunResult> {
  const { scenario, seed } = options;
  const implementation = options.implementation ?? leaseholdImplementation;
  const plan = planRun(options);
  const trace = new Trace(options.traceSink ?? null);
  trace.header({
    e: 'run',
    seed,
    scenario: scenario.id,
    impl: implementation.name,
    nodes: plan.nodes,
    resources: plan.resources.length,
    steps: plan.steps,
    swarm: formatSwarm(plan.swarm),
    settings: formatSettings(plan.settings),
    ...(plan.replicas === 0 ? {} : { replicas: plan.replicas }),
    ...(plan.store === 'memory' ? {} : { store: plan.store }),
    ...(options.cut === undefined || isEmptyCut(options.cut)
      ? {}
      : { cutOps: formatCutList(options.cut.ops), cutFaults: formatCutList(options.cut.faults) }),
  });
  // The model judges by the configuration the settings ask for; the nodes use the core's
  // resolution of it (offerConfigs below holds that resolution to the model's rules; should the
  // core refuse it, the nodes use what was asked and the run fails as nonconforming).
  const offer = configOfferOf(plan.settings);
  const resolved = resolveConfig(offer);
  const config = resolved.kind === 'ok' ? resolved.config : offer;
  // An operator may change the service's renewal limit mid-run (admin-config.ts).
  const renewalLimits = scenario.topology === 'service' ? MAX_RENEWALS_CHOICES : [];
  const validator =
    (options.validate ?? true) && scenario.validated
      ? new TraceValidator(offer, { renewalLimits })
      : null;
  const world = new World({
    seed,
    settings: plan.settings,
    config,
    swarm: plan.swarm,
    nodes: plan.nodes,
    resources: plan.resources,
    implementation,
    checks: options.checks ?? true,
    trace,
    ...(options.listeners === undefined ? {} : { listeners: options.listeners }),
    judges: validator === null ? [] : [judgeOf(validator)],
    topology: scenario.topology,
    replicas: plan.replicas,
    httpTimeoutMs: plan.httpTimeoutMs,
    agentPct: plan.agentPct,
    store: plan.store,
    ...(options.cut === undefined ? {} : { cut: options.cut }),
  });
  const offers = new Prng(seed, 'config-offers');
  // Last, no settings at all, as most users pass: the documented defaults, every one.
  world.offerConfigs([
    offer,
    ...Array.from({ length: CONFIG_OFFERS_PER_RUN }, () => drawConfigOffer(offers, offer)),
    {},
  ]);
  if (scenario.topology === 'service') world.offerApiKeys();
  world.processes.setRunner((node) => runWorkload(world, node));
  world.processes.startAll();

  const eventsMax = options.eventsMax ?? Infinity;
  const waitMs = probeWaitMs(plan.settings);
  try {
    if (scenario.topology === 'service') await world.configureReplicas();
    await safetyPhase(world, plan.steps, eventsMax);
    if (!world.stopped() && trace.events < eventsMax) await healAndProbe(world, waitMs);
    await world.auditStore();
  } finally {
    world.close();
  }
  return summarize(world, options, implementation, plan, waitMs, validator !== null);
}

function judgeOf(validator: TraceValidator): StepJudge {
  return {
    listener: validator.listener,
    rejection: () => {
      const failure = validator.failure;
      return failure === null ? null : { action: failure.action, reason: failure.reason };
    },
  };
}

async function safetyPhase(world: World, steps: number, eventsMax: number): Promise<void> {
  while (world.step < steps && !world.stopped()) {
    if (world.trace.events >= eventsMax) break;
    if (world.elapsedMs() > SAFETY_PHASE_MS_MAX) break;
    const ran = world.runOne();
    if (!(typeof ran === 'boolean' ? ran : await ran)) break;
  }
}

/**
 * How long a probe may wait at most: everything still in flight when faults heal may land
 * (a request held back past twice its timeout, a duplicate, a stalled sender, a blocking acquire's
 * whole wait), then the longest lease must expire and become claimable. The checker's own bound,
 * from the writes it saw, is much tighter; this only keeps a probe from giving up first.
 */
export function probeWaitMs(settings: SimSettings): number {
  const inFlightMs =
    2 * settings.timeoutMs +
    DUPLICATE_DELAY_MS_MAX +
    2 * LATENCY_MS_FAULT_MAX +
    PAUSE_MS_MAX +
    SUSPEND_MS_MAX +
    settings.waitMs;
  const ttlMsMax = Math.max(...settings.ttlMs);
  return inFlightMs + ttlMsMax + settings.graceMs + 2 * settings.skewMs + 1_000;
}

async function healAndProbe(world: World, waitMs: number): Promise<void> {
  world.heal();
  const scheduler = world.scheduler;
  world.resources.forEach((resource, i) => {
    const probe = world.processes.add(`probe${i + 1}`, true);
    scheduler.at(scheduler.nowMs, () =>
      world.processes.start(probe, (node) => runProbe(world, node, resource, waitMs)),
    );
  });
  const stepsEnd = world.step + HEAL_STEPS_MAX;
  while (world.probesDone < world.resources.length && !world.stopped()) {
    if (world.step >= stepsEnd || !(await world.runOne())) {
      world.failLiveness(
        `the liveness probes did not finish (${world.probesDone}/${world.resources.length} done, ${world.step} steps, ${scheduler.pending} events pending)`,
      );
    }
  }
}

function summarize(
  world: World,
  options: RunOptions,
  implementation: Implementation,
  plan: ReturnType<typeof planRun>,
  waitMs: number,
  validated: boolean,
): RunResult {
  const violation = world.violation;
  const status: RunStatus =
    world.crash !== null
      ? 'crash'
      : violation !== null
        ? violation.liveness
          ? 'liveness'
          : 'safety'
        : world.conformance !== null
          ? 'conformance'
          : 'passed';
  const failureEvents =
    status === 'conformance' ? (world.conformance?.events ?? 0) : world.trace.events;
  const beforeFailure = (unit: CutUnit) => unit.events < failureEvents;
  const expected =
    options.scenario.assumptionBreaking &&
    status === 'safety' &&
    (violation?.invariant === 'I-1' || violation?.invariant === 'I-2');
  return {
    scenario: options.scenario.id,
    seed: options.seed,
    implementation: implementation.name,
    topology: options.scenario.topology,
    replicas: plan.replicas,
    store: plan.store,
    status,
    expected,
    violation:
      violation === null
        ? null
        : {
            invariant: violation.invariant,
            name: violation.name,
            message: violation.message,
            step: violation.step,
            atMs: violation.atMs,
          },
    crash: world.crash,
    conformance:
      world.conformance === null
        ? null
        : {
            step: world.conformance.step,
            atMs: world.conformance.atMs,
            against: world.conformance.against,
            action: world.conformance.action,
            reason: world.conformance.reason,
          },
    validated,
    steps: world.step,
    events: world.trace.events,
    failureEvents,
    simulatedMs: world.elapsedMs(),
    nodes: plan.nodes,
    resources: plan.resources.length,
    swarm: plan.swarm,
    swarmText: formatSwarm(plan.swarm),
    settings: plan.settings,
    settingsText: formatSettings(plan.settings),
    faultsFired: { ...world.faultsFired },
    marks: { ...world.marks, sameInstantChoice: world.scheduler.choices },
    traceHash: world.trace.digest(world.store.audit.stateText()),
    tail: world.trace.tail(),
    probeWaitMs: waitMs,
    cut: options.cut ?? NO_CUT,
    units: {
      ops: world.cuts.opsSeen.filter(beforeFailure),
      faults: world.cuts.faultsSeen.filter(beforeFailure),
    },
    opsToFailure: world.opsBegunBefore(failureEvents),
  };
}
