import { RATE_DENOMINATOR } from './limits.js';
import type { Draws, Prng } from './prng.js';

/**
 * Every fault the simulator injects. Each is counted when it fires. The first group strikes the
 * in-process world (nodes, the store and its network, clocks), the second the service topology
 * (the network between agents and replicas of the lease service, the replicas' processes and
 * clocks); ASSUMPTION_BREAKING_FAULTS break the timing assumptions on purpose.
 */
export const FAULT_KINDS = [
  'storeWriteFail',
  'storeReplyLost',
  'storeReadFail',
  'storeLatency',
  'storeDuplicate',
  'storeLateDelivery',
  'storeCrash',
  'storePowerLoss',
  'storeServerPowerLoss',
  'nodeCrash',
  'nodePause',
  'clockOffset',
  'clockDrift',
  'clockJump',
  'skewBeyondBound',
  'monoDriftBeyondBound',
  'suspendBeyondMargin',
  'netRequestLost',
  'netReplyLost',
  'netDuplicate',
  'netDelay',
  'netLateDelivery',
  'netPartition',
  'replicaCrash',
  'replicaPause',
  'replicaClockOffset',
  'replicaClockDrift',
  'replicaClockJump',
  'replicaSkewBeyondBound',
] as const;

/** The faults that break the timing assumptions on purpose (assumption-breaking scenarios only). */
export const ASSUMPTION_BREAKING_FAULTS: readonly FaultKind[] = [
  'skewBeyondBound',
  'monoDriftBeyondBound',
  'suspendBeyondMargin',
  'replicaSkewBeyondBound',
];

export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_DESCRIPTIONS: Readonly<Record<FaultKind, string>> = {
  storeWriteFail: 'a store write fails before it is applied',
  storeReplyLost:
    'a reply is lost after the store handled the request: the connection resets at once, or the client waits its full timeout (a write is then indeterminate)',
  storeReadFail: 'a store read fails',
  storeLatency:
    'store latency up to hundreds of ms, so completions reorder and slow replies time out',
  storeDuplicate:
    'the network delivers a request twice; the second copy arrives later and its reply is dropped',
  storeLateDelivery:
    "the network holds a request past the client's timeout and delivers it after the client gave up",
  storeCrash: 'the store crashes and restarts (durable state kept, in-flight replies lost)',
  storePowerLoss:
    'power loss: the store forgets its unsynced commits and recovers; every node on the machine dies',
  storeServerPowerLoss:
    "power loss on a lease server's machine: the store forgets unsynced commits and recovers; its remote clients live on",
  nodeCrash: 'a node crashes at an await and restarts later with its memory lost',
  nodePause: 'a node stalls at an await (GC or event-loop pause)',
  clockOffset: 'wall clocks start offset from true time in both directions, within the skew bound',
  clockDrift: 'wall and monotonic clocks drift within the drift bound',
  clockJump: 'wall clocks jump forward and backward, within the skew bound',
  skewBeyondBound: 'ASSUMPTION-BREAKING: a wall clock runs ahead far beyond the skew bound',
  monoDriftBeyondBound:
    'ASSUMPTION-BREAKING: a monotonic clock runs slow far beyond the drift bound',
  suspendBeyondMargin:
    'ASSUMPTION-BREAKING: a node is suspended and its monotonic clock stops for longer than the margin',
  netRequestLost: "an agent's request to the lease service is lost (the agent times out)",
  netReplyLost:
    "the lease service's answer is lost after it served the request (the agent times out; the request applied)",
  netDuplicate:
    "the network delivers an agent's request twice; the second copy's answer is dropped",
  netDelay:
    'latency up to hundreds of ms between agents and replicas, so requests and answers reorder',
  netLateDelivery:
    "the network holds an agent's request past the agent's timeout and delivers it after it gave up",
  netPartition:
    'a partition (one endpoint isolated, halves, majority/minority, a bridge, or a one-way cut) between agents, replicas and the store, healed after a while',
  replicaCrash:
    'a replica of the lease service crashes mid-request (its waiters and memory lost) and restarts',
  replicaPause: 'a replica stalls at an await, mid-request (GC or event-loop pause)',
  replicaClockOffset:
    "replicas' wall clocks (which decide expiry) start offset from true time, within the skew bound",
  replicaClockDrift: "replicas' clocks drift within the drift bound",
  replicaClockJump: "replicas' wall clocks jump forward and backward, within the skew bound",
  replicaSkewBeyondBound:
    "ASSUMPTION-BREAKING: a replica's wall clock runs ahead far beyond the skew bound",
};

/** Rate ranges per fault, over RATE_DENOMINATOR (per call, per await, or per node at start). */
const RATE_RANGES: Readonly<Record<FaultKind, readonly [number, number]>> = {
  storeWriteFail: [20, 150],
  storeReplyLost: [20, 150],
  storeReadFail: [20, 150],
  storeLatency: [1_000, 1_000],
  storeDuplicate: [20, 150],
  storeLateDelivery: [10, 100],
  storeCrash: [2, 20],
  storePowerLoss: [2, 20],
  storeServerPowerLoss: [2, 20],
  nodeCrash: [2, 25],
  nodePause: [10, 100],
  clockOffset: [1_000, 1_000],
  clockDrift: [1_000, 1_000],
  clockJump: [5, 40],
  skewBeyondBound: [1_000, 1_000],
  monoDriftBeyondBound: [1_000, 1_000],
  suspendBeyondMargin: [10, 60],
  netRequestLost: [20, 150],
  netReplyLost: [20, 150],
  netDuplicate: [20, 150],
  netDelay: [1_000, 1_000],
  netLateDelivery: [10, 100],
  netPartition: [2, 20],
  replicaCrash: [2, 20],
  replicaPause: [10, 100],
  replicaClockOffset: [1_000, 1_000],
  replicaClockDrift: [1_000, 1_000],
  replicaClockJump: [5, 40],
  replicaSkewBeyondBound: [1_000, 1_000],
};

/** The faults one seed enables, and how often each fires (per RATE_DENOMINATOR). */
export type Swarm = Readonly<Partial<Record<FaultKind, number>>>;

/**
 * Swarm testing: each seed enables a random subset of the scenario's fault menu, each with a
 * random rate, so different seeds stress different combinations. A scenario may mark faults as
 * always on (e.g. the assumption-breaking fault of an assumption-breaking scenario).
 */
export function drawSwarm(
  menu: readonly FaultKind[],
  alwaysOn: readonly FaultKind[],
  prng: Draws,
): Swarm {
  const swarm: Partial<Record<FaultKind, number>> = {};
  for (const kind of FAULT_KINDS) {
    if (!menu.includes(kind) && !alwaysOn.includes(kind)) continue;
    if (!alwaysOn.includes(kind) && !prng.chance(1, 2)) continue;
    const [low, high] = RATE_RANGES[kind];
    swarm[kind] = prng.between(low, high);
  }
  if (Object.keys(swarm).length === 0 && menu.length > 0) {
    const kind = menu[prng.int(menu.length)]!;
    const [low, high] = RATE_RANGES[kind];
    swarm[kind] = prng.between(low, high);
  }
  return swarm;
}

/** Whether fault `kind` fires now, drawing from `prng` only when it is enabled. */
export function fires(swarm: Swarm, kind: FaultKind, prng: Prng): boolean {
  const rate = swarm[kind];
  return rate !== undefined && prng.chance(rate, RATE_DENOMINATOR);
}

export function formatSwarm(swarm: Swarm): string {
  const parts = FAULT_KINDS.filter((k) => swarm[k] !== undefined).map(
    (k) => `${k}=${swarm[k]}/${RATE_DENOMINATOR}`,
  );
  return parts.length === 0 ? 'no faults' : parts.join(' ');
}

export type SwarmResult =
  | { readonly kind: 'ok'; readonly swarm: Swarm }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Reads a swarm back from `formatSwarm`'s text (`storeLatency=1000/1000 nodePause=40/1000`; the
 * `/1000` may be left out; `none` or `no faults` for none), as `--faults` and trace files give it.
 */
export function parseSwarm(text: string): SwarmResult {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none' || trimmed === 'no faults')
    return { kind: 'ok', swarm: {} };
  const swarm: Partial<Record<FaultKind, number>> = {};
  for (const part of trimmed.split(/[\s,]+/)) {
    const match = /^([A-Za-z]+)=(\d+)(?:\/(\d+))?$/.exec(part);
    const kind = match?.[1] as FaultKind | undefined;
    if (match === null || kind === undefined || !FAULT_KINDS.includes(kind)) {
      return {
        kind: 'invalid',
        reason: `fault must be one of ${FAULT_KINDS.join(', ')} as name=rate (got ${JSON.stringify(part)})`,
      };
    }
    const rate = Number(match[2]);
    if (
      (match[3] !== undefined && Number(match[3]) !== RATE_DENOMINATOR) ||
      rate < 1 ||
      rate > RATE_DENOMINATOR
    ) {
      return {
        kind: 'invalid',
        reason: `rate of ${kind} must be 1..${RATE_DENOMINATOR} (per ${RATE_DENOMINATOR}); got ${JSON.stringify(part)}`,
      };
    }
    swarm[kind] = rate;
  }
  return { kind: 'ok', swarm };
}
