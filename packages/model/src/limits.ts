/** Every bound of the model and its explorer, units last (CONSTRAINTS.md C-2). */

/** Nodes a model configuration may have (state space grows about 40x per node). */
export const MODEL_NODES_MAX = 4;
/** Replicas of the lease service a model configuration may have (0: the in-process library). */
export const MODEL_REPLICAS_MAX = 3;
/** Replicas in the service configuration (spec/Lease_service.cfg): one lags, one leads. */
export const MODEL_SERVICE_REPLICAS = 2;

/**
 * The standard bounds (spec/Lease.cfg). Model time is in ticks, not milliseconds: a tick is the
 * smallest step at which the protocol's comparisons can differ.
 */
export const MODEL_TTL_TICKS = 3;
export const MODEL_GRACE_TICKS = 1;
/** Any two wall clocks differ by at most this: each clock is within half of it of true time. */
export const MODEL_CLOCK_SKEW_TICKS_MAX = 2;
/**
 * The belief margin. The model has no clock drift (rates are exact), and the margin only covers
 * drift (spec/README.md, step 4), so the standard configuration uses none.
 */
export const MODEL_MARGIN_TICKS = 0;
/** State constraint: true time and fencing tokens stay at or below these. */
export const MODEL_TIME_TICKS_MAX = 6;
export const MODEL_TOKEN_MAX = 2;

/** Distinct states one exploration may visit before it stops as incomplete. */
export const EXPLORE_STATES_MAX = 20_000_000;

/** Steps of one trace validation before it stops (a simulator run is bounded too). */
export const VALIDATE_OBSERVATIONS_MAX = 10_000_000;

/**
 * Ended ops a trace validation still resolves (a late copy of a request, served after its op ended,
 * names it): the oldest is forgotten beyond this, so memory stays flat however long the run.
 */
export const VALIDATE_ENDED_OPS_MAX = 10_000;

// The limits users are told of (README, "Limits"; spec/README.md for the grant marks), stated
// here on their own: the model judges the code under test against these and never takes them
// from `@leasehold/core` (documented-config.ts says why).

/** A resource name: 1 to this many UTF-8 bytes. */
export const DOCUMENTED_RESOURCE_BYTES_MAX = 1024;
/** A request id: 1 to this many UTF-8 bytes. */
export const DOCUMENTED_REQUEST_ID_BYTES_MAX = 128;
/** Every TTL a configuration allows lies in [min, max] (the max: a signed 32-bit ms). */
export const DOCUMENTED_TTL_MS_MIN = 1;
export const DOCUMENTED_TTL_MS_MAX = 2_147_483_647;
/** The drift bound a configuration may state, in parts per million. */
export const DOCUMENTED_DRIFT_PPM_MAX = 100_000;
/** A lease's own renewal limit, given at acquire: 0 to this many. */
export const DOCUMENTED_LEASE_RENEWALS_MAX = Number.MAX_SAFE_INTEGER;
/** A lease's own maximum age, given at acquire: its TTL to this many ms (365 days). */
export const DOCUMENTED_LEASE_AGE_MS_MAX = 31_536_000_000;
/** A record remembers the request ids of this many most recent grants (I-8). */
export const DOCUMENTED_GRANT_MARKS_MAX = 8;
