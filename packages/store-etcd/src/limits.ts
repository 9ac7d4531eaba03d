/**
 * Every bound of the etcd store, with its unit last (CONSTRAINTS.md C-2). Options may narrow
 * them, never widen them.
 */

/** How long one store call may take, including fail-over between members, before `unavailable`. */
export const ETCD_TIMEOUT_MS_DEFAULT = 5_000;
export const ETCD_TIMEOUT_MS_MIN = 1;
export const ETCD_TIMEOUT_MS_MAX = 60_000;

/**
 * Operations in one etcd transaction: etcd's default `--max-txn-ops`. Pruning deletes history in
 * transactions of at most this many keys.
 */
export const ETCD_TXN_OPS_MAX = 128;

/** Keys one range request of a scan (history pruning, listing by holder) reads. */
export const SCAN_PAGE_KEYS = 1_000;
/** Pages one scan reads; past it the call answers `unavailable` (or, pruning, stops early). */
export const SCAN_PAGES_MAX = 10_000;

/**
 * Records whose last seen version and revision the store remembers, so that a compare-and-set
 * right after a read needs one round trip, not two (the write checks need the current record).
 */
export const READ_CACHE_ENTRIES_MAX = 4_096;

/** Longest key prefix (namespace), in bytes. */
export const PREFIX_BYTES_MAX = 256;

/**
 * While no endpoint is known to be the raft leader (an election, or the leader is not among the
 * endpoints), how often requests may trigger a new round of status questions (leader-route.ts).
 */
export const LEADER_ASK_INTERVAL_MS = 1_000;

/**
 * Watches (`EtcdStore.watch`) one store keeps open at once, each an etcd watch on one record key
 * over the shared watch stream. Past it a watch ends only with its signal, and the caller's own
 * timer paces it.
 */
export const ETCD_WATCHES_MAX = 1_000;

/**
 * Pause between tries to set up a watch that could not be set up (etcd slow or unreachable). The
 * watch keeps its start revision across tries, so a retry loses no write.
 */
export const ETCD_WATCH_RETRY_MS = 250;
