/** Seeds per scenario that `leasehold dst run` runs when --seeds is not given. */
export const SEEDS_DEFAULT = 300;
/** Worker processes at most (--jobs). */
export const JOBS_MAX = 16;
/** Violations printed in full in a sweep's report; the rest are listed one line each. */
export const REPORTS_MAX = 3;
/** Violation lines listed after the full reports. */
export const VIOLATION_LINES_MAX = 20;
/** Progress lines a non-interactive sweep prints (every 10 %). */
export const PROGRESS_LINES = 10;
/** Directories the agent commands climb from the working directory looking for a git repository. */
export const REPOSITORY_DEPTH_MAX = 256;
/** Listing calls `leasehold guard` makes at most, each of up to the API's LIST_LIMIT_MAX leases. */
export const GUARD_LIST_CALLS_MAX = 100;
/** Longest one git command the CLI runs (`leasehold guard`) may take before it is stopped. */
export const GIT_MS_MAX = 60_000;
/** Largest output of one git command the CLI reads (the staged paths of a commit). */
export const GIT_OUTPUT_BYTES_MAX = 64 * 1024 * 1024;

/** Trace bytes the trace file buffers before it writes them out. */
export const FLUSH_BYTES = 64 * 1024;

/** Scans `release-holder` makes at most: each covers the service's bound of leases. */
export const RELEASE_HOLDER_CALLS_MAX = 100;

/** Longest one request to the service may take, beyond the wait it asks for. */
export const REQUEST_MS_MAX = 90_000;
