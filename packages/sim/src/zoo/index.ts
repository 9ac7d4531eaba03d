// '@leasehold/sim/zoo': deliberately broken lease implementations (the bug zoo). Kept out of the
// main entry so nothing in production can pick one up by accident.
export { blindWrites } from './blind-write-store';
export {
  acquireIgnoringGraceAndSkew,
  acquireWithoutIdempotency,
  acquireWithoutTokenBump,
  releaseWithoutOwnerCheck,
  renewByNonHolder,
  renewWithoutExpiryCheck,
} from './broken-decisions';
export { recoveryWithoutJump, recoveryWithoutQuarantine } from './broken-recovery';
export { findZooVariant, ZOO } from './zoo';
export type { ZooVariant } from './zoo';
export { firstFailure, median, runZoo, zooBase } from './zoo-run';
export type { ZooOptions, ZooReport, ZooVariantReport } from './zoo-run';
