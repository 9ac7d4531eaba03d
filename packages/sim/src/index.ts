// The public API of @leasehold/sim. The vitest helper is '@leasehold/sim/vitest'.
export { Checker } from './checker';
export { emptyMarks, MARK_DESCRIPTIONS, MARKS } from './coverage';
export type { Mark, MarkCounts } from './coverage';
export { drawSwarm, FAULT_DESCRIPTIONS, FAULT_KINDS, formatSwarm, parseSwarm } from './faults';
export type { FaultKind, Swarm, SwarmResult } from './faults';
export { leaseholdImplementation } from './implementation';
export type { ClientFactoryOptions, Implementation, LeaseClientLike } from './implementation';
export * as limits from './limits';
export { Prng } from './prng';
export { definedOverrides, RESOURCE_NAMES, runSeed } from './run';
export type { RunOptions, RunOverrides, RunResult, RunStatus } from './run';
export { findScenario, SCENARIOS } from './scenario';
export type { Scenario } from './scenario';
export { parseSeed, sweepSeed } from './seed';
export type { SeedResult } from './seed';
export { SimClock } from './sim-clock';
export type { ClockHost, ClockSettings } from './sim-clock';
export { Trace } from './trace';
export type { TraceEvent, TraceSink } from './trace';
export { formatWorkload, parseWorkload, SIM_CONFIG, SIM_WORKLOAD } from './workload-settings';
export type { WorkloadKnobs, WorkloadResult } from './workload-settings';
export { inDeterminismSample, planSweep, runTask, summarizeSweep, sweepExitCode } from './sweep';
export type {
  ScenarioSummary,
  SweepPlan,
  SweepSummary,
  SweepTask,
  SweepViolation,
  TaskOptions,
  TaskResult,
} from './sweep';
export { faultsFlag, plainReport, reproduceCommand, statusText } from './report';
export type { ReproduceExtra } from './report';
export type { Observation, Observer } from './observation';
export { shapeOverrides, shrinkRun } from './shrink';
export type { RunShape, ShrinkInput, ShrinkResult } from './shrink';
