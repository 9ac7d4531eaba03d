import type { FaultKind } from './faults.js';
import type { Topology } from './world.js';

/**
 * Coverage marks: rare transitions the sweep should reach. A sweep reports how often each was hit
 * and warns about any it never hit where it could have (a fault or workload step that silently
 * stopped doing its job).
 */
export const MARKS = [
  'expiryDuringRenew',
  'takeoverAfterExpiry',
  'replyLostThenRetried',
  'acquireRetriedLater',
  'replyTimedOut',
  'requestDuplicated',
  'lateRequestApplied',
  'sameInstantChoice',
  'fencedWriteRejected',
  'crashWhileHolding',
  'clockJumpPastExpiry',
  'casConflict',
  'blockingAcquireWaited',
  'beliefLapsedWhileHolding',
  'workAfterIndeterminateRenew',
  'releaseAfterLostReply',
  'forceReleasedHolder',
  'forceReleaseRefused',
  'expiredByCleanup',
  'maxRenewalsReached',
  'renewRefusedAtLeaseLimit',
  'renewCappedAtMaxAge',
  'staleRenewRefused',
  'lateRelease',
  'badInputSent',
  'powerLossForgotGrant',
  'acquireAllHeldSeveral',
  'acquireAllRolledBack',
  'forceClaimTookOver',
  'keepAliveRenewed',
  'keepAliveLost',
  'releaseAllWithKeepAlives',
  'withLeaseWorkThrew',
  'agentClaimForced',
  'agentClaimedSeveral',
  'agentClaimGaveBack',
  'agentGateHeld',
  'agentGateRefused',
  'agentHeartbeatThrottled',
  'agentReleaseRetried',
  'agentSessionResumed',
  'agentViaMcp',
  'agentAskedStatus',
  'agentListed',
  'actedAsAnotherRefused',
  'queryLimitRefused',
  'adminRouteRefused',
  'configChangedAtRuntime',
  'holderPartitioned',
  'requestFailedOver',
  'twinsHeldTogether',
] as const;

export type Mark = (typeof MARKS)[number];

export const MARK_DESCRIPTIONS: Readonly<Record<Mark, string>> = {
  expiryDuringRenew: 'a renew found its lease already past expiry',
  takeoverAfterExpiry: 'a node took over a lease another node never released',
  replyLostThenRetried: 'a grant whose reply was lost was recognised by the retry (same requestId)',
  acquireRetriedLater:
    'an acquire that ended unavailable was retried under its request id after a back-off of a few TTLs',
  replyTimedOut: 'a client waited its full timeout for a reply that never came',
  requestDuplicated: 'the store handled a second copy of a request',
  lateRequestApplied: 'a write delivered after its client gave up waiting was applied',
  sameInstantChoice: 'the scheduler chose among several events enabled at one instant',
  fencedWriteRejected: 'a fenced resource rejected a stale token',
  crashWhileHolding: 'a node crashed while it held a lease',
  clockJumpPastExpiry: "a wall-clock jump crossed a lease's expiry",
  casConflict: 'a compare-and-set lost a race (conflict)',
  blockingAcquireWaited: 'a blocking acquire waited and then got the lease',
  beliefLapsedWhileHolding: 'a holder stopped believing before it finished its work',
  workAfterIndeterminateRenew:
    'a holder kept working on its earlier belief after a renew whose outcome was unknown',
  releaseAfterLostReply:
    'an acquire that ended unavailable was retried with its request id, granted, and released',
  forceReleasedHolder: 'an admin force-release evicted a holder',
  forceReleaseRefused: 'a force-release with an expected holder found another holder',
  expiredByCleanup: 'a cleanup expired a lease past its claimable point',
  maxRenewalsReached: 'a renew was refused because the lease reached its renewal limit',
  renewRefusedAtLeaseLimit:
    "a renew was refused at the lease's own renewal limit (its maxRenewals, given at acquire)",
  renewCappedAtMaxAge:
    "a renewal was capped at the lease's maximum age (acquiredAtMs + maxAgeMs, given at acquire)",
  staleRenewRefused: 'a late renew of a lease that had ended was refused',
  lateRelease:
    'a lease that had ended was released late (a finally block after the lease was lost)',
  badInputSent: 'an operation was sent with an input just outside (or on) a documented limit',
  powerLossForgotGrant: 'a power loss forgot a grant, and the recovery quarantined its resource',
  acquireAllHeldSeveral: 'an acquireAll was granted a set of leases, held together',
  acquireAllRolledBack: 'an acquireAll failed part way and released what it had taken, in reverse',
  forceClaimTookOver: 'a forceClaim force-released a holder and was granted the lease',
  keepAliveRenewed: 'a keep-alive renewed a lease while its holder worked',
  keepAliveLost: "a keep-alive gave a lease up and aborted its holder's signal",
  releaseAllWithKeepAlives: 'a releaseAll stopped running keep-alives and released their leases',
  withLeaseWorkThrew: "withLease's work threw: the lease was released and the error rethrown",
  agentClaimForced:
    "an agent's claim --force (or its force_release tool, then claim) took a lease, over from its holder if there was one",
  agentClaimedSeveral: "an agent's claim of two resources took both",
  agentClaimGaveBack:
    "an agent's claim of two resources was refused one and gave back the one it had taken",
  agentGateHeld: "an agent's gate let an edit through (it held the lease)",
  agentGateRefused:
    "an agent's gate refused an edit (the lease was not its own, or its belief ran out)",
  agentHeartbeatThrottled:
    "an agent's heartbeat was throttled (by the agent, or by the service's min interval)",
  agentReleaseRetried:
    'an agent sent a release again that it had sent before and never seen confirmed (its gate refused meanwhile)',
  agentSessionResumed:
    'an agent gated and heartbeat a lease it kept from an earlier turn, without claiming it again',
  agentViaMcp:
    'an agent worked through the MCP tools (claim, gate, renew, release), not the agent CLI',
  agentAskedStatus:
    "an agent asked a resource's status and history through the MCP status tool, and the answer was judged against the store",
  agentListed:
    'an agent listed leases through the MCP list tool (by holder, prefix, status, a small page), and the listing was judged against the store',
  queryLimitRefused:
    'a listing or a history asked for a page outside the documented range (it must be refused naming limit)',
  actedAsAnotherRefused:
    "an agent claimed a lease in another agent's name with its own API key (the answer must be 403)",
  adminRouteRefused:
    'an agent called an admin route with a key bound to its holder only (the answer must be 403)',
  configChangedAtRuntime:
    "an operator changed a replica's renewal limit at runtime, through the admin route",
  holderPartitioned: 'a partition cut off an agent while it held a lease',
  requestFailedOver:
    "an agent's request that one replica could not serve (connection refused, or a 503) went on to the next replica, under the same request id",
  twinsHeldTogether:
    'two resources whose names a key encoding might fold (case, normalization, separator) were held at once',
};

/** A fault a mark needs in the scenario's menu, or the topology it needs. */
type MarkNeed = FaultKind | Topology;

/**
 * What a mark needs to be reachable: any one of these faults in the scenario's menu, and the
 * topology it names if it names one; `null` for marks every scenario can reach. A sweep warns only
 * about reachable marks it missed.
 */
export const MARK_NEEDS: Readonly<Record<Mark, readonly MarkNeed[] | null>> = {
  expiryDuringRenew: null,
  takeoverAfterExpiry: null,
  replyLostThenRetried: ['in-process', 'storeReplyLost', 'storeLatency', 'storeLateDelivery'],
  acquireRetriedLater: [
    'in-process',
    'storeReplyLost',
    'storeLatency',
    'storeWriteFail',
    'storeReadFail',
    'storeCrash',
  ],
  replyTimedOut: ['storeReplyLost', 'storeLatency', 'storeLateDelivery'],
  requestDuplicated: ['storeDuplicate'],
  lateRequestApplied: ['storeLateDelivery', 'storeLatency'],
  sameInstantChoice: null,
  fencedWriteRejected: null,
  crashWhileHolding: ['nodeCrash', 'storePowerLoss'],
  clockJumpPastExpiry: ['clockJump'],
  casConflict: null,
  blockingAcquireWaited: null,
  beliefLapsedWhileHolding: null,
  workAfterIndeterminateRenew: [
    'storeReplyLost',
    'storeLatency',
    'storeWriteFail',
    'storeReadFail',
    'storeCrash',
  ],
  releaseAfterLostReply: ['in-process', 'storeReplyLost', 'storeLatency', 'storeLateDelivery'],
  forceReleasedHolder: null,
  forceReleaseRefused: null,
  expiredByCleanup: ['in-process'],
  maxRenewalsReached: null,
  renewRefusedAtLeaseLimit: null,
  renewCappedAtMaxAge: null,
  staleRenewRefused: null,
  lateRelease: null,
  badInputSent: null,
  powerLossForgotGrant: ['storePowerLoss', 'storeServerPowerLoss'],
  acquireAllHeldSeveral: null,
  acquireAllRolledBack: null,
  forceClaimTookOver: null,
  keepAliveRenewed: null,
  keepAliveLost: null,
  releaseAllWithKeepAlives: null,
  withLeaseWorkThrew: null,
  agentClaimForced: ['service'],
  agentClaimedSeveral: ['service'],
  agentClaimGaveBack: ['service'],
  agentGateHeld: ['service'],
  agentGateRefused: ['service'],
  agentHeartbeatThrottled: ['service'],
  agentReleaseRetried: ['service'],
  agentSessionResumed: ['service'],
  agentViaMcp: ['service'],
  agentAskedStatus: ['service'],
  agentListed: ['service'],
  actedAsAnotherRefused: ['service'],
  queryLimitRefused: ['service'],
  adminRouteRefused: ['service'],
  configChangedAtRuntime: ['service'],
  holderPartitioned: ['service', 'netPartition'],
  requestFailedOver: ['service', 'replicaCrash', 'netPartition', 'storeReadFail', 'storeWriteFail'],
  twinsHeldTogether: null,
};

/** Whether a run of this topology with this fault menu can reach `mark`. */
export function markReachable(
  mark: Mark,
  menu: readonly FaultKind[],
  topology: Topology = 'in-process',
): boolean {
  const needs = MARK_NEEDS[mark];
  if (needs === null) return true;
  const topologies = needs.filter((need) => need === 'service' || need === 'in-process');
  if (topologies.length > 0 && !topologies.includes(topology)) return false;
  const faults = needs.filter((need) => need !== 'service' && need !== 'in-process');
  return faults.length === 0 || faults.some((fault) => menu.includes(fault as FaultKind));
}

export type MarkCounts = Record<Mark, number>;

export function emptyMarks(): MarkCounts {
  return Object.fromEntries(MARKS.map((m) => [m, 0])) as MarkCounts;
}
