/**
 * Every hard limit of the lease model, with its unit last (CONSTRAINTS.md C-2). Runtime
 * configuration (`LeaseConfig`) may narrow these; it can never widen them.
 */

/** Longest resource name, in UTF-8 bytes. Long enough for a path or a git ref plus a prefix. */
export const RESOURCE_BYTES_MAX = 1024;
/** Longest holder id, in UTF-8 bytes. */
export const HOLDER_BYTES_MAX = 256;
/** Longest request id or owner key, in UTF-8 bytes. */
export const REQUEST_ID_BYTES_MAX = 128;
export const OWNER_KEY_BYTES_MAX = 128;

/** Smallest TTL any configuration may allow. Simulations use short TTLs; production defaults are far above. */
export const TTL_MS_LIMIT_MIN = 1;
/**
 * Largest TTL any configuration may allow: the largest delay a Node.js timer accepts (2^31 - 1),
 * so a single keep-alive timer can always cover one TTL.
 */
export const TTL_MS_LIMIT_MAX = 2_147_483_647;

/**
 * Largest renewal limit a configuration (per grant) or a lease (its own, given at acquire) may
 * state.
 */
export const RENEWALS_LIMIT_MAX = Number.MAX_SAFE_INTEGER;
/**
 * Largest maximum age a lease may be given at acquire (365 days): no renewal extends a lease past
 * `acquiredAtMs + maxAgeMs`.
 */
export const LEASE_AGE_MS_LIMIT_MAX = 31_536_000_000;

/** Largest clock drift bound a configuration may state: 10 % (100,000 parts per million). */
export const CLOCK_DRIFT_PPM_LIMIT_MAX = 100_000;

/** Largest duration `parseDuration` accepts: 365 days. */
export const DURATION_MS_MAX = 31_536_000_000;
/** Longest duration string `parseDuration` reads, in characters. */
export const DURATION_TEXT_LENGTH_MAX = 64;

/**
 * How many recent grant request ids a record remembers, so that a retried acquire whose first
 * attempt was applied is recognised even after the lease changed hands that many times (I-8).
 */
export const RECORD_GRANT_IDS_MAX = 8;

/** Fencing tokens stay exact integers. */
export const TOKEN_MAX = Number.MAX_SAFE_INTEGER;
