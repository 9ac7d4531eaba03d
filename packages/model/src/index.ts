// The public API of @leasehold/model: an explicit list, nothing else.
export { BUGS } from './bug';
export type { Bug, BugInfo } from './bug';
export { describeState } from './describe-state';
export type { NodeView, RecordView, StateView } from './describe-state';
export { actionLabel, explore } from './explorer';
export type { Counterexample, ExploreOptions, ExploreResult, TraceStep } from './explorer';
export * as modelLimits from './limits';
export { findModelConfig, MODEL_CONFIGS, STANDARD_BOUNDS, targetInvariant } from './model-config';
export type { ModelConfig } from './model-config';
export { MODEL_INVARIANTS } from './model-invariants';
export { successors } from './next';
export { initialStates, stateKey } from './state';
export type { ModelState } from './state';
export { ACTION_NAMES } from './transition';
export { configAnswerProblem, configProblems } from './config-validation';
export type { ConfigProblem } from './config-validation';
export { show as showRecord, TraceValidator } from './trace-validation';
export type {
  ConformanceFailure,
  ValidatedAction,
  ValidationResult,
  ValidatorResourceState,
} from './trace-validation';
export type { ActionName, Transition } from './transition';
