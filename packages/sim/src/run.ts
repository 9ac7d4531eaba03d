import { livenessBoundMs, type InvariantId } from '@leasehold/core';
import { LATENCY_MS_FAULT_MAX } from './limits';
import type { MarkCounts } from './coverage';
import { drawSwarm, formatSwarm, type FaultKind, type Swarm } from './faults';
import { leaseholdImplementation, type Implementation } from './implementation';
import {
  HEAL_STEPS_MAX,
  NODES_MAX,
  RESOURCES_MAX,
  SAFETY_PHASE_MS_MAX,
  STEPS_DEFAULT,
} from './limits';
import { Prng } from './prng';
import type { Scenario } from './scenario';
import type { Observer } from './observation';
import { Trace, type TraceSink } from './trace';
import { runProbe, runWorkload } from './workload';
import { formatWorkload, SIM_CONFIG, SIM_WORKLOAD, type WorkloadKnobs } from './workload-settings';
import { EPOCH_MS, World } from './world';

/** Resource names mix slashes, quotes and non-ASCII, as real ones do. */
export const RESOURCE_NAMES = [
  'orders/42',
  'doc "draft"',
  'mem/🧠',
  "refs/heads/it's",
  'jobs\\nightly',
  'q?x=1&y=2',
  'résumé',
  'a',
] as const;

/** What a user may change about a scenario's world (flags of `dst run`, shrunk runs). */
export interface RunOverrides {
  /** Scheduler events in the safety phase. */
  readonly steps?: number;
  readonly nodes?: number;
  /** Resources per world (default per scenario, at most RESOURCES_MAX). */
  readonly resources?: number;
  /** The faults to enable, instead of the swarm the seed draws (shrinking, reproduction). */
  readonly swarm?: Swarm;
  /** Narrower workload knobs (shrinking). */
  readonly workload?: WorkloadKnobs;
}

/** The overrides that are set, without undefined keys (exactOptionalPropertyTypes). */
export function definedOverrides(o: RunOverrides): RunOverrides {
  return {
    ...(o.steps === undefined ? {} : { steps: o.steps }),
    ...(o.nodes === undefined ? {} : { nodes: o.nodes }),
    ...(o.resources === undefined ? {} : { resources: o.resources }),
    ...(o.swarm === undefined ? {} : { swarm: o.swarm }),
    ...(o.workload === undefined ? {} : { workload: o.workload }),
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
  /** Receives every step as typed data (trace validation, custom checks). */
  readonly observer?: Observer;
}

export type RunStatus = 'passed' | 'safety' | 'liveness' | 'crash';

export interface RunResult {
  readonly scenario: string;
  readonly seed: string;
  readonly implementation: string;
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
  readonly steps: number;
  readonly events: number;
  readonly simulatedMs: number;
  readonly swarm: Swarm;
  readonly swarmText: string;
  readonly faultsFired: Readonly<Record<FaultKind, number>>;
  readonly marks: Readonly<MarkCounts>;
  readonly traceHash: string;
  readonly tail: readonly string[];
  readonly livenessBoundMs: number;
}

/** Runs one seed of one scenario: the faulty safety phase, then heal and the liveness probe. */
export async function runSeed(options: RunOptions): Promise<RunResult> {
  const { scenario, seed } = options;
  const nodes = Math.min(options.nodes ?? scenario.nodes, NODES_MAX);
  const steps = options.steps ?? STEPS_DEFAULT;
  const implementation = options.implementation ?? leaseholdImplementation;
  const swarm =
    options.swarm ?? drawSwarm(scenario.faults, scenario.alwaysOn, new Prng(seed, 'swarm'));
  const trace = new Trace(options.traceSink ?? null);
  const resources = RESOURCE_NAMES.slice(
    0,
    Math.min(options.resources ?? scenario.resources, RESOURCES_MAX),
  );
  const swarmText = formatSwarm(swarm);
  trace.record({
    e: 'run',
    seed,
    scenario: scenario.id,
    impl: implementation.name,
    nodes,
    resources: resources.length,
    steps,
    swarm: swarmText,
    ...(options.workload === undefined ? {} : { workload: formatWorkload(options.workload) }),
  });
  const world = new World({
    seed,
    config: SIM_CONFIG,
    swarm,
    nodes,
    resources,
    implementation,
    checks: options.checks ?? true,
    trace,
    observer: options.observer,
    workload: options.workload,
  });

  const runner = (node: Parameters<typeof runWorkload>[1]) => runWorkload(world, node);
  world.setRunner(runner);
  world.nodes.forEach((node, i) =>
    world.schedule(EPOCH_MS + i, () => world.startNode(node, runner)),
  );

  const boundMs = livenessBound(swarm);
  const eventsMax = options.eventsMax ?? Infinity;
  await safetyPhase(world, steps, eventsMax);
  const stopped = world.violation !== null || world.crash !== null || trace.events >= eventsMax;
  if (!stopped) await healAndProbe(world, boundMs);

  return summarize(world, options, implementation, swarm, swarmText, boundMs);
}

async function safetyPhase(world: World, steps: number, eventsMax: number): Promise<void> {
  while (world.step < steps && world.violation === null && world.crash === null) {
    if (world.trace.events >= eventsMax) break;
    if (world.elapsedMs() > SAFETY_PHASE_MS_MAX) break;
    if (!(await world.runOne())) break;
  }
}

/**
 * The stated liveness bound: one TTL plus grace and skew, plus slack for what may still be in
 * flight when faults heal (a blocking acquire's whole wait, a pause, a suspend, four slow store
 * hops) and 500 ms of scheduling.
 */
function livenessBound(swarm: Swarm): number {
  const ttlMsMax = Math.max(...SIM_WORKLOAD.ttlMsChoices);
  const suspendMs = swarm.suspendBeyondMargin === undefined ? 0 : SIM_WORKLOAD.suspendMsMax;
  const slackMs =
    SIM_WORKLOAD.acquireWaitMsMax +
    SIM_WORKLOAD.pauseMsMax +
    suspendMs +
    4 * LATENCY_MS_FAULT_MAX +
    500;
  return livenessBoundMs(ttlMsMax, slackMs, SIM_CONFIG);
}

async function healAndProbe(world: World, boundMs: number): Promise<void> {
  world.heal();
  const healedAtMs = world.nowMs();
  const probes = world.resources.map((resource, i) => {
    const probe = world.addProbe(`probe${i + 1}`);
    world.schedule(healedAtMs, () =>
      world.startNode(probe, (node) => runProbe(world, node, resource, boundMs, healedAtMs)),
    );
    return probe;
  });
  const stepsEnd = world.step + HEAL_STEPS_MAX;
  while (world.probesDone < probes.length && world.violation === null && world.crash === null) {
    if (world.step >= stepsEnd || !(await world.runOne())) {
      world.failLiveness(
        world.resources[world.probesDone] ?? '',
        `the liveness probes did not finish (${world.probesDone}/${probes.length} done, ${world.step} steps, ${world.pendingEvents} events pending)`,
      );
    }
  }
}

function summarize(
  world: World,
  options: RunOptions,
  implementation: Implementation,
  swarm: Swarm,
  swarmText: string,
  boundMs: number,
): RunResult {
  const violation = world.violation;
  const status: RunStatus =
    world.crash !== null
      ? 'crash'
      : violation === null
        ? 'passed'
        : violation.liveness
          ? 'liveness'
          : 'safety';
  const expected =
    options.scenario.assumptionBreaking &&
    status === 'safety' &&
    (violation?.invariant === 'I-1' || violation?.invariant === 'I-2');
  return {
    scenario: options.scenario.id,
    seed: options.seed,
    implementation: implementation.name,
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
    steps: world.step,
    events: world.trace.events,
    simulatedMs: world.elapsedMs(),
    swarm,
    swarmText,
    faultsFired: { ...world.faultsFired },
    marks: { ...world.marks },
    traceHash: world.trace.digest(),
    tail: world.trace.tail(),
    livenessBoundMs: boundMs,
  };
}
