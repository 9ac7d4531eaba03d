import type { LeaseConfig, LeaseRecord } from '@leasehold/core';
import type { Step } from '@leasehold/step';
import type { Mark } from './coverage.js';
import type { FaultKind, Swarm } from './faults.js';
import type { Implementation } from './implementation.js';
import type { Prng } from './prng.js';
import type { Scheduler } from './scheduler.js';
import type { SimSettings } from './settings.js';

export type Phase = 'safety' | 'heal';

/** A write the store refused by throwing: the record it held and the one it was asked to write. */
export interface RefusedWrite {
  readonly before: LeaseRecord | null;
  readonly proposed: LeaseRecord;
}

/** A step without its position: the world stamps `step` and `atMs` when it records it. */
export type StepBody = Step extends infer S
  ? S extends Step
    ? Omit<S, 'step' | 'atMs'>
    : never
  : never;

/**
 * What the parts of a world (node processes, the store under faults, fenced resources, the
 * workload) share: the scheduler, the run's settings and PRNG streams, and the one place a step is
 * recorded. The world composes the parts; a second topology can compose them differently.
 */
export interface WorldContext {
  readonly scheduler: Scheduler;
  readonly settings: SimSettings;
  readonly config: LeaseConfig;
  readonly implementation: Implementation;
  readonly resources: readonly string[];
  /** Fault decisions (what fires, when, for how long). */
  readonly faults: Prng;
  /** Latencies and delivery of requests. */
  readonly network: Prng;
  /** Clock settings of each node. */
  readonly clocks: Prng;
  readonly seed: string;
  phase(): Phase;
  swarm(): Swarm;
  /** Records one step: trace, checker, listeners. */
  record(body: StepBody): void;
  fired(kind: FaultKind, node: string | null, value?: number | null): void;
  /**
   * A fault the seed drew is about to strike: false when the run leaves it out (a shrunk run's
   * cut). Called after the fault's own draws.
   */
  strikes(kind: FaultKind, node: string | null): boolean;
  /** Counts a fault that fires too often to record as a step (a slow store hop). */
  counted(kind: FaultKind): void;
  mark(mark: Mark): void;
  /**
   * Code under test threw: the run fails (exit 3) with this error. When the store threw on a
   * write, `refused` is what it was asked to write over what: a write that would have lowered the
   * token is reported as the I-5 violation the store's own guard caught.
   */
  failure(error: unknown, refused?: RefusedWrite | null): void;
  /**
   * The store under test answered other than what it did (the `LeaseStore` contract): the run
   * fails as nonconforming against the store contract.
   */
  storeContract(reason: string): void;
  /** True once the run has a verdict (violation or failure): nothing more is scheduled. */
  stopped(): boolean;
}
