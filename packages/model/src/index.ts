// The public API of @leasehold/model: an explicit list, nothing else.
export { BUGS } from './bug.js';
export type { Bug, BugInfo } from './bug.js';
export { describeState } from './describe-state.js';
export type { NodeView, RecordView, ReplicaView, StateView } from './describe-state.js';
export { actionLabel, explore } from './explorer.js';
export type { Counterexample, ExploreOptions, ExploreResult, TraceStep } from './explorer.js';
export * as modelLimits from './limits.js';
export {
  findModelConfig,
  MODEL_CONFIGS,
  STANDARD_BOUNDS,
  targetInvariant,
} from './model-config.js';
export type { ModelConfig } from './model-config.js';
export { MODEL_INVARIANTS } from './model-invariants.js';
export { successors } from './next.js';
export { initialStates, stateKey } from './state.js';
export type { ModelState } from './state.js';
export { ACTION_NAMES, ACTION_PARAMETERS } from './transition.js';
export { configAnswerProblem, configProblems } from './config-validation.js';
export type { ConfigProblem } from './config-validation.js';
export { show as showRecord, TraceValidator } from './trace-validation.js';
export type {
  ConformanceFailure,
  ValidatedAction,
  ValidationResult,
  ValidatorResourceState,
} from './trace-validation.js';
export type { ActionName, Transition } from './transition.js';
