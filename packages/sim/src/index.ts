// The public API of @leasehold/sim. The vitest helper is '@leasehold/sim/vitest'.
export { Checker } from './checker/checker';
export type { CheckerOptions } from './checker/checker';
export { checkHeldAnswer } from './checker/expired-lease-claimable';
export { checkLeaseUniqueness } from './checker/lease-uniqueness';
export type { Belief } from './checker/lease-uniqueness';
export type { BeliefBound, ResourceLedger } from './checker/ledger';
export {
  beliefEndsByTrueMs,
  claimableByAnyoneFromTrueMs,
  claimableOnWall,
  claimFromWallMs,
  marginMsFor,
  probeAllowanceMs,
} from './checker/time-rules';
export type { TimeBounds } from './checker/time-rules';
export { emptyMarks, MARK_DESCRIPTIONS, MARK_NEEDS, markReachable, MARKS } from './coverage';
export type { Mark, MarkCounts } from './coverage';
export { drawSwarm, FAULT_DESCRIPTIONS, FAULT_KINDS, formatSwarm, parseSwarm } from './faults';
export type { FaultKind, Swarm, SwarmResult } from './faults';
export { leaseholdImplementation } from './implementation';
export type { ClientFactoryOptions, Implementation, LeaseClientLike } from './implementation';
export * as limits from './limits';
export { Prng } from './prng';
export { definedOverrides, drawShape, planRun, probeWaitMs, RESOURCE_NAMES, runSeed } from './run';
export type { RunOptions, RunOverrides, RunResult, RunStatus } from './run';
export { findScenario, SCENARIOS } from './scenario';
export type { Scenario } from './scenario';
export { EPOCH_MS } from './scheduler';
export { parseSeed, sweepSeed } from './seed';
export type { SeedResult } from './seed';
export {
  drawSettings,
  FIXED_SETTINGS,
  formatSettings,
  leaseConfigOf,
  parseSettings,
  withSettings,
} from './settings';
export type { SettingsResult, SimSettings } from './settings';
export { SimClock } from './sim-clock';
export type { ClockHost, ClockSettings } from './sim-clock';
export { Trace } from './trace';
export type { TraceHeader, TraceSink } from './trace';
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
export {
  conformanceName,
  failedStep,
  faultsFlag,
  plainReport,
  reproduceCommand,
  statusText,
} from './report';
export type { ReproduceExtra } from './report';
export { shapeOverrides, shrinkRun } from './shrink';
export type { RunShape, ShrinkInput, ShrinkResult } from './shrink';
