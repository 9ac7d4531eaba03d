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
