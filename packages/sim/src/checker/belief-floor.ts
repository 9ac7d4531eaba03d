import type { Step } from '@leasehold/step';
import { BELIEF_GATE_LEAD_MS, PPM } from '../limits.js';
import { marginMsFor, type TimeBounds } from './time-rules.js';

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
 * belief is safe" step 6), and the drift over the TTL again. Only what the world saw is used (the
 * op the workload began, its calls' clock readings); the client's report only says which lease it
 * promised.
 */
export class BeliefFloor {
  readonly #bounds: TimeBounds;
  /** acquire/renew op -> the monotonic reading of its first write. */
  readonly #firstWrite = new Map<number, number>();
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
          this.#firstWrite.set(step.op, step.origin?.monoMs ?? step.monoMs);
        return;
      case 'request':
        // Over the service, any request of an acquire or renewal may be the one that writes:
        // the client counts its belief from the first it sent.
        if (
          (step.route === 'acquire' || step.route === 'renew') &&
          step.op !== null &&
          !this.#firstWrite.has(step.op)
        )
          this.#firstWrite.set(step.op, step.monoMs);
        return;
      case 'outcome': {
        const op = step.op;
        const promised =
          (op.kind === 'acquire' && step.result === 'granted') ||
          (op.kind === 'renew' && step.result === 'renewed');
        const sentMonoMs = this.#firstWrite.get(op.id);
        if (step.final) this.#firstWrite.delete(op.id);
        if (op.kind === 'acquire' && step.result === 'granted' && step.token !== null)
          this.#granted.set(op.id, step.token);
        if (!promised || step.token === null || op.ttlMs === null || sentMonoMs === undefined)
          return;
        const ttlMs = op.ttlMs;
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
          untilMonoMs: sentMonoMs + ttlMs - slackMs,
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
