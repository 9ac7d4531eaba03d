// The public API of @leasehold/client.
export { acquireAll } from './acquire-all.js';
export type { AcquireAllHost, AcquireAllOptions, AcquireAllOutcome } from './acquire-all.js';
export type { BudgetOptions } from './attempts-budget.js';
export { claimLeases } from './agent-claim-all.js';
export type { ClaimAllOptions, ClaimAllOutcome, Taken } from './agent-claim-all.js';
export {
  agentFailure,
  claimLease,
  gateLease,
  heartbeatLease,
  releaseLease,
} from './agent-decisions.js';
export type {
  AgentFailure,
  AgentHost,
  ClaimOptions,
  ClaimOutcome,
  GateOutcome,
  HeartbeatOptions,
  HeartbeatOutcome,
  ReleaseLeaseOutcome,
} from './agent-decisions.js';
export { MemoryAgentState } from './agent-state.js';
export type { AgentLease, AgentLeaseState } from './agent-state.js';
export { CasLoop } from './cas-loop.js';
export type { CasLoopOptions, MutateOptions, Settled } from './cas-loop.js';
export { forceClaim } from './force-claim.js';
export type { ForceClaimHost, ForceClaimOptions, ForceClaimOutcome } from './force-claim.js';
export { counterIds, randomIds } from './ids.js';
export type { IdSource } from './ids.js';
export { KeepAliveLoop, LeaseEndedError } from './keep-alive.js';
export type { KeepAlive, KeepAliveEnd, KeepAliveHost, KeepAliveOptions } from './keep-alive.js';
export { goneToOther, HttpLeaseClient } from './http-lease-client.js';
export type { HttpLease, HttpLeaseClientOptions } from './http-lease-client.js';
export { LeaseClient } from './lease-client.js';
export type { AcquireCallOptions, LeaseClientApi } from './lease-client-api.js';
export type { AcquireOptions } from './acquire-options.js';
export type { LeaseClientOptions, LeaseDecisions } from './lease-client.js';
export { warnListenerError } from './lease-events.js';
export type {
  LeaseEventMap,
  LeaseEventName,
  LeaseListener,
  ListenerErrorHandler,
  LostReason,
} from './lease-events.js';
export {
  ACQUIRE_ALL_RESOURCES_MAX,
  ACQUIRE_POLL_MS_MAX,
  ACQUIRE_ROUNDS_MAX,
  ATTEMPTS_MAX,
  BACKOFF_MS_BASE,
  BACKOFF_MS_MAX,
  HELD_LEASES_MAX,
  HTTP_REQUEST_MS_DEFAULT,
  HTTP_TOKEN_FRESH_MS,
  HTTP_WAIT_MS_MAX,
  KEEPALIVE_LOSS_LEAD_MS,
  KEEPALIVE_RENEW_FRACTION_DIVISOR,
  KEEPALIVE_RETRY_MS_BASE,
  KEEPALIVE_RETRY_MS_MAX,
  KEEPALIVE_ROUNDS_MAX,
  KEEPALIVES_MAX,
  KNOWN_RECORDS_MAX,
  LISTENERS_MAX,
  RETRIES_CAS_MAX,
  UNCERTAIN_ACQUIRES_MAX,
} from './limits.js';
export { ManualClock } from './manual-clock.js';
export { systemClock, systemTimeoutSignal } from './system-clock.js';
export type {
  AcquireOutcome,
  ClientUnavailable,
  ExpireOutcome,
  ForceReleaseOutcome,
  Lease,
  ReleaseOutcome,
  RenewOutcome,
} from './outcomes.js';
export { releaseAll } from './release-all.js';
export type { ReleaseAllHost, ReleaseAllOutcome } from './release-all.js';
export { withLease } from './with-lease.js';
export type { LeaseScope, WithLeaseHost, WithLeaseOptions, WithLeaseResult } from './with-lease.js';
