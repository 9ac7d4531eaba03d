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
