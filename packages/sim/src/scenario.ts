import type { FaultKind } from './faults.js';
import type { Topology } from './world.js';
import { NODES_MAX, NODES_MIN, REPLICAS_MAX, REPLICAS_MIN, RESOURCES_MAX } from './limits.js';

/**
 * A scenario: a fault menu and the range of world shapes its seeds draw from. Each seed draws its
 * own swarm from the menu, its own shape and its own settings. Titles read like paths, from the
 * general to the particular (`lease: storage: store crashes and restarts (durable)`); ids are what
 * `--scenario` takes.
 */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Nodes per world, inclusive range. */
  readonly nodes: readonly [number, number];
  /** Resources per world, inclusive range. */
  readonly resources: readonly [number, number];
  readonly faults: readonly FaultKind[];
  /** Faults every seed of this scenario enables. */
  readonly alwaysOn: readonly FaultKind[];
  /**
   * Runs that break the timing assumptions on purpose: the checker is expected to report I-1 or
   * I-2 on some seeds, and nothing else (fencing keeps I-5 and I-6).
   */
  readonly assumptionBreaking: boolean;
  /**
   * The model of spec/Lease.tla covers its steps: every run is validated against it (all but the
   * power-loss scenarios: the spec's store never forgets a write). Assumption-breaking runs are
   * validated too: the spec's actions do not depend on the clocks staying in bound.
   */
  readonly validated: boolean;
  /**
   * Half its seeds draw a small world with a short safety phase (limits.ts SMALL_WORLD_PCT). Not
   * the power-loss scenarios: a power loss strikes one store event in a few hundred, and what it
   * breaks shows only once leases granted before it meet grants after it, which short runs of
   * small worlds rarely reach.
   */
  readonly smallWorlds: boolean;
  /**
   * `in-process`: nodes whose clients run the decisions themselves over the store. `service`:
   * agents whose clients talk through a simulated network to replicas of the lease service (each
   * with its own clock), which share the store.
   */
  readonly topology: Topology;
  /** Replicas of the lease service per world, inclusive range (service topology). */
  readonly replicas: readonly [number, number];
}

const IN_BOUND_FAULTS: readonly FaultKind[] = [
  'storeWriteFail',
  'storeReplyLost',
  'storeReadFail',
  'storeLatency',
  'storeDuplicate',
  'storeLateDelivery',
  'storeCrash',
  'nodeCrash',
  'nodePause',
  'clockOffset',
  'clockDrift',
  'clockJump',
];

const base = {
  nodes: [NODES_MIN, NODES_MAX],
  resources: [1, RESOURCES_MAX],
  alwaysOn: [],
  assumptionBreaking: false,
  validated: true,
  smallWorlds: true,
  topology: 'in-process',
  replicas: [0, 0],
} as const;

/** Faults of the network between agents and replicas, and of the replicas themselves. */
const SERVICE_NETWORK_FAULTS: readonly FaultKind[] = [
  'netRequestLost',
  'netReplyLost',
  'netDuplicate',
  'netDelay',
  'netLateDelivery',
];
const REPLICA_FAULTS: readonly FaultKind[] = [
  'replicaCrash',
  'replicaPause',
  'replicaClockOffset',
  'replicaClockDrift',
  'replicaClockJump',
];

/**
 * The service topology, validated against the model's service configuration: a replica's store
 * calls for an agent's request are the agent's actions, decided on the replica's clock.
 */
const service = {
  ...base,
  topology: 'service',
  validated: true,
  replicas: [REPLICAS_MIN, REPLICAS_MAX],
} as const;

export const SCENARIOS: readonly Scenario[] = [
  { ...base, id: 'baseline', title: 'lease: baseline: concurrent nodes, no faults', faults: [] },
  {
    ...base,
    id: 'contention',
    title: 'lease: contention: up to 16 nodes race for 1 resource',
    nodes: [4, NODES_MAX],
    resources: [1, 1],
    faults: ['storeLatency', 'storeReplyLost', 'storeDuplicate'],
  },
  {
    ...base,
    id: 'storage-faults',
    title: 'lease: storage: write fails, reply lost or late, read fails, duplicates, latency',
    faults: [
      'storeWriteFail',
      'storeReplyLost',
      'storeReadFail',
      'storeLatency',
      'storeDuplicate',
      'storeLateDelivery',
    ],
  },
  {
    ...base,
    id: 'store-crash',
    title: 'lease: storage: store crashes and restarts (durable)',
    faults: ['storeCrash', 'storeLatency'],
    alwaysOn: ['storeCrash'],
  },
  {
    ...base,
    id: 'power-loss',
    title: 'lease: storage: power loss forgets unsynced commits (every node on the machine dies)',
    faults: ['storePowerLoss', 'storeLatency', 'storeReplyLost'],
    alwaysOn: ['storePowerLoss'],
    validated: false,
    smallWorlds: false,
  },
  {
    ...base,
    id: 'power-loss-server',
    title: "lease: storage: power loss on a lease server's machine (its remote clients live on)",
    faults: ['storeServerPowerLoss', 'storeLatency', 'storeReplyLost'],
    alwaysOn: ['storeServerPowerLoss'],
    validated: false,
    smallWorlds: false,
  },
  {
    ...base,
    id: 'node-faults',
    title: 'lease: process: nodes crash (memory lost) and pause at any await',
    faults: ['nodeCrash', 'nodePause', 'storeLatency'],
  },
  {
    ...base,
    id: 'clock-faults',
    title: 'lease: time: wall clocks offset, drift and jump to the edges of the skew bound',
    faults: ['clockOffset', 'clockDrift', 'clockJump', 'storeLatency'],
  },
  {
    ...base,
    id: 'swarm',
    title: 'lease: swarm: any subset of every in-bound fault',
    faults: IN_BOUND_FAULTS,
  },
  {
    ...base,
    id: 'broken-skew',
    title: 'lease: assumption-breaking: a wall clock runs ahead beyond the skew bound',
    faults: ['storeLatency'],
    alwaysOn: ['skewBeyondBound'],
    assumptionBreaking: true,
  },
  {
    ...base,
    id: 'broken-drift',
    title: 'lease: assumption-breaking: a monotonic clock runs slow beyond the drift bound',
    faults: ['storeLatency'],
    alwaysOn: ['monoDriftBeyondBound'],
    assumptionBreaking: true,
  },
  {
    ...base,
    id: 'broken-suspend',
    title: 'lease: assumption-breaking: a holder is suspended longer than the safety margin',
    faults: ['storeLatency'],
    alwaysOn: ['suspendBeyondMargin'],
    assumptionBreaking: true,
  },
  {
    ...service,
    id: 'service',
    title: 'service: agents and 1-3 replicas of the lease service over a network, no faults',
    faults: [],
  },
  {
    ...service,
    id: 'service-network',
    title: 'service: network: requests and answers lost, delayed, duplicated, delivered late',
    faults: SERVICE_NETWORK_FAULTS,
  },
  {
    ...service,
    id: 'service-partition',
    title: 'service: network: partitions between agents, replicas and the store, healed',
    faults: ['netPartition', 'netDelay'],
    alwaysOn: ['netPartition'],
  },
  {
    ...service,
    id: 'service-replicas',
    title: 'service: replicas crash and pause mid-request; their clocks offset, drift and jump',
    faults: [...REPLICA_FAULTS, 'netDelay'],
  },
  {
    ...service,
    id: 'service-swarm',
    title: 'service: swarm: any subset of every in-bound fault of agents, network, replicas, store',
    faults: [...IN_BOUND_FAULTS, ...SERVICE_NETWORK_FAULTS, 'netPartition', ...REPLICA_FAULTS],
  },
  {
    ...service,
    id: 'service-broken-skew',
    title: "service: assumption-breaking: a replica's wall clock runs ahead beyond the skew bound",
    faults: ['netDelay'],
    alwaysOn: ['replicaSkewBeyondBound'],
    assumptionBreaking: true,
    // One replica's clock against another's: with one replica, every decision is on one clock.
    replicas: [2, REPLICAS_MAX],
  },
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
