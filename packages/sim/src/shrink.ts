import { isEmptyCut, NO_CUT } from './cuts.js';
import { FAULT_KINDS, type Swarm } from './faults.js';
import type { Implementation } from './implementation.js';
import {
  RATE_DENOMINATOR,
  SHRINK_IMPROVEMENTS_PER_ROUND,
  SHRINK_RATE_FACTORS,
  SHRINK_SEEDS_FREQUENT_FAULT,
  SHRINK_RUNS_MAX,
  SHRINK_SEARCH_RUNS_MAX,
  SHRINK_SEEDS_PER_ROUND,
  SHRINK_SEEDS_OWN_FAULTS,
  SHRINK_SEEDS_QUIET,
  SHRINK_SEEDS_PER_SHAPE,
  SHRINK_MINIMAL_RUNS_MAX,
  SHRINK_MINIMAL_PASSES_MAX,
  SHRINK_STEPS_MIN,
} from './limits.js';
import { definedOverrides, drawShape, runSeed, type RunOverrides, type RunResult } from './run.js';
import type { Scenario } from './scenario.js';
import { sweepSeed } from './seed.js';
import type { RunShape } from './run-shape.js';
import type { SimSettings } from './settings.js';
import { minimize } from './shrink-minimal.js';

export type { RunShape } from './run-shape.js';

/** A shape to try; `swarm: null` lets the seed draw its own faults. */
type Candidate = Omit<RunShape, 'swarm'> & { readonly swarm: Swarm | null };

export interface ShrinkInput extends RunOverrides {
  readonly scenario: Scenario;
  readonly seed: string;
  readonly implementation?: Implementation;
  /**
   * Runs the shrink may try at most (default and ceiling SHRINK_RUNS_MAX): the search takes
   * the share SHRINK_SEARCH_RUNS_MAX is of SHRINK_RUNS_MAX, the last stage what is left.
   */
  readonly runsMax?: number;
}

export interface ShrinkResult {
  readonly original: RunResult;
  readonly shrunk: RunResult;
  /** The shrunk run's shape: replaying it (seed plus these overrides) reproduces it exactly. */
  readonly shape: RunShape;
  /** The accepted steps, in order, e.g. `nodes 5 -> 2`, `without op 7 (renew on n2)`. */
  readonly path: readonly string[];
  readonly runs: number;
  /**
   * No single node, resource, kind of fault, operation or fault event can be left out and the run
   * still fail the same way (false when the last stage ran out of runs, or the failing run did not
   * replay identically, as an implementation that is not deterministic does not).
   */
  readonly minimal: boolean;
}

/**
 * Shrinks a failing run to a smaller one that fails the same way (same status, same invariant).
 * First a search: a shorter faulty phase, fewer nodes, fewer resources, fewer faults, or a
 * neighbouring seed whose failure comes sooner; greedy and deterministic, candidates tried in a
 * fixed order (smallest first), each round keeping the smallest of the first few that fail the
 * same way with fewer trace events. Then the last stage takes single things away until none can
 * go (1-minimal; `shrink-minimal.ts`). Returns null when the input does not fail.
 */
export async function shrinkRun(input: ShrinkInput): Promise<ShrinkResult | null> {
  const implementation = input.implementation;
  const budget = Math.min(input.runsMax ?? SHRINK_RUNS_MAX, SHRINK_RUNS_MAX);
  // The search's share of a smaller budget is what it is of the whole one.
  const runsMax = Math.floor((budget * SHRINK_SEARCH_RUNS_MAX) / SHRINK_RUNS_MAX);
  const run = (shape: Candidate, eventsMax?: number) =>
    runSeed({
      scenario: input.scenario,
      seed: shape.seed,
      nodes: shape.nodes,
      resources: shape.resources,
      steps: shape.steps,
      // A candidate may leave the faults to its seed (null): small worlds rarely fail with the
      // exact faults a big one needed.
      ...(shape.swarm === null ? {} : { swarm: shape.swarm }),
      settings: shape.settings,
      cut: shape.cut,
      ...(eventsMax === undefined ? {} : { eventsMax }),
      ...(implementation === undefined ? {} : { implementation }),
    });
  const first = await runSeed({
    scenario: input.scenario,
    seed: input.seed,
    ...definedOverrides({
      ...(input.steps === undefined ? {} : { steps: input.steps }),
      ...(input.nodes === undefined ? {} : { nodes: input.nodes }),
      ...(input.resources === undefined ? {} : { resources: input.resources }),
      ...(input.swarm === undefined ? {} : { swarm: input.swarm }),
      ...(input.settings === undefined ? {} : { settings: input.settings }),
    }),
    ...(implementation === undefined ? {} : { implementation }),
  });
  if (first.status === 'passed') return null;
  const sameFailure = (r: RunResult) =>
    r.status === first.status && r.violation?.invariant === first.violation?.invariant;

  let shape: RunShape = {
    seed: first.seed,
    nodes: first.nodes,
    resources: first.resources,
    // The failing seed's own step budget (a small world draws a short one), pinned like the rest.
    steps: input.steps ?? drawShape(input.scenario, input.seed).steps,
    swarm: first.swarm,
    settings: first.settings,
    cut: NO_CUT,
  };
  let best = first;
  const path: string[] = [];
  let runs = 1;
  for (let improved = true; improved && runs < runsMax;) {
    improved = false;
    // Each round collects a few improving candidates and keeps the smallest: plain first-improvement
    // gets stuck in whichever smaller world it happens to meet first.
    let found = 0;
    let roundBest: { shape: RunShape; run: RunResult; step: string } | null = null;
    for (const [candidate, step] of candidates(shape)) {
      if (runs >= runsMax || found >= SHRINK_IMPROVEMENTS_PER_ROUND) break;
      runs += 1;
      const bar = roundBest?.run.failureEvents ?? best.failureEvents;
      // A candidate that has not failed within the best run's length cannot be smaller.
      const result = await run(candidate, bar - 1);
      if (!sameFailure(result) || result.failureEvents >= bar) continue;
      roundBest = {
        shape: { ...candidate, swarm: candidate.swarm ?? result.swarm },
        run: result,
        step,
      };
      found += 1;
    }
    if (roundBest !== null) {
      shape = roundBest.shape;
      best = roundBest.run;
      path.push(roundBest.step);
      improved = true;
    }
  }
  // Last, one thing at a time, until nothing more can go, in the run the result replays: the
  // step budget cut to the failing step (a removal that only delays the failure past it is one the
  // failure did not need). Leaving something out may bring the failure sooner: cut again, and
  // look again, a bounded number of times.
  let minimal = false;
  let minimalRuns = 0;
  const minimalRunsMax = Math.min(SHRINK_MINIMAL_RUNS_MAX, budget - runs);
  for (let pass = 0; pass < SHRINK_MINIMAL_PASSES_MAX; pass++) {
    if (minimalRunsMax - minimalRuns < 2) break;
    const tight = await tighten(shape, best, run);
    minimalRuns += 1;
    // The failing run did not replay identically with its budget cut (an implementation that
    // is not deterministic): taking things away would chase a moving target.
    if (tight === shape && failedStep(best) < shape.steps && best.status !== 'liveness') break;
    const runsLeft = minimalRunsMax - minimalRuns;
    const found = await minimize(tight, best, run, sameFailure, runsLeft);
    minimalRuns += found.runs;
    shape = found.shape;
    best = found.run;
    path.push(...found.path);
    minimal = found.minimal;
    if (!found.minimal || found.path.length === 0) break;
  }
  return { original: first, shrunk: best, shape, path, runs: runs + minimalRuns, minimal };
}

/** The step a run failed at (its last step when it did not fail). */
function failedStep(run: RunResult): number {
  return run.violation?.step ?? run.conformance?.step ?? run.crash?.step ?? run.steps;
}

/** Cuts the step budget to the step the shrunk run failed at, when that replays identically. */
async function tighten(
  shape: RunShape,
  best: RunResult,
  run: (shape: Candidate) => Promise<RunResult>,
): Promise<RunShape> {
  const failedAt = failedStep(best);
  if (failedAt >= shape.steps || best.status === 'liveness') return shape;
  const tight = { ...shape, steps: failedAt };
  const replayed = await run(tight);
  // Same failure at the same step with the same events: only the run line's step budget differs.
  const same =
    replayed.status === best.status &&
    replayed.violation?.step === best.violation?.step &&
    replayed.failureEvents === best.failureEvents;
  return same ? tight : shape;
}

/**
 * Smaller runs to try, cheapest and likeliest first, each with a line saying what changed: the
 * seed's faults made more frequent (the rare event comes sooner), a quieter workload, fewer faults,
 * smaller worlds (each with a few seeds, since a smaller world rarely fails at the same seed), the
 * smallest worlds with the faults their own seeds draw, then neighbouring seeds of the same shape.
 */
function* candidates(shape: RunShape): Generator<[Candidate, string]> {
  yield* shorterCandidates(shape);
  yield* frequentFaultCandidates(shape);
  yield* quietSmallCandidates(shape);
  yield* workloadCandidates(shape);
  for (const kind of FAULT_KINDS) {
    if (shape.swarm[kind] === undefined) continue;
    const swarm = Object.fromEntries(
      Object.entries(shape.swarm).filter(([k]) => k !== kind),
    ) as Swarm;
    for (let i = 0; i < SHRINK_SEEDS_PER_SHAPE; i++) {
      const seed = sweepSeed(shape.seed, i);
      yield [{ ...shape, swarm, seed }, `without ${kind}, seed ${seed}`];
    }
  }
  yield* smallerWorldCandidates(shape);
  for (let nodes = 2; nodes <= Math.min(shape.nodes, 3); nodes++) {
    if (nodes === shape.nodes && shape.resources === 1) continue;
    for (let i = 0; i < SHRINK_SEEDS_OWN_FAULTS; i++) {
      const seed = sweepSeed(shape.seed, i);
      yield [
        { ...shape, nodes, resources: 1, seed, swarm: null },
        `nodes ${nodes}, resources 1, the seed's own faults, seed ${seed}`,
      ];
    }
  }
  for (let i = 1; i <= SHRINK_SEEDS_PER_ROUND; i++) {
    const seed = sweepSeed(shape.seed, i);
    yield [{ ...shape, seed }, `seed ${shape.seed} -> ${seed}`];
  }
}

/**
 * A shorter faulty phase, same seed: what a failure after it (a liveness probe's) needs happened
 * early, or a shorter phase ends with it too. (A failure within the phase is cut to its step at the
 * end anyway.)
 */
function* shorterCandidates(shape: RunShape): Generator<[Candidate, string]> {
  for (let steps = SHRINK_STEPS_MIN; steps < shape.steps; steps *= 2)
    yield [{ ...shape, steps }, `steps ${shape.steps} -> ${steps}`];
}

/** Fewer nodes and resources, smallest first; the smallest worlds get the most seeds. */
function* smallerWorldCandidates(shape: RunShape): Generator<[Candidate, string]> {
  for (let nodes = 2; nodes <= shape.nodes; nodes++) {
    for (let resources = 1; resources <= shape.resources; resources++) {
      if (nodes === shape.nodes && resources === shape.resources) continue;
      const changed = [
        nodes === shape.nodes ? '' : `nodes ${shape.nodes} -> ${nodes}`,
        resources === shape.resources ? '' : `resources ${shape.resources} -> ${resources}`,
      ].filter((part) => part !== '');
      const seeds = nodes <= 3 && resources === 1 ? SHRINK_SEEDS_PER_ROUND : SHRINK_SEEDS_PER_SHAPE;
      for (let i = 0; i < seeds; i++) {
        const seed = sweepSeed(shape.seed, i);
        yield [{ ...shape, nodes, resources, seed }, `${changed.join(', ')}, seed ${seed}`];
      }
    }
  }
}

/**
 * The seed's faults made more frequent: the rare event a failure needs then comes sooner, and
 * the trace before it is shorter.
 */
function* frequentFaultCandidates(shape: RunShape): Generator<[Candidate, string]> {
  for (const kind of FAULT_KINDS) {
    const rate = shape.swarm[kind];
    if (rate === undefined || rate >= RATE_DENOMINATOR) continue;
    for (const factor of SHRINK_RATE_FACTORS) {
      const raised = Math.min(RATE_DENOMINATOR, rate * factor);
      const swarm: Swarm = { ...shape.swarm, [kind]: raised };
      for (let i = 0; i < SHRINK_SEEDS_FREQUENT_FAULT; i++) {
        const seed = sweepSeed(shape.seed, i);
        yield [{ ...shape, swarm, seed }, `${kind} ${rate} -> ${raised}, seed ${seed}`];
      }
    }
  }
}

/**
 * The quietest workload in the smallest worlds at once (no blocking, admin, cleanup, stale,
 * abandoned or careless calls): most failures need only a few kinds of operation, and these
 * changes rarely pay off one at a time.
 */
function* quietSmallCandidates(shape: RunShape): Generator<[Candidate, string]> {
  const quiet = quietest(shape.settings);
  if (quiet === null && shape.nodes <= 2 && shape.resources === 1) return;
  const settings = quiet ?? shape.settings;
  // A small world sends few requests: the rare fault a failure needs must come more often too.
  const factor = SHRINK_RATE_FACTORS[SHRINK_RATE_FACTORS.length - 1]!;
  const frequent = Object.fromEntries(
    Object.entries(shape.swarm).map(([k, rate]) => [k, Math.min(RATE_DENOMINATOR, rate * factor)]),
  ) as Swarm;
  const swarms: [Swarm, string][] = [
    [shape.swarm, ''],
    [frequent, `, faults x${factor}`],
  ];
  for (let nodes = 2; nodes <= Math.min(shape.nodes, 3); nodes++) {
    for (const [swarm, faults] of swarms) {
      for (let i = 0; i < SHRINK_SEEDS_QUIET; i++) {
        const seed = sweepSeed(shape.seed, i);
        yield [
          { ...shape, nodes, resources: 1, settings, swarm, seed },
          `nodes ${nodes}, resources 1, quietest workload${faults}, seed ${seed}`,
        ];
      }
    }
  }
}

/** `settings` with the quietest workload, or null when it is that already. */
function quietest(settings: SimSettings): SimSettings | null {
  const quiet: SimSettings = {
    ...settings,
    blockingPct: 0,
    adminPct: 0,
    cleanupPct: 0,
    stalePct: 0,
    abandonPct: 0,
    badPct: 0,
    composePct: 0,
  };
  const same = (Object.keys(quiet) as (keyof SimSettings)[]).every(
    (key) => String(quiet[key]) === String(settings[key]),
  );
  return same ? null : quiet;
}

/** A quieter workload: fewer fenced writes per lease, no think time, no admin or cleanup turns. */
function* workloadCandidates(shape: RunShape): Generator<[Candidate, string]> {
  const settings = shape.settings;
  const options: [SimSettings, string][] = [];
  for (let writes = 1; writes < settings.writes; writes++) {
    options.push([{ ...settings, writes }, `writes ${settings.writes} -> ${writes}`]);
  }
  const quiet = [
    'thinkMs',
    'adminPct',
    'cleanupPct',
    'stalePct',
    'abandonPct',
    'blockingPct',
    'badPct',
    'composePct',
  ] as const;
  for (const key of quiet) {
    if (settings[key] > 0) options.push([{ ...settings, [key]: 0 }, `${key} -> 0`]);
  }
  for (const [narrower, step] of options) {
    for (let i = 0; i < SHRINK_SEEDS_PER_SHAPE; i++) {
      const seed = sweepSeed(shape.seed, i);
      yield [{ ...shape, settings: narrower, seed }, `${step}, seed ${seed}`];
    }
  }
}

/** A shrunk shape as `dst run` overrides (for the reproduce command). */
export function shapeOverrides(shape: RunShape): RunOverrides {
  return {
    nodes: shape.nodes,
    resources: shape.resources,
    steps: shape.steps,
    swarm: shape.swarm,
    settings: shape.settings,
    ...(isEmptyCut(shape.cut) ? {} : { cut: shape.cut }),
  };
}
