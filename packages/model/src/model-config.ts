import { assert, type InvariantId } from '@leasehold/core';
import { BUGS, type Bug } from './bug.js';
import {
  MODEL_CLOCK_SKEW_TICKS_MAX,
  MODEL_GRACE_TICKS,
  MODEL_MARGIN_TICKS,
  MODEL_NODES_MAX,
  MODEL_REPLICAS_MAX,
  MODEL_SERVICE_REPLICAS,
  MODEL_TIME_TICKS_MAX,
  MODEL_TOKEN_MAX,
  MODEL_TTL_TICKS,
} from './limits.js';

/** The constants of spec/Lease.tla, one configuration (spec/*.cfg) per value set. */
export interface ModelConfig {
  /**
   * The configuration's name: `safe` (spec/Lease.cfg), `service`, or the bug in kebab case
   * (spec/Lease_<name>.cfg).
   */
  readonly name: string;
  readonly nodes: number;
  /**
   * The service's replicas (spec: `Replica`, r1 lagging and r2 leading as `LaggingReplicas =
   * {r1}`); 0 is the in-process library, where each node decides on its own clock.
   */
  readonly replicas: number;
  readonly ttlTicks: number;
  readonly graceTicks: number;
  /** MaxClockSkew: every wall clock stays within half of it of true time, lagging or leading. */
  readonly skewTicksMax: number;
  readonly marginTicks: number;
  readonly timeTicksMax: number;
  readonly tokenMax: number;
  /** Wall clocks may also step (forward or back) within the bound at any time (ClockJump). */
  readonly clockJumps: boolean;
  /** Init takes every offset combination within the bound, not only lag-versus-lead. */
  readonly allOffsets: boolean;
  readonly bug: Bug;
}

export const STANDARD_BOUNDS = {
  nodes: 2,
  replicas: 0,
  ttlTicks: MODEL_TTL_TICKS,
  graceTicks: MODEL_GRACE_TICKS,
  skewTicksMax: MODEL_CLOCK_SKEW_TICKS_MAX,
  marginTicks: MODEL_MARGIN_TICKS,
  timeTicksMax: MODEL_TIME_TICKS_MAX,
  tokenMax: MODEL_TOKEN_MAX,
  clockJumps: false,
  allOffsets: false,
} as const;

function kebab(bug: Bug): string {
  return bug === 'none' ? 'safe' : bug.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The named configurations, all with the standard bounds: `safe` and one per bug (the in-process
 * library), and `service` (the lease service's replicas decide, no bug).
 */
export const MODEL_CONFIGS: readonly ModelConfig[] = [
  ...BUGS.map(({ bug }) => ({ name: kebab(bug), ...STANDARD_BOUNDS, bug })),
  { name: 'service', ...STANDARD_BOUNDS, replicas: MODEL_SERVICE_REPLICAS, bug: 'none' },
];

export function findModelConfig(name: string): ModelConfig | undefined {
  return MODEL_CONFIGS.find((c) => c.name === name);
}

/** The invariant a configuration's bug is meant to violate (null for `safe`). */
export function targetInvariant(config: ModelConfig): InvariantId | null {
  return BUGS.find((b) => b.bug === config.bug)?.invariant ?? null;
}

/** Programmer errors only: configurations come from code, never from user input. */
export function assertModelConfig(config: ModelConfig): void {
  assert(config.nodes >= 1, 'a model needs at least one node');
  assert(config.nodes <= MODEL_NODES_MAX, `a model has at most ${MODEL_NODES_MAX} nodes`);
  assert(config.replicas >= 0, 'a model has no replicas (the library) or some');
  assert(
    config.replicas <= MODEL_REPLICAS_MAX,
    `a model has at most ${MODEL_REPLICAS_MAX} replicas`,
  );
  assert(config.skewTicksMax % 2 === 0, 'MaxClockSkew is even: each clock is within half of it');
  assert(config.marginTicks < config.ttlTicks, 'the margin is below the TTL');
  assert(config.tokenMax >= 1, 'at least one token can be granted');
}
