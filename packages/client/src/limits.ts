/** Store round trips (read + compare-and-set) one operation may make before giving up. */
export const ATTEMPTS_MAX = 8;
/** Compare-and-set conflicts one operation tolerates (contention) before giving up. */
export const RETRIES_CAS_MAX = 6;
/** First back-off after the store was unavailable; doubles per attempt up to BACKOFF_MS_MAX. */
export const BACKOFF_MS_BASE = 10;
export const BACKOFF_MS_MAX = 1_000;
/** Longest single sleep of a blocking acquire between attempts. */
export const ACQUIRE_POLL_MS_MAX = 5_000;
/** Rounds a blocking acquire may take, however long its wait. */
export const ACQUIRE_ROUNDS_MAX = 10_000;
/** Resources whose last-seen record a client remembers for one-round-trip writes. */
export const KNOWN_RECORDS_MAX = 1_000;
/** Acquires with an unknown outcome whose owner key and proposed token a client remembers (I-8). */
export const UNCERTAIN_ACQUIRES_MAX = 1_000;
/** Proposed tokens of one such acquire it tells apart (beyond them, the lowest stands for all). */
export const UNCERTAIN_TOKENS_MAX = 16;

/**
 * A keep-alive gives its lease up this long before the belief end (monotonic ms), so its signal is
 * aborted before the first instant the holder must no longer act, not at it.
 */
export const KEEPALIVE_LOSS_LEAD_MS = 1;
/** A keep-alive renews after ttlMs / KEEPALIVE_RENEW_FRACTION_DIVISOR: two more tries fit in a TTL. */
export const KEEPALIVE_RENEW_FRACTION_DIVISOR = 3;
/** First wait of a keep-alive after an unavailable renewal; doubles up to the max below. */
export const KEEPALIVE_RETRY_MS_BASE = 50;
/** Longest wait between renewal tries (never past the belief end, where the lease is lost). */
export const KEEPALIVE_RETRY_MS_MAX = 2_000;
/** Renewal tries one keep-alive makes at most, successful or not; then the lease runs out. */
export const KEEPALIVE_ROUNDS_MAX = 10_000_000;
/** Keep-alives one client runs at once (one per lease it keeps; more is a leak in the caller). */
export const KEEPALIVES_MAX = 1_000;
/** Leases a client tracks for `holds` and `releaseAll`; past it, ended ones go first, then the oldest. */
export const HELD_LEASES_MAX = 1_000;
/** Resources one `acquireAll` call may take. */
export const ACQUIRE_ALL_RESOURCES_MAX = 100;
/** Listeners per event kind on one client (more is a leak in the caller). */
export const LISTENERS_MAX = 100;
/** Longest one HTTP request may take (beyond the wait it asks for) before its outcome counts as unknown. */
export const HTTP_REQUEST_MS_DEFAULT = 10_000;
/**
 * How long a token an answer told `HttpLeaseClient` serves as an acquire's floor before it asks
 * the service again (its status): a floor the service has forgotten past refuses the acquire.
 */
export const HTTP_TOKEN_FRESH_MS = 1_000;
/** Longest wait one acquire request asks the service for (the service's own bound). */
export const HTTP_WAIT_MS_MAX = 60_000;

/** Sleeps one wait may take: a clock that wakes early is slept on again, within this bound. */
export const WAKEUPS_MAX = 1_000;
