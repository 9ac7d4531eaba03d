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
