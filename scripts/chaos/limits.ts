/**
 * Every bound of the chaos runs against real stores, in one place (CONSTRAINTS.md C-2). Times are
 * integer milliseconds of real time.
 */

/** How long the workload runs when --duration-ms is not given. */
export const DURATION_MS_DEFAULT = 20_000;
export const DURATION_MS_MIN = 1_000;
export const DURATION_MS_MAX = 600_000;

/**
 * Quota mode (--grants N): the run ends once the store holds N grants and the fenced resource
 * has accepted N writes, so a slow machine takes longer instead of doing less (CONSTRAINTS.md
 * C-11); --duration-ms is then only a cap, by default this far above what any machine needs.
 */
export const GRANTS_QUOTA_MIN = 1;
export const GRANTS_QUOTA_MAX = 100_000;
export const QUOTA_CAP_MS_DEFAULT = 300_000;
/** How often the driver reads the quota's progress (store history, fenced log) back. */
export const PROGRESS_POLL_MS = 100;

/** Nodes: SQLite child processes, or etcd clients in the driver's process. */
export const PROCESSES_DEFAULT = 4;
export const PROCESSES_MAX = 16;

/** Few resources, so nodes contend; each is protected by its own fenced resource. */
export const RESOURCES_DEFAULT = 2;
export const RESOURCES_MAX = 8;

/** SQLite: child processes killed with SIGKILL (and restarted) per run. */
export const PROCESS_KILLS_DEFAULT = 4;
export const PROCESS_KILLS_MAX = 64;
/** How long a killed child stays dead before it is restarted (with its memory lost). */
export const RESTART_DELAY_MS_MIN = 50;
export const RESTART_DELAY_MS_MAX = 1_000;

/** etcd: members killed with SIGKILL (and restarted) per run; the first kill is the leader. */
export const MEMBER_KILLS_DEFAULT = 2;
export const MEMBER_KILLS_MAX = 16;
/** How long a killed member stays down; one member at a time, so the cluster keeps a quorum. */
export const MEMBER_DOWN_MS_MIN = 300;
export const MEMBER_DOWN_MS_MAX = 2_000;

/**
 * Kills happen in this part of the run (percent of the duration, or of the grant quota), so
 * there is work around them.
 */
export const KILL_WINDOW_PERCENT_START = 10;
export const KILL_WINDOW_PERCENT_END = 80;

/** After the deadline or the stop signal a node finishes its current lease; past this it is killed. */
export const NODE_EXIT_MS_MAX = 15_000;
/** A node process must report ready within this, or the run is an internal error. */
export const NODE_READY_MS_MAX = 15_000;

/** Store calls of the chaos nodes (SQLite busy timeout, etcd call bound). */
export const STORE_TIMEOUT_MS = 2_000;

/**
 * Slack when comparing instants measured by different processes on the host's monotonic clock:
 * the client floors `performance.now()` to whole milliseconds, and the offsets between each
 * process's clocks are sampled once. Beliefs end at least safetyMarginMs + graceMs +
 * maxClockSkewMs before anyone may take over, far above this.
 */
export const CLOCK_TOLERANCE_MS = 2;

/** Liveness probe (I-4): allowance for scheduling, fsync and retries on top of the stated bound. */
export const PROBE_SLACK_MS = 2_000;

/** Pages read from a store's history per resource before the run is declared too large. */
export const HISTORY_PAGES_MAX = 10_000;
/** Page size of history and listing reads. */
export const HISTORY_PAGE_LIMIT = 1_000;

/** Entries read back from all journals and fenced logs of one run (memory bound). */
export const JOURNAL_ENTRIES_MAX = 5_000_000;

/** Violations listed in the report (all are counted). */
export const VIOLATIONS_SHOWN_MAX = 20;

/** etcd fenced resource: transactions retried when another writer changed the key in between. */
export const FENCED_CAS_RETRIES_MAX = 32;
