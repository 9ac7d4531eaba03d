// The public API of @leasehold/sim. The vitest helper is '@leasehold/sim/vitest', the fast-check
// arbitraries and property '@leasehold/sim/fast-check', the bug zoo '@leasehold/sim/zoo'.
export { Checker } from './checker/checker.js';
export type { CheckerOptions } from './checker/checker.js';
export { checkHeldAnswer } from './checker/expired-lease-claimable.js';
export { checkLeaseUniqueness } from './checker/lease-uniqueness.js';
export type { Belief } from './checker/lease-uniqueness.js';
export type { BeliefBound, ResourceLedger } from './checker/ledger.js';
export {
  beliefEndsByTrueMs,
  claimableByAnyoneFromTrueMs,
  claimableOnWall,
  claimFromWallMs,
  marginMsFor,
  probeAllowanceMs,
} from './checker/time-rules.js';
export type { TimeBounds } from './checker/time-rules.js';
export { formatCutList, isEmptyCut, NO_CUT, parseCutList } from './cuts.js';
export type { Cut, CutListResult, CutUnit } from './cuts.js';
export { emptyMarks, MARK_DESCRIPTIONS, MARK_NEEDS, markReachable, MARKS } from './coverage.js';
export type { Mark, MarkCounts } from './coverage.js';
export {
  ASSUMPTION_BREAKING_FAULTS,
  drawSwarm,
  FAULT_DESCRIPTIONS,
  FAULT_KINDS,
  formatSwarm,
  parseSwarm,
} from './faults.js';
export type { FaultKind, Swarm, SwarmResult } from './faults.js';
export { leaseholdImplementation } from './implementation.js';
export type { ClientFactoryOptions, Implementation, LeaseClientLike } from './implementation.js';
export * as limits from './limits.js';
export { Prng } from './prng.js';
export type { Draws } from './prng.js';
export {
  definedOverrides,
  drawShape,
  drawShapeFrom,
  planRun,
  probeWaitMs,
  runSeed,
} from './run.js';
export { drawResourceNames, RESOURCE_NAMES, twinsOf } from './resource-names.js';
export type { TwinKind } from './resource-names.js';
export type { RunOptions, RunOverrides, RunResult, RunStatus } from './run.js';
export { findScenario, SCENARIOS } from './scenario.js';
export type { Scenario } from './scenario.js';
export { EPOCH_MS } from './scheduler.js';
export { parseSeed, sweepSeed } from './seed.js';
export type { SeedResult } from './seed.js';
export { drawsSmallWorld, sweepSeeds } from './sweep-order.js';
export {
  drawSettings,
  FIXED_SETTINGS,
  formatSettings,
  leaseConfigOf,
  parseSettings,
  withSettings,
} from './settings.js';
export type { SettingsResult, SimSettings } from './settings.js';
export { SimClock } from './sim-clock.js';
export type { ClockHost, ClockSettings } from './sim-clock.js';
export { memorySimulatedStore, sqliteSimulatedStore } from './simulated-store.js';
export type { HistoryRetention, SimulatedStore } from './simulated-store.js';
export type { StoreKind, Topology } from './world.js';
export { Trace } from './trace.js';
export type { TraceHeader, TraceSink } from './trace.js';
export { inDeterminismSample, planSweep, runTask, summarizeSweep, sweepExitCode } from './sweep.js';
export type {
  ScenarioSummary,
  SweepPlan,
  SweepSummary,
  SweepTask,
  SweepViolation,
  TaskOptions,
  TaskResult,
} from './sweep.js';
export {
  conformanceName,
  failedStep,
  failingWrite,
  faultsFlag,
  formatReport,
  plainReport,
  plural,
  reproduceCommand,
  statusText,
} from './report.js';
export type { ReportStyle, ReproduceExtra } from './report.js';
export { shapeOverrides, shrinkRun } from './shrink.js';
export { singleRemovals } from './shrink-minimal.js';
export type { Removal } from './shrink-minimal.js';
export type { RunShape, ShrinkInput, ShrinkResult } from './shrink.js';
