import {
  checkBeliefConsistency,
  checkExpiredLeaseClaimable,
  checkFailedMutationUnchanged,
  checkFencedResourceSafety,
  checkFencingMonotonic,
  checkIdempotentAcquire,
  checkLeaseUniqueness,
  checkNoResurrection,
  checkRenewalOwnership,
  type Belief,
  type HistoryEvent,
  type InvariantViolation,
  type LeaseConfig,
  type LeaseRecord,
} from '@leasehold/core';

interface ResourceState {
  tokenGrantedMax: number;
  readonly tokenByRequestId: Map<string, number>;
  /** token -> node it was granted to (I-6: every accepted token was really granted to the writer). */
  readonly grantedTo: Map<number, string>;
  tokenAcceptedMax: number;
}

/**
 * The incremental invariant checker: each hook sees one step and does work bounded by the world's
 * size (nodes, resources), never by history length (a map per resource of grants is the only state
 * that grows, and it grows by one entry per grant). All predicates are `@leasehold/core`'s, so the
 * simulator, the model and the tests share one definition of each invariant.
 */
export class Checker {
  readonly #config: LeaseConfig;
  readonly #resources = new Map<string, ResourceState>();
  /** Off in the throughput benchmark's baseline run only. */
  readonly enabled: boolean;

  constructor(config: LeaseConfig, enabled = true) {
    this.#config = config;
    this.enabled = enabled;
  }

  #state(resource: string): ResourceState {
    let state = this.#resources.get(resource);
    if (state === undefined) {
      state = {
        tokenGrantedMax: 0,
        tokenByRequestId: new Map(),
        grantedTo: new Map(),
        tokenAcceptedMax: 0,
      };
      this.#resources.set(resource, state);
    }
    return state;
  }

  /** The node a token of `resource` was granted to (for fenced writes). */
  grantedTo(resource: string, token: number): string | undefined {
    return this.#resources.get(resource)?.grantedTo.get(token);
  }

  /** I-3, I-5, I-7, I-8: one applied store write. */
  onWrite(
    before: LeaseRecord | null,
    after: LeaseRecord,
    event: HistoryEvent,
  ): InvariantViolation | null {
    const state = this.#state(after.resource);
    if (event.kind === 'granted') {
      state.grantedTo.set(after.token, event.holder);
    }
    if (!this.enabled) {
      this.#recordGrant(state, event);
      return null;
    }
    // A renewal is judged as a renewal first (I-3, then I-7): its most specific statement.
    const renewal =
      event.kind === 'renewed'
        ? (checkRenewalOwnership(before, after, event) ?? checkNoResurrection(before, event))
        : null;
    if (renewal) return renewal;
    const fencing = checkFencingMonotonic(before, after, state.tokenGrantedMax);
    if (fencing) return fencing;
    if (event.kind === 'granted') {
      const idempotent = checkIdempotentAcquire(state.tokenByRequestId, event);
      if (idempotent) return idempotent;
    }
    this.#recordGrant(state, event);
    return null;
  }

  #recordGrant(state: ResourceState, event: HistoryEvent): void {
    if (event.kind !== 'granted') return;
    state.tokenGrantedMax = Math.max(state.tokenGrantedMax, event.token);
    state.tokenByRequestId.set(event.requestId, event.token);
  }

  /** I-3 (second half): a write the store refused left the record as it was. */
  onRefusedWrite(
    operation: string,
    before: LeaseRecord | null,
    after: LeaseRecord | null,
  ): InvariantViolation | null {
    if (!this.enabled) return null;
    return checkFailedMutationUnchanged(operation, before, after);
  }

  /** I-6: one write arriving at a fenced resource. Returns whether it was accepted. */
  onFencedWrite(
    resource: string,
    writer: string,
    token: number,
    accepted: boolean,
  ): InvariantViolation | null {
    const state = this.#state(resource);
    const before = state.tokenAcceptedMax;
    if (accepted) state.tokenAcceptedMax = Math.max(before, token);
    if (!this.enabled) return null;
    return checkFencedResourceSafety({
      resource,
      writer,
      token,
      accepted,
      tokenAcceptedMaxBefore: before,
      grantedTo: state.grantedTo.get(token),
    });
  }

  fencedTokenMax(resource: string): number {
    return this.#state(resource).tokenAcceptedMax;
  }

  /** I-4 (safety half): an acquire answered `held` although what it read was claimable. */
  onAcquireAnswer(
    recordSeen: LeaseRecord | null,
    wallAtDecideMs: number,
    kind: string,
  ): InvariantViolation | null {
    if (!this.enabled) return null;
    return checkExpiredLeaseClaimable(recordSeen, wallAtDecideMs, kind, this.#config);
  }

  /**
   * Grants a power loss made the store forget (I-8 is about the grants the store keeps: a retry
   * of a forgotten grant's request may be granted again).
   */
  onForgotten(events: readonly HistoryEvent[]): void {
    for (const event of events) {
      if (event.kind !== 'granted') continue;
      const state = this.#state(event.resource);
      if (state.tokenByRequestId.get(event.requestId) === event.token) {
        state.tokenByRequestId.delete(event.requestId);
      }
    }
  }

  /**
   * I-1, I-2 at one true instant: every current belief against the store and every wall clock.
   * I-2 is not claimed for a belief whose token is below `consistencyTokenMin`: a grant from before
   * the store lost commits (a survivor of a lease server's power loss), which the store may have
   * forgotten or quarantined; I-1 still covers it.
   */
  onInstant(
    beliefs: readonly Belief[],
    recordOf: (resource: string) => LeaseRecord | null,
    wallNowMsMax: number,
    consistencyTokenMin = 0,
  ): InvariantViolation | null {
    if (!this.enabled || beliefs.length === 0) return null;
    const unique = checkLeaseUniqueness(beliefs);
    if (unique) return unique;
    for (const belief of beliefs) {
      if (belief.token < consistencyTokenMin) continue;
      const consistent = checkBeliefConsistency(
        belief,
        recordOf(belief.resource),
        wallNowMsMax,
        this.#config,
      );
      if (consistent) return consistent;
    }
    return null;
  }
}
