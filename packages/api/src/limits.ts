/**
 * The bounds the HTTP API states in its schemas, with their unit last (CONSTRAINTS.md C-2). The
 * service keeps its own limits beside them; runtime settings may narrow the lease limits of
 * `@leasehold/core`, never widen these.
 */

/** Longest `wait_ms` an acquire may ask for: a request never hangs longer than a minute. */
export const WAIT_MS_MAX = 60_000;
/** Longest lease id the service will try to decode. */
export const LEASE_ID_LENGTH_MAX = 2_048;
/** Longest owner key a request may present (the service issues 43 characters). */
export const OWNER_KEY_LENGTH_MAX = 128;
/** Records one listing returns at most. */
export const LIST_LIMIT_MAX = 1_000;
/** History events one call returns at most. */
export const HISTORY_LIMIT_MAX = 1_000;
/** Largest JSON integer of a millisecond field (2^31 - 1, the longest timer Node keeps). */
export const API_MS_MAX = 2_147_483_647;
/**
 * Service URLs one client fails over between (`failoverTransport`): each request tries each at
 * most once, so this also bounds the attempts of one request.
 */
export const SERVICE_URLS_MAX = 16;

/** Longest reply text kept when a reply is not JSON (for the failure's reason). */
export const NOT_JSON_TEXT_MAX = 200;
