import type { Step } from '@leasehold/step';
import { BELIEF_GATE_LEAD_MS, FLOOR_GRANTS_PER_RESOURCE_MAX, PPM } from '../limits.js';
import type { LeaseRecord } from '@leasehold/core';
import { grantedMsFor, marginMsFor, type TimeBounds } from './time-rules.js';

/** A holder's obligation to keep believing in the lease its client reported (one per node). */
interface Floor {
  readonly resource: string;
  readonly token: number;
  readonly op: number;
  readonly ttlMs: number;
  /** The node's monotonic reading when the op's first write left it. */
  readonly sentMonoMs: number;
  /** Below this monotonic reading the client must still believe. */
  readonly untilMonoMs: number;
}

/**
 * The lower bound on belief: a client that reports a grant or a renewal must let its holder use
 * the lease for about what the belief rule allows, not less. Belief is safe however short it is,
 * so no invariant notices a client that believes for a moment, or never, and a holder that gives
 * its lease away for nothing (each keep-alive interrupting the work, every acquire wasted) is a
 * broken client all the same.
 *
 * The floor is judged on the node's own monotonic clock, from the first write of the logical
 * operation (the earliest send any correct client may count from), and leaves room for every
 * conservative choice the rule permits: the margin and its drift allowance, the skew bound twice (a
 * replay whose send is unknown counts from the record's wall-clock expiry, spec/README.md "Why
 * belief is safe" step 6), and the drift over the TTL again. A grant or renewal that runs to the
 * lease's maximum age rather than for its TTL is held to what is left of it, counted from the wall
 * clock of the first write. Only what the world saw is used (the op the workload began, its calls'
 * clock readings, the store's records); the client's report only says which lease it promised.
 */
export class BeliefFloor {
  readonly #bounds: TimeBounds;
  /** acquire/renew op -> the monotonic and wall readings of its first write. */
  readonly #firstWrite = new Map<number, { readonly monoMs: number; readonly wallMs: number }>();
  /**
   * resource -> token -> a held record the store applied for that grant (its start and maximum
   * age, which every renewal keeps); the latest FLOOR_GRANTS_PER_RESOURCE_MAX grants.
   */
  readonly #grants = new Map<string, Map<number, LeaseRecord>>();
  readonly #floors = new Map<string, Floor>();
  /** acquire op -> the token it was granted (a release names the acquire whose grant it gives up). */
  readonly #granted = new Map<number, number>();

  constructor(bounds: TimeBounds) {
    this.#bounds = bounds;
  }

  onStep(step: Step): void {
    switch (step.kind) {
      case 'begin': {
        // A node that sends a release of a grant has given it up: its client may stop believing
        // in that token at once (the release may apply at any moment), whichever op promised it.
        const op = step.op;
        if (op.kind !== 'release' || op.leaseOp === null) return;
        const token = this.#granted.get(op.leaseOp);
        const floor = this.#floors.get(op.node);
        if (floor !== undefined && floor.resource === op.resource && floor.token === token)
          this.#floors.delete(op.node);
        return;
      }
      case 'call':
        // A replica's write counts from the agent's send of the request it serves.
        if (step.req === 'cas' && step.op !== null && !this.#firstWrite.has(step.op))
          this.#firstWrite.set(step.op, {
            monoMs: step.origin?.monoMs ?? step.monoMs,
            wallMs: step.wallMs,
          });
        return;
      case 'apply':
        if (step.after?.status === 'held') this.#noteGrant(step.resource, step.after);
        return;
      case 'request':
        // Over the service, any request of an acquire or renewal may be the one that writes:
        // the client counts its belief from the first it sent.
        if (
          (step.route === 'acquire' || step.route === 'renew') &&
          step.op !== null &&
          !this.#firstWrite.has(step.op)
        )
          this.#firstWrite.set(step.op, { monoMs: step.monoMs, wallMs: step.wallMs });
        return;
      case 'outcome': {
        const op = step.op;
        const promised =
          (op.kind === 'acquire' && step.result === 'granted') ||
          (op.kind === 'renew' && step.result === 'renewed');
        const first = this.#firstWrite.get(op.id);
        if (step.final) this.#firstWrite.delete(op.id);
        if (op.kind === 'acquire' && step.result === 'granted' && step.token !== null)
          this.#granted.set(op.id, step.token);
        if (!promised || step.token === null || op.ttlMs === null || first === undefined) return;
        const sentMonoMs = first.monoMs;
        const grant = this.#grants.get(op.resource)?.get(step.token) ?? null;
        // The margins are the TTL's (the client keeps them whatever it was granted); the time
        // granted may be less, where the lease's maximum age cut it short.
        const ttlMs = op.ttlMs;
        const grantedMs = grantedMsFor(ttlMs, first.wallMs, grant);
        const slackMs =
          marginMsFor(ttlMs, this.#bounds) +
          2 * this.#bounds.skewMs +
          Math.ceil((2 * ttlMs * this.#bounds.driftPpm) / PPM) +
          BELIEF_GATE_LEAD_MS;
        this.#floors.set(op.node, {
          resource: op.resource,
          token: step.token,
          op: op.id,
          ttlMs,
          sentMonoMs,
          untilMonoMs: sentMonoMs + grantedMs - slackMs,
        });
        return;
      }
      case 'start':
      case 'crash':
        this.#floors.delete(step.node);
        return;
      default:
        return;
    }
  }

  #noteGrant(resource: string, record: LeaseRecord): void {
    let grants = this.#grants.get(resource);
    if (grants === undefined) {
      grants = new Map();
      this.#grants.set(resource, grants);
    }
    if (grants.has(record.token)) return;
    if (grants.size >= FLOOR_GRANTS_PER_RESOURCE_MAX) {
      const oldest = grants.keys().next();
      if (oldest.done !== true) grants.delete(oldest.value);
    }
    grants.set(record.token, record);
  }

  /**
   * Why `node`, holding `token` on `resource` and not believing at its monotonic reading
   * `monoMs`, breaks the floor; null when it may stop believing.
   */
  disbelief(node: string, resource: string, token: number, monoMs: number): string | null {
    const floor = this.#floors.get(node);
    if (floor === undefined || floor.resource !== resource || floor.token !== token) return null;
    if (monoMs >= floor.untilMonoMs) return null;
    return (
      `${node} stopped believing in ${JSON.stringify(resource)} token ${token} ` +
      `${monoMs - floor.sentMonoMs} ms after op ${floor.op} first sent its write (ttl ${floor.ttlMs} ms); ` +
      `the belief rule lets it believe for at least ${floor.untilMonoMs - floor.sentMonoMs} ms of its monotonic clock`
    );
  }
}
