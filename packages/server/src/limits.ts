/**
 * Every bound of the lease service, with its unit last (CONSTRAINTS.md C-2). Runtime settings
 * (`PUT /v1/admin/config`) may narrow the lease limits of `@leasehold/core`; never widen these.
 */

/** Store round trips (read + compare-and-set) one service operation may make before giving up. */
export const SERVICE_ATTEMPTS_MAX = 8;
/** First back-off after the store was unavailable; doubles per attempt up to the max. */
export const SERVICE_BACKOFF_MS_BASE = 5;
export const SERVICE_BACKOFF_MS_MAX = 500;

export {
  HISTORY_LIMIT_MAX,
  LEASE_ID_LENGTH_MAX,
  LIST_LIMIT_MAX,
  WAIT_MS_MAX,
} from '@leasehold/api';
/** Rounds (try, wait, wake) one waiting acquire may take, however long its wait. */
export const WAIT_ROUNDS_MAX = 1_000;
/** Acquires waiting at once across the service; one more is answered 503. */
export const WAITERS_MAX = 10_000;

/** Random bytes in an owner key (256 bits, base64url-encoded: 43 characters). */
export const OWNER_KEY_RANDOM_BYTES = 32;
/** Random bytes in a request id the service chooses for the caller. */
export const REQUEST_ID_RANDOM_BYTES = 16;

/** Records one listing returns by default (at most LIST_LIMIT_MAX). */
export const LIST_LIMIT_DEFAULT = 100;
/** Records a filtered listing or a cleanup scans at most per call. */
export const SCAN_RECORDS_MAX = 100_000;
/** History events one call returns by default (at most HISTORY_LIMIT_MAX). */
export const HISTORY_LIMIT_DEFAULT = 100;
/** Leases one `release-holder` call force-releases at most. */
export const RELEASE_HOLDER_LEASES_MAX = 10_000;
/** Records one metrics scrape counts at most for the active-leases gauge. */
export const METRICS_SCAN_RECORDS_MAX = 10_000;

/** Default history retention of cleanup: 7 days. */
export const HISTORY_RETENTION_MS_DEFAULT = 604_800_000;
/** Longest history retention a configuration may set: 10 years. */
export const HISTORY_RETENTION_MS_MAX = 315_360_000_000;

/** Largest request body, in bytes. A resource name plus the rest fits many times over. */
export const BODY_BYTES_MAX = 16_384;
/** Longest URL path parameter (a percent-encoded resource name: up to 3 characters a byte). */
export const PATH_PARAM_LENGTH_MAX = 3 * 1_024;
/** Requests per holder (or client address) per minute before 429. */
export const RATE_LIMIT_PER_MINUTE_DEFAULT = 6_000;
/** API keys one auth file may hold. */
export const AUTH_KEYS_MAX = 10_000;
/** Largest auth file, in bytes. */
export const AUTH_FILE_BYTES_MAX = 1_048_576;
/** How long a graceful shutdown waits for in-flight requests before closing anyway. */
export const SHUTDOWN_MS_MAX = 10_000;

/** The default port of `leasehold serve`. */
export const PORT_DEFAULT = 8105;

// The MCP tools (`@leasehold/server/mcp`, `/mcp`).
/** Agents whose owner keys one service keeps for /mcp at most; agents that keep none go first. */
export const MCP_AGENTS_MAX = 10_000;
/** The longest a tool's call through the request path is given (the call runs in this process). */
export const MCP_REQUEST_MS_MAX = 90_000;
/** Leases one agent keeps in a service's memory at most (`/mcp`): one more is given back. */
export const MCP_KEPT_LEASES_MAX = 1_000;
/** Calls `release_holder` makes at most: each releases the service's bound of leases. */
export const MCP_RELEASE_HOLDER_CALLS_MAX = 100;
/** Listing rows a `list` answers when no limit is given (a model reads every line). */
export const MCP_LIST_LIMIT_DEFAULT = 100;
/** History events `status` answers when no limit is given. */
export const MCP_HISTORY_LIMIT_DEFAULT = 20;

/** Longest test-clock step the hidden test route accepts: a year. */
export const TEST_CLOCK_STEP_MS_MAX = 31_536_000_000;
