import type { InvariantViolation, LeaseRecord } from '@leasehold/core';
import type {
  ApplyStep,
  CallStep,
  FenceStep,
  Op,
  OutcomeStep,
  PowerLossStep,
  ProbeStep,
  ReplyStep,
  Step,
} from '@leasehold/step';
import { CALLS_IN_FLIGHT_MAX, ENDED_OPS_MAX, FOUND_MAX } from '../limits.js';
import { checkBeliefConsistency } from './belief-consistency.js';
import { checkHeldAnswer, checkProbeWait } from './expired-lease-claimable.js';
import { checkFencedResourceSafety } from './fenced-resource-safety.js';
import {
  checkFencingMonotonic,
  checkForceReleaseRaisedToken,
  isNewGrant,
} from './fencing-monotonic.js';
import { checkIdempotentAcquire } from './idempotent-acquire.js';
import { checkLeaseUniqueness, type Belief } from './lease-uniqueness.js';
import {
  newLedger,
  sameRecord,
  type CallFacts,
  type ReadSeen,
  type ResourceLedger,
} from './ledger.js';
import { checkNoResurrection } from './no-resurrection.js';
import {
  checkForceReleaseCondition,
  checkRenewalOwnership,
  checkExpireClaimable,
  checkReleaseOwnership,
  unchangedProblem,
} from './renewal-requires-ownership.js';
import {
  beliefEndsByExpiryTrueMs,
  beliefEndsByTrueMs,
  claimableByAnyoneFromTrueMs,
  claimFromWallMs,
  grantedMsFor,
  probeAllowanceMs,
  serviceProbeAllowanceMs,
  type TimeBounds,
} from './time-rules.js';

export interface CheckerOptions {
  readonly bounds: TimeBounds;
  /** The longest TTL the workload may ask for (a recovery's quarantine lasts at most that long). */
  readonly ttlMsMax: number;
  /** Off only to measure what checking costs (bench:dst); the ledger is kept either way. */
  readonly enabled?: boolean;
  /** True time (ms) at which the run started: steps count from it, clocks read absolute time. */
  readonly epochMs: number;
  /** The service topology: waiters are served by replicas (`serviceProbeAllowanceMs`). */
  readonly service?: boolean;
}

interface CallInFlight extends CallFacts {
  readonly resource: string;
  applies: number;
  readonly copies: number;
}

/**
 * The incremental invariant checker. It believes nothing the implementation says: every verdict
 * comes from what the world observed itself (which node's call applied a write, that node's clock
 * readings when it sent it, true time, the workload's logical operation, the store's record read
 * back before and after every step, what the fenced resource accepted) and from its own statement
 * of the time rules (`time-rules.ts`), never from history events or other fields a client wrote,
 * and never with `@leasehold/core`'s predicates. Each hook does work bounded by the world's size;
 * the maps that grow (grants per resource, one entry per grant) grow with grants, not steps.
 */
export class Checker {
  readonly bounds: TimeBounds;
  readonly enabled: boolean;
  readonly #ttlMsMax: number;
  readonly #epochMs: number;
  readonly #service: boolean;
  readonly #resources = new Map<string, ResourceLedger>();
  readonly #ops = new Map<number, Op>();
  /**
   * Ops that ended, newest last (bounded): a request the network delivered after its sender gave
   * up may still make a store call, long after its op ended (a replica serving it late).
   */
  readonly #endedOps = new Map<number, Op>();
  /** acquire op -> the token it obtained, until a power loss forgets it (I-8: may be granted again). */
  readonly #opGrants = new Map<number, number>();
  /**
   * acquire op -> the token it last obtained, kept across power losses: a renew of a grant the
   * store forgot still acts on that token, and must not apply to a newer grant (I-3).
   */
  readonly #leaseTokens = new Map<number, number>();
  readonly #calls = new Map<number, CallInFlight>();
  /**
   * The last read made for an op by its own node (`o<op>`), or by a replica serving one delivery
   * of a request of it (`h<serve>`).
   */
  readonly #lastRead = new Map<string, ReadSeen>();
  /** agent -> the delivery of its request whose answer reached it last, and that request's op. */
  readonly #answered = new Map<string, { readonly serve: number; readonly op: number | null }>();
  /** request -> the op it was sent for (service topology). */
  readonly #requestOps = new Map<number, number | null>();
  #healedAtMs: number | null = null;
  /** The first violation: the simulator stops the run there. */
  violation: InvariantViolation | null = null;
  /**
   * The first request the store refused (or a read) that changed the record anyway: the store's
   * contract broken, not an invariant a client broke (the world reports it as nonconforming).
   */
  storeBreach: string | null = null;
  /** Every violation, in order (at most FOUND_MAX): a replay of real evidence reports them all. */
  readonly found: InvariantViolation[] = [];

  constructor(options: CheckerOptions) {
    this.bounds = options.bounds;
    this.enabled = options.enabled ?? true;
    this.#ttlMsMax = options.ttlMsMax;
    this.#epochMs = options.epochMs;
    this.#service = options.service ?? false;
  }

  ledger(resource: string): ResourceLedger {
    let ledger = this.#resources.get(resource);
    if (ledger === undefined) {
      ledger = newLedger();
      this.#resources.set(resource, ledger);
    }
    return ledger;
  }

  #fail(found: InvariantViolation | null): void {
    if (found === null || !this.enabled) return;
    if (this.violation === null) this.violation = found;
    if (this.found.length < FOUND_MAX) this.found.push(found);
  }

  /** Judges one step. After a violation the ledger still follows the world, but nothing new is reported. */
  onStep(step: Step): void {
    switch (step.kind) {
      case 'begin':
        this.#ops.set(step.op.id, step.op);
        return;
      case 'call':
        return this.#onCall(step);
      case 'apply':
        return this.#onApply(step);
      case 'reply':
        return this.#onReply(step);
      case 'fence':
        return this.#onFence(step);
      case 'outcome':
        return this.#onOutcome(step);
      case 'powerLoss':
        return this.#onPowerLoss(step);
      case 'heal':
        this.#healedAtMs = this.#epochMs + step.atMs;
        return;
      case 'probe':
        return this.#onProbe(step);
      case 'request':
        if (this.#requestOps.size >= CALLS_IN_FLIGHT_MAX) {
          const oldest = this.#requestOps.keys().next();
          if (oldest.done !== true) this.#requestOps.delete(oldest.value);
        }
        this.#requestOps.set(step.req, step.op);
        return;
      case 'response':
        if (step.serve !== null)
          this.#answered.set(step.node, {
            serve: step.serve,
            op: this.#requestOps.get(step.req) ?? null,
          });
        this.#requestOps.delete(step.req);
        return;
      case 'start':
      case 'crash':
      case 'serve':
      case 'fault':
      case 'violation':
      case 'failure':
        return;
    }
  }

  #onCall(step: CallStep): void {
    if (this.#calls.size >= CALLS_IN_FLIGHT_MAX) {
      const oldest = this.#calls.keys().next();
      if (oldest.done !== true) this.#calls.delete(oldest.value);
    }
    // A replica's call acts for the agent whose request it serves: that agent is the writer, and
    // its belief counts from when it sent the request; the replica's own clock decided the write.
    const origin = step.origin;
    this.#calls.set(step.call, {
      node: origin?.node ?? step.node,
      op: step.op === null ? null : (this.#ops.get(step.op) ?? this.#endedOps.get(step.op) ?? null),
      atMs: this.#epochMs + (origin?.atMs ?? step.atMs),
      wallMs: step.wallMs,
      resource: step.resource,
      applies: 0,
      copies: step.copies,
    });
  }

  #onApply(step: ApplyStep): void {
    const call = this.#calls.get(step.call);
    if (call !== undefined) {
      call.applies += 1;
      if (call.applies >= call.copies) this.#calls.delete(step.call);
    }
    const ledger = this.ledger(step.resource);
    const changed =
      step.versionBefore !== step.versionAfter || !sameRecord(step.before, step.after);
    if (step.req === 'read' || step.outcome !== 'ok') {
      const what = step.req === 'read' ? 'a read' : `a write the store answered ${step.outcome}`;
      const problem = unchangedProblem(
        `${what} by ${step.node}`,
        step.before,
        step.after,
        step.versionBefore,
        step.versionAfter,
      );
      if (problem !== null && this.enabled) this.storeBreach ??= problem;
    } else if (changed && step.after !== null) {
      this.#onWrite(
        ledger,
        step.before,
        step.after,
        {
          node: call?.node ?? step.node,
          op: call?.op ?? null,
          atMs: call?.atMs ?? this.#epochMs + step.atMs,
          wallMs: call?.wallMs ?? Number.NaN,
        },
        this.#epochMs + step.atMs,
      );
    }
    ledger.record = step.after;
    ledger.version = step.versionAfter;
  }

  /** One applied write, judged by what changed and who (which node, which logical op) changed it. */
  #onWrite(
    ledger: ResourceLedger,
    before: LeaseRecord | null,
    after: LeaseRecord,
    by: CallFacts,
    appliedAtMs: number,
  ): void {
    if (after.status === 'held') this.#onHeldWrite(ledger, before, after, by, appliedAtMs);
    else this.#fail(checkFencingMonotonic(before, after, ledger.tokenMax));
    if (after.status !== 'held' && before !== null && before.status === 'held')
      this.#onFreed(ledger, before, after, by);
    ledger.tokenMax = Math.max(ledger.tokenMax, after.token);
  }

  #onHeldWrite(
    ledger: ResourceLedger,
    before: LeaseRecord | null,
    after: LeaseRecord & { status: 'held' },
    by: CallFacts,
    appliedAtMs: number,
  ): void {
    const op = by.op;
    const leaseToken =
      (op?.leaseOp ?? null) === null ? null : (this.#leaseTokens.get(op!.leaseOp!) ?? null);
    const grant = isNewGrant(before, after);
    if (op?.kind === 'renew' || (op === null && !grant)) {
      // A renewal is judged as a renewal first: its most specific statement (I-3, then I-7).
      if (before !== null && before.status === 'held') {
        this.#fail(checkRenewalOwnership(by.node, leaseToken, before, after));
      }
      this.#fail(checkNoResurrection(by.node, before, leaseToken, by.wallMs, this.#epochMs));
      this.#fail(checkFencingMonotonic(before, after, ledger.tokenMax));
    } else if (op?.kind === 'acquire') {
      this.#fail(checkFencingMonotonic(before, after, ledger.tokenMax, true));
      if (grant) {
        this.#fail(
          checkIdempotentAcquire(
            by.node,
            after.resource,
            op.id,
            this.#opGrants.get(op.id),
            after.token,
          ),
        );
        this.#opGrants.set(op.id, after.token);
        this.#leaseTokens.set(op.id, after.token);
      }
    } else {
      this.#fail(checkFencingMonotonic(before, after, ledger.tokenMax));
      if (op !== null) this.#fail(checkRenewalOwnership(by.node, leaseToken, before, after));
    }
    if (grant) {
      ledger.grants.set(after.token, { node: by.node, op: op?.id ?? null });
      ledger.lastGrant = { node: by.node, appliedAtMs, claimFromBeforeMs: ledger.claimFromMs };
    }
    const ttlMs = op?.ttlMs ?? after.ttlMs;
    // A renewal capped at the lease's maximum age runs to it, not for its TTL (the grant's start
    // and maximum age as the store's record held them before the renewal, or as the grant wrote
    // them): its belief ends by the cap as well as by the send plus the TTL.
    const grantedMs = grantedMsFor(ttlMs, by.wallMs, grant ? after : before);
    const endsByMs =
      grantedMs < ttlMs
        ? Math.min(
            beliefEndsByTrueMs(by.atMs, ttlMs, this.bounds),
            beliefEndsByExpiryTrueMs(by.wallMs + grantedMs, ttlMs, this.bounds),
          )
        : beliefEndsByTrueMs(by.atMs, ttlMs, this.bounds);
    const bound = ledger.belief;
    if (!grant && bound !== null && bound.token === after.token && bound.endsByMs >= endsByMs) {
      // An earlier write of this grant still allows longer: the holder may believe that long.
    } else {
      ledger.belief = { node: by.node, token: after.token, endsByMs, sendTrueMs: by.atMs, ttlMs };
    }
    if (Number.isFinite(by.wallMs)) {
      ledger.claimFromMs = Math.max(
        ledger.claimFromMs,
        claimFromWallMs(by.wallMs + grantedMs, this.bounds),
      );
    }
  }

  #onFreed(
    ledger: ResourceLedger,
    before: LeaseRecord & { status: 'held' },
    after: LeaseRecord,
    by: CallFacts,
  ): void {
    const op = by.op;
    if (op?.kind === 'release') {
      const leaseToken = op.leaseOp === null ? null : (this.#leaseTokens.get(op.leaseOp) ?? null);
      this.#fail(checkReleaseOwnership(by.node, leaseToken, before));
    }
    if (op?.kind === 'expire')
      this.#fail(checkExpireClaimable(by.node, before, by.wallMs, this.bounds, this.#epochMs));
    if (op?.kind === 'forceRelease') {
      this.#fail(checkForceReleaseCondition(op.expectedHolder, before));
      this.#fail(checkForceReleaseRaisedToken(before, after));
      ledger.forcedTokenMax = Math.max(ledger.forcedTokenMax, before.token);
    }
    if (ledger.belief?.token === before.token) ledger.belief = null;
  }

  #onReply(step: ReplyStep): void {
    if (step.req !== 'read' || step.result !== 'ok' || step.op === null) return;
    if (this.#lastRead.size >= CALLS_IN_FLIGHT_MAX) {
      const oldest = this.#lastRead.keys().next();
      if (oldest.done !== true) this.#lastRead.delete(oldest.value);
    }
    this.#lastRead.set(step.served === null ? `o${step.op}` : `h${step.served}`, {
      op: step.op,
      resource: step.resource,
      record: step.record,
      wallMs: step.wallMs,
    });
  }

  #onOutcome(step: OutcomeStep): void {
    const op = step.op;
    // Over the service, the answer the agent acted on came from one of its requests (an earlier
    // one may still be served late): the reads that request's replica made decided it.
    const answered = this.#answered.get(op.node);
    const key = answered?.op === op.id ? `h${answered.serve}` : `o${op.id}`;
    const seen = this.#lastRead.get(key);
    if (step.final) {
      this.#ops.delete(op.id);
      if (this.#endedOps.size >= ENDED_OPS_MAX) {
        const oldest = this.#endedOps.keys().next();
        if (oldest.done !== true) this.#endedOps.delete(oldest.value);
      }
      this.#endedOps.set(op.id, op);
      this.#lastRead.delete(key);
      this.#answered.delete(op.node);
    }
    if (op.kind !== 'acquire' || step.result !== 'held') return;
    // The last read made for the op, by the node itself or by a replica serving it: the record
    // and the clock the `held` was decided on.
    if (seen !== undefined && seen.resource === op.resource) {
      this.#fail(checkHeldAnswer(op.node, seen.record, seen.wallMs, this.bounds, this.#epochMs));
    } else {
      // Answered without a read of its own: judged on the store as it is now.
      this.#fail(
        checkHeldAnswer(
          op.node,
          this.ledger(op.resource).record,
          step.wallMs,
          this.bounds,
          this.#epochMs,
        ),
      );
    }
  }

  #onFence(step: FenceStep): void {
    const ledger = this.ledger(step.resource);
    const before = ledger.fenceMax;
    if (step.accepted) ledger.fenceMax = Math.max(before, step.token);
    this.#fail(
      checkFencedResourceSafety(
        step.resource,
        step.node,
        step.token,
        step.accepted,
        before,
        ledger.grants.get(step.token)?.node,
      ),
    );
  }

  /**
   * The store forgot unsynced commits and recovered: grants it forgot leave I-8's ledger (a retry
   * may be granted again), their holders are no longer claimed consistent with the store (I-2;
   * I-1 still covers them), and the recovery's own writes must still raise every token (I-5).
   */
  #onPowerLoss(step: PowerLossStep): void {
    for (const r of step.records) {
      const ledger = this.ledger(r.resource);
      const survivedToken = r.survived?.token ?? 0;
      for (const [token, grant] of ledger.grants) {
        if (token > survivedToken && grant.op !== null) this.#opGrants.delete(grant.op);
      }
      ledger.floorToken = ledger.tokenMax;
      ledger.belief = null;
      if (r.after !== null && !sameRecord(r.survived, r.after)) {
        this.#fail(checkFencingMonotonic(r.survived, r.after, ledger.tokenMax));
        ledger.tokenMax = Math.max(ledger.tokenMax, r.after.token);
      }
      ledger.claimFromMs = Math.max(
        ledger.claimFromMs,
        claimFromWallMs(this.#epochMs + step.atMs + this.#ttlMsMax, this.bounds),
      );
      ledger.record = r.after;
      ledger.version = r.versionAfter;
    }
  }

  /**
   * A healed waiter was answered: its grant (the resource's last, applied by its call) must have
   * come within the bound computed from every write before it.
   */
  #onProbe(step: ProbeStep): void {
    const grant = this.ledger(step.resource).lastGrant;
    const own = step.result === 'granted' && grant !== null && grant.node === step.node;
    const atMs = own ? grant.appliedAtMs : this.#epochMs + step.atMs;
    const boundMs = this.probeBoundMs(step.resource, own ? grant.claimFromBeforeMs : null);
    this.#fail(
      checkProbeWait(
        step.node,
        step.resource,
        own
          ? 'granted'
          : step.result === 'granted'
            ? 'granted without a write of its own'
            : step.result,
        atMs - this.#epochMs,
        boundMs - this.#epochMs,
      ),
    );
  }

  /**
   * The latest true instant a healed waiter may get `resource` (absolute ms): the later of the heal
   * and the last claimable point of the writes before its grant (`claimFromMs`, else all so far).
   */
  probeBoundMs(resource: string, claimFromMs: number | null = null): number {
    const healed = this.#healedAtMs ?? this.#epochMs;
    const claimable = claimFromMs ?? this.ledger(resource).claimFromMs;
    const allowanceMs = this.#service
      ? serviceProbeAllowanceMs(claimable - healed, this.bounds)
      : probeAllowanceMs();
    return Math.max(healed, claimable) + allowanceMs;
  }

  /** Whether I-1 protects this belief (not a grant an admin force-released). */
  #unique = (belief: Belief): boolean => belief.token > this.ledger(belief.resource).forcedTokenMax;

  /** I-1 and I-2 over every belief the world sampled at true instant `nowMs` (absolute). */
  onBeliefs(beliefs: readonly Belief[], nowMs: number): void {
    if (!this.enabled || beliefs.length === 0) return;
    this.#fail(checkLeaseUniqueness(beliefs, this.#unique));
    for (const belief of beliefs) {
      const ledger = this.ledger(belief.resource);
      if (belief.token <= ledger.forcedTokenMax || belief.token <= ledger.floorToken) continue;
      this.#fail(checkBeliefConsistency(belief, ledger, nowMs, this.bounds, this.#epochMs));
    }
  }

  /**
   * The true instants (absolute) at which a belief in `resource`'s current grant must be sampled: where the
   * belief rule says it has ended, and where the fastest in-bound clock makes the lease claimable.
   */
  watchInstants(resource: string): number[] {
    const ledger = this.ledger(resource);
    const out: number[] = [];
    if (ledger.belief !== null) out.push(ledger.belief.endsByMs);
    const record = ledger.record;
    if (record !== null && record.status === 'held')
      out.push(claimableByAnyoneFromTrueMs(record.expiresAtMs, this.bounds));
    return out;
  }
}
