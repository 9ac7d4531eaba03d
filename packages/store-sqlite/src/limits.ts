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

/**
 * How often a watch (`SqliteStore.watch`) reads the version of its resource, to see writes other
 * processes (or other store objects on the file) committed; writes by this store object wake it
 * at once. One indexed read per interval per waiting watch.
 */
export const HANDOFF_POLL_MS = 50;
/**
 * Polls one watch makes before it resolves anyway (a watch may resolve spuriously; the caller
 * re-reads and watches again): about a minute at HANDOFF_POLL_MS.
 */
export const HANDOFF_POLLS_MAX = 1_200;
