/**
 * Every bound of the SQLite store, with its unit last (CONSTRAINTS.md C-2). Options may narrow
 * them, never widen them.
 */

/** How long one store call may wait for another process's write lock (SQLite busy timeout). */
export const SQLITE_TIMEOUT_MS_DEFAULT = 5_000;
/** Longest busy timeout an option may ask for. */
export const SQLITE_TIMEOUT_MS_MAX = 60_000;
/** Smallest busy timeout: 0 would turn every contended write into an immediate `unavailable`. */
export const SQLITE_TIMEOUT_MS_MIN = 1;

/**
 * History rows one pruning transaction deletes. Small batches keep the write lock short, so a
 * retention sweep never holds up lease writes from other processes past their busy timeout.
 */
export const PRUNE_BATCH_ROWS = 1_000;
/** Batches one `pruneHistory` call runs; a larger backlog is finished by the next call. */
export const PRUNE_BATCHES_MAX = 10_000;

/** Records rewritten per statement batch while a recovery quarantines every resource. */
export const RECOVERY_BATCH_ROWS = 1_000;

/** Longest boot id accepted (Linux gives a 36-character UUID). */
export const BOOT_ID_LENGTH_MAX = 128;
