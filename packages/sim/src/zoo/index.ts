// '@leasehold/sim/zoo': deliberately broken lease implementations (the bug zoo). Kept out of the
// main entry so nothing in production can pick one up by accident.
export { blindWrites } from './blind-write-store.js';
export {
  acquireIgnoringGraceAndSkew,
  acquireWithoutIdempotency,
  acquireWithoutTokenBump,
  releaseWithoutOwnerCheck,
  renewByNonHolder,
  renewWithoutExpiryCheck,
} from './broken-decisions.js';
export { recoveryWithoutJump, recoveryWithoutQuarantine } from './broken-recovery.js';
export {
  agentBeliefFromReply,
  agentSendingClientTime,
  replicaDedupByHolder,
  replicaLosingWakeups,
  replicaTrustingClientTime,
} from './broken-service.js';
export { findZooVariant, ZOO } from './zoo.js';
export type { ZooVariant } from './zoo.js';
export { firstFailure, median, runZoo, zooBase } from './zoo-run.js';
export type { ZooOptions, ZooReport, ZooVariantReport } from './zoo-run.js';
export { ZOO_BASES_DEFAULT, ZOO_BUDGET_DEFAULT, ZOO_MARGIN_PCT } from '../limits.js';
