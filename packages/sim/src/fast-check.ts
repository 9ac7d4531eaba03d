/**
 * Property-based CI gating with fast-check: arbitraries for everything a seed draws (the world's
 * shape, its faults and their rates, the lease and workload settings, and the seed of the
 * scheduler, workload and clock streams), and a property that runs a world and fails with the
 * report and the `DST_SEED=... npx leasehold dst run ...` line that replays it.
 *
 *   await fc.assert(leaseProperty({ implementation, implementationModule: 'src/my-lease.ts' }));
 *   test.prop([leaseWorld()])('my lease', (world) => checkWorld(world, { implementation, ... }));
 *
 * fast-check's seed and path replay a failure exactly (a world is a pure function of what
 * fast-check generated), and fast-check shrinks the world: fewer nodes and steps, fewer faults,
 * the least settings.
 */
import { array, asyncProperty, constantFrom, nat, record, type Arbitrary } from 'fast-check';
import { drawSwarm, type Swarm } from './faults.js';
import type { Implementation } from './implementation.js';
import { TAPE_FAULTS_INTS, TAPE_SETTINGS_INTS, TAPE_SHAPE_INTS } from './limits.js';
import { plainReport, type ReproduceExtra } from './report.js';
import { drawShapeFrom, runSeed, type RunResult } from './run.js';
import { findScenario, SCENARIOS, type Scenario } from './scenario.js';
import { drawSettings, type SimSettings } from './settings.js';
import type { RunShape } from './run-shape.js';
import { TapeDraws } from './tape-draws.js';

/** One simulated world, whole: `runWorld` runs exactly this, and so does its reproduce line. */
export interface LeaseWorld extends Omit<RunShape, 'cut'> {
  readonly scenario: string;
}

export interface LeaseWorldOptions {
  /** The scenario, or scenarios, worlds are drawn from (ids or Scenarios; default: every one). */
  readonly scenario?: string | Scenario | readonly (string | Scenario)[];
}

/** The implementation a property tests, and the module `--impl` loads it from. */
export type LeasePropertyImplementation =
  | { readonly implementation?: undefined; readonly implementationModule?: undefined }
  | {
      readonly implementation: Implementation;
      /** As `leasehold dst run --impl` takes it, for the reproduce line of a failure. */
      readonly implementationModule: string;
    };

export type LeasePropertyOptions = LeaseWorldOptions & LeasePropertyImplementation;

function scenariosOf(option: LeaseWorldOptions['scenario']): readonly Scenario[] {
  if (option === undefined) return SCENARIOS;
  const list = Array.isArray(option) ? option : [option];
  if (list.length === 0) throw new Error('leaseWorld: give at least one scenario');
  return list.map((s: string | Scenario) => {
    if (typeof s !== 'string') return s;
    const found = findScenario(s);
    if (found === undefined)
      throw new Error(
        `leaseWorld: unknown scenario ${JSON.stringify(s)} (${SCENARIOS.map((x) => x.id).join(', ')})`,
      );
    return found;
  });
}

function tape(length: number): Arbitrary<number[]> {
  return array(nat(), { minLength: length, maxLength: length });
}

/** A world's shape in a scenario: nodes, resources and steps, as a seed draws them. */
export function worldShape(
  scenario: string | Scenario,
): Arbitrary<{ nodes: number; resources: number; steps: number }> {
  const [s] = scenariosOf(scenario);
  return tape(TAPE_SHAPE_INTS).map((t) => drawShapeFrom(s!, new TapeDraws(t)));
}

/** The faults of a world in a scenario and their rates (swarm testing), as a seed draws them. */
export function worldFaults(scenario: string | Scenario): Arbitrary<Swarm> {
  const [s] = scenariosOf(scenario);
  return tape(TAPE_FAULTS_INTS).map((t) => drawSwarm(s!.faults, s!.alwaysOn, new TapeDraws(t)));
}

/** Lease and workload settings (TTLs, grace, skew, margin, drift, workload mix), as a seed draws them. */
export function worldSettings(): Arbitrary<SimSettings> {
  return tape(TAPE_SETTINGS_INTS).map((t) => drawSettings(new TapeDraws(t)));
}

/** Whole worlds: a scenario, its shape, faults and settings, and the seed of everything else. */
export function leaseWorld(options: LeaseWorldOptions = {}): Arbitrary<LeaseWorld> {
  const scenarios = scenariosOf(options.scenario);
  return record({
    scenario: constantFrom(...scenarios),
    seed: nat(),
    shape: tape(TAPE_SHAPE_INTS),
    faults: tape(TAPE_FAULTS_INTS),
    settings: tape(TAPE_SETTINGS_INTS),
  }).map(({ scenario, seed, shape, faults, settings }) => ({
    scenario: scenario.id,
    seed: String(seed),
    ...drawShapeFrom(scenario, new TapeDraws(shape)),
    swarm: drawSwarm(scenario.faults, scenario.alwaysOn, new TapeDraws(faults)),
    settings: drawSettings(new TapeDraws(settings)),
  }));
}

/** What a world pins, as `dst run` flags take it (for the reproduce line). */
function worldExtra(world: LeaseWorld, options: LeasePropertyOptions): ReproduceExtra {
  return {
    nodes: world.nodes,
    resources: world.resources,
    steps: world.steps,
    swarm: world.swarm,
    settings: world.settings,
    ...(options.implementationModule === undefined ? {} : { impl: options.implementationModule }),
  };
}

/** Runs one world with the implementation (default: leasehold's own client). */
export function runWorld(
  world: LeaseWorld,
  options: { readonly implementation?: Implementation | undefined } = {},
): Promise<RunResult> {
  const [scenario] = scenariosOf(world.scenario);
  return runSeed({
    scenario: scenario!,
    seed: world.seed,
    nodes: world.nodes,
    resources: world.resources,
    steps: world.steps,
    swarm: world.swarm,
    settings: world.settings,
    ...(options.implementation === undefined ? {} : { implementation: options.implementation }),
  });
}

function requireModule(options: LeasePropertyOptions): void {
  const given = options as { implementation?: Implementation; implementationModule?: unknown };
  if (given.implementation !== undefined && typeof given.implementationModule !== 'string')
    throw new Error(
      `leasehold fast-check: the implementation ${JSON.stringify(given.implementation.name)} needs implementationModule (the module that exports it, as --impl takes it), so a failure's reproduce line runs it`,
    );
}

/**
 * Runs a world and throws when it fails (an invariant, liveness, a crash, a step the spec does
 * not allow): the message is the report, ending with the command that replays the world.
 */
export async function checkWorld(
  world: LeaseWorld,
  options: LeasePropertyOptions = {},
): Promise<void> {
  requireModule(options);
  const run = await runWorld(world, options);
  if (run.status === 'passed' || run.expected) return;
  throw new Error(plainReport(run, worldExtra(world, options)));
}

/** The property every world must pass: `await fc.assert(leaseProperty({ ... }))`. */
export function leaseProperty(options: LeasePropertyOptions = {}) {
  requireModule(options);
  return asyncProperty(leaseWorld(options), (world) => checkWorld(world, options));
}
