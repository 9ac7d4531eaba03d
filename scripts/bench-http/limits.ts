/**
 * Every bound of `npm run bench:http` in one place (CONSTRAINTS.md C-2). Times are integer
 * milliseconds of real time.
 */

/** Targets of the issue. */
export const THROUGHPUT_RATIO_PERCENT_MIN = 50;
export const REQUEST_P99_MS_MAX = 20;
export const HANDOFF_P99_MS_MAX = 50;

/** Load runs: autocannon connections, and the resources of the hot workload. */
export const CONNECTIONS = 32;
export const HOT_RESOURCES = 10;
/** A rate limit the load never reaches (the service's default is 6,000 per holder a minute). */
export const RATE_LIMIT_PER_MINUTE_BENCH = 1_000_000_000;
/** Lease TTL of the load and hand-off requests: longer than any run, so nothing expires. */
export const BENCH_TTL_MS = 60_000;
/** autocannon: a request with no reply for this long counts as an error. */
export const LOAD_REQUEST_TIMEOUT_S = 10;

/** The bare route's compare-and-set retries on conflict (the service has SERVICE_ATTEMPTS_MAX). */
export const BARE_ATTEMPTS_MAX = 8;

/** Hand-off: how long a waiter may wait, and how long the driver waits for it to be waiting. */
export const HANDOFF_WAIT_MS = 5_000;
export const WAITER_READY_MS_MAX = 5_000;
/** How often the driver looks whether the waiter is waiting. */
export const WAITER_POLL_MS = 1;

/** Soak: agents, resources, and what an agent does with a lease. */
export const SOAK_AGENTS = 64;
export const SOAK_RESOURCES = 10;
export const SOAK_TTL_MS = 2_000;
/** Blocking agents wait up to this long on acquire (`wait_ms`). */
export const SOAK_WAIT_MS = 1_000;
/** A non-blocking agent refused sleeps min(retry_after_ms, this) plus up to the jitter. */
export const SOAK_RETRY_SLEEP_MS_MAX = 20;
export const SOAK_JITTER_MS_MAX = 10;
/** An agent holds a lease up to this long (ms), renewing it up to this many times. */
export const SOAK_HOLD_MS_MAX = 20;
export const SOAK_RENEWALS_MAX = 2;
/** One grant in this many is abandoned (never released), so the lease must expire. */
export const SOAK_ABANDON_EVERY = 200;
/** An HTTP request of an agent with no answer after this long fails the soak. */
export const SOAK_REQUEST_TIMEOUT_MS = 30_000;
/** After the soak's time, agents finish their lease within this. */
export const SOAK_DRAIN_MS_MAX = 40_000;

/** A child service process must print its address within this. */
export const SERVICE_READY_MS_MAX = 30_000;
/** After SIGTERM a child service process must exit within this (the service's own is 10 s). */
export const SERVICE_EXIT_MS_MAX = 15_000;

/** etcd: the bench's own lock key prefix, and the bound on one Lock call. */
export const ETCD_TIMEOUT_MS = 5_000;
