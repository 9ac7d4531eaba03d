import { emptyMarks, markReachable, MARKS, type Mark, type MarkCounts } from './coverage.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import type { Implementation } from './implementation.js';
import { DETERMINISM_SAMPLE_PERCENT } from './limits.js';
import { definedOverrides, runSeed, type RunOverrides, type RunResult } from './run.js';
import { conformanceName } from './report.js';
import type { Scenario } from './scenario.js';
import { sweepSeeds } from './sweep-order.js';

export interface SweepTask {
  /** Position in the whole (unsharded) sweep: decides the shard. */
  readonly index: number;
  readonly scenario: Scenario;
  readonly seed: string;
  /** In the determinism sample: run twice, trace hashes compared (C-8). */
  readonly determinism: boolean;
}

export interface SweepPlan {
  readonly scenarios: readonly Scenario[];
  /** Seeds per scenario, from `seedBase` on; or exactly `seed` when pinned. */
  readonly seeds: number;
  readonly seedBase: string;
  readonly pinnedSeed?: string;
  /** 1-based shard `index` of `count`. */
  readonly shard?: { readonly index: number; readonly count: number };
}

/**
 * Every (scenario, seed) of a sweep in a fixed order (each scenario's seeds as `sweepSeeds` orders
 * them: small worlds first), restricted to one shard. The determinism
 * sample is taken within the shard's own tasks, so every shard checks some of its runs.
 */
export function planSweep(plan: SweepPlan): SweepTask[] {
  const tasks: SweepTask[] = [];
  let index = 0;
  for (const scenario of plan.scenarios) {
    const seeds =
      plan.pinnedSeed === undefined
        ? sweepSeeds(scenario, plan.seedBase, plan.seeds)
        : [plan.pinnedSeed];
    for (const seed of seeds) {
      const shard = plan.shard;
      if (shard === undefined || index % shard.count === shard.index - 1) {
        tasks.push({ index, scenario, seed, determinism: inDeterminismSample(tasks.length) });
      }
      index += 1;
    }
  }
  return tasks;
}

/**
 * Whether the task at `position` of a shard's (or a whole sweep's) task list is in the
 * determinism sample: the first, then every (100 / DETERMINISM_SAMPLE_PERCENT)-th.
 */
export function inDeterminismSample(position: number): boolean {
  const stride = Math.floor(100 / DETERMINISM_SAMPLE_PERCENT);
  return position % stride === 0;
}

export interface TaskOptions extends RunOverrides {
  readonly implementation?: Implementation;
}

export interface TaskResult {
  readonly run: RunResult;
  /** Null when the task was not in the determinism sample; else whether both runs matched. */
  readonly deterministic: boolean | null;
  readonly secondHash: string | null;
}

/** Runs one task; in the determinism sample, runs it twice and compares trace hashes (C-8). */
export async function runTask(task: SweepTask, options: TaskOptions): Promise<TaskResult> {
  const runOptions = {
    scenario: task.scenario,
    seed: task.seed,
    ...definedOverrides(options),
    ...(options.implementation === undefined ? {} : { implementation: options.implementation }),
  };
  const run = await runSeed(runOptions);
  if (!task.determinism) return { run, deterministic: null, secondHash: null };
  const again = await runSeed(runOptions);
  return { run, deterministic: again.traceHash === run.traceHash, secondHash: again.traceHash };
}

export interface ScenarioSummary {
  readonly scenario: string;
  seeds: number;
  events: number;
  steps: number;
  readonly faultsFired: Record<FaultKind, number>;
  readonly marks: MarkCounts;
  /** Violations that are failures (everything except the expected ones). */
  violations: number;
  /** I-1/I-2 reports in assumption-breaking scenarios: the checks proving they are not vacuous. */
  expected: number;
  crashes: number;
  /** Steps the spec does not allow (trace validation). */
  nonconforming: number;
  /** Runs validated against the model. */
  validated: number;
}

export interface SweepViolation {
  readonly seed: string;
  readonly scenario: string;
  readonly invariant: string;
  readonly name: string;
  readonly step: number;
  readonly status: RunResult['status'];
  readonly expected: boolean;
  readonly message: string;
}

export interface SweepSummary {
  readonly seeds: number;
  readonly events: number;
  readonly scenarios: ScenarioSummary[];
  readonly violations: SweepViolation[];
  readonly nondeterministic: {
    readonly seed: string;
    readonly scenario: string;
    readonly hashes: readonly string[];
  }[];
  readonly traceHashes: Record<string, string>;
  readonly marks: MarkCounts;
  /** Marks no run reached although some run of the sweep could have (its faults allow it). */
  readonly marksNeverHit: string[];
  readonly faultsFired: Record<FaultKind, number>;
  readonly determinismChecked: number;
}

function zeroFaults(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
}

function newScenarioSummary(scenario: string): ScenarioSummary {
  const zero = {
    seeds: 0,
    events: 0,
    steps: 0,
    violations: 0,
    expected: 0,
    crashes: 0,
    nonconforming: 0,
    validated: 0,
  };
  return { scenario, ...zero, faultsFired: zeroFaults(), marks: emptyMarks() };
}

/** Adds one run to its scenario's summary and to the sweep-wide fault and mark counts. */
function addRun(
  summary: ScenarioSummary,
  run: RunResult,
  faultsFired: Record<FaultKind, number>,
  marks: MarkCounts,
): void {
  summary.seeds += 1;
  summary.events += run.events;
  summary.steps += run.steps;
  for (const k of FAULT_KINDS) {
    summary.faultsFired[k] += run.faultsFired[k];
    faultsFired[k] += run.faultsFired[k];
  }
  for (const m of MARKS) {
    summary.marks[m] += run.marks[m];
    marks[m] += run.marks[m];
  }
  if (run.status === 'crash') summary.crashes += 1;
  if (run.status === 'conformance') summary.nonconforming += 1;
  if (run.validated) summary.validated += 1;
  if (run.expected) summary.expected += 1;
  else if (run.status !== 'passed') summary.violations += 1;
}

function violationOf(run: RunResult): SweepViolation {
  const conformance = run.conformance;
  return {
    seed: run.seed,
    scenario: run.scenario,
    invariant: run.violation?.invariant ?? conformance?.against ?? 'crash',
    name:
      run.violation?.name ??
      (conformance === null ? 'ImplementationCrashed' : conformanceName(conformance)),
    step: run.violation?.step ?? conformance?.step ?? run.crash?.step ?? run.steps,
    status: run.status,
    expected: run.expected,
    message: run.violation?.message ?? conformance?.reason ?? run.crash?.message ?? '',
  };
}

/**
 * Whether some run of the sweep could reach `mark`: the mark needs no fault, or one of the faults
 * it needs was enabled in that run (its swarm, drawn or given with --faults), so a sweep never
 * warns about a mark none of its runs could hit.
 */
function reachable(mark: Mark, runs: readonly TaskResult[]): boolean {
  return runs.some(({ run }) =>
    markReachable(mark, Object.keys(run.swarm) as FaultKind[], run.topology),
  );
}

/** Folds task results (in any order) into a summary, in plan order. */
export function summarizeSweep(
  results: readonly (TaskResult & { readonly index: number })[],
): SweepSummary {
  const ordered = [...results].sort((a, b) => a.index - b.index);
  const byScenario = new Map<string, ScenarioSummary>();
  const marks = emptyMarks();
  const faultsFired = zeroFaults();
  const violations: SweepViolation[] = [];
  const nondeterministic: SweepSummary['nondeterministic'] = [];
  const traceHashes: Record<string, string> = {};
  let events = 0;
  let determinismChecked = 0;
  for (const { run, deterministic, secondHash } of ordered) {
    const summary = byScenario.get(run.scenario) ?? newScenarioSummary(run.scenario);
    byScenario.set(run.scenario, summary);
    addRun(summary, run, faultsFired, marks);
    events += run.events;
    traceHashes[`${run.scenario}:${run.seed}`] = run.traceHash;
    if (run.status !== 'passed') violations.push(violationOf(run));
    if (deterministic !== null) determinismChecked += 1;
    if (deterministic === false) {
      nondeterministic.push({
        seed: run.seed,
        scenario: run.scenario,
        hashes: [run.traceHash, secondHash ?? ''],
      });
    }
  }
  return {
    seeds: ordered.length,
    events,
    scenarios: [...byScenario.values()],
    violations,
    nondeterministic,
    traceHashes,
    marks,
    marksNeverHit: MARKS.filter((m) => marks[m] === 0 && reachable(m, ordered)),
    faultsFired,
    determinismChecked,
  };
}

/**
 * The sweep's exit code (README, "Deterministic simulation testing"): worst failure wins,
 * nondeterminism above all; 5 for a step the spec does not allow that no invariant noticed.
 */
export function sweepExitCode(summary: SweepSummary): number {
  if (summary.nondeterministic.length > 0) return 4;
  const failures = summary.violations.filter((v) => !v.expected);
  if (failures.some((v) => v.status === 'crash')) return 3;
  if (failures.some((v) => v.status === 'safety')) return 1;
  if (failures.some((v) => v.status === 'liveness')) return 2;
  if (failures.some((v) => v.status === 'conformance')) return 5;
  return 0;
}
