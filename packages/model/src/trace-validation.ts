import type { LeaseConfig, LeaseRecord } from '@leasehold/core';
import type { ApplyStep, CallStep, FenceStep, Op, OutcomeStep, Step } from '@leasehold/step';
import { acquireDecision } from './acquire-actions.js';
import { expireFrom } from './admin-actions.js';
import { detailProblem } from './answer-detail.js';
import { answerProblem, type OpFacts } from './answer-validation.js';
import { inputProblem } from './input-validation.js';
import { writtenRecordProblem, type WriteKind } from './record-validation.js';
import { VALIDATE_ENDED_OPS_MAX, VALIDATE_OBSERVATIONS_MAX } from './limits.js';
import type { ModelConfig } from './model-config.js';
import { releaseWrites } from './release-actions.js';
import { renewAllowed } from './renew-actions.js';
import type { ModelRecord } from './state.js';
import type { ActionName } from './transition.js';

/**
 * What the validator keeps per resource: the model's view of the store and of the fenced
 * resource, plus the grant history the I-6 check needs.
 */
export interface ValidatorResourceState {
  readonly record: LeaseRecord | null;
  readonly writes: number;
  readonly fenceMax: number;
}

/**
 * The model actions a simulator step maps onto (the admin's force-release and a cleanup onto the
 * spec's `ForceRelease(e)` and `Expire(d)`), plus the store's reads and a power loss, which the
 * spec does not have.
 */
export type ValidatedAction = ActionName | 'Read' | 'PowerLoss';

export interface ConformanceFailure {
  readonly step: number;
  readonly atMs: number;
  readonly observation: Step;
  /** The model action the step was mapped to. */
  readonly action: ValidatedAction;
  readonly reason: string;
  /** The model's state of the resource before the step. */
  readonly modelState: ValidatorResourceState;
}

export interface ValidationResult {
  readonly conforming: boolean;
  readonly observations: number;
  /** How many simulator steps were mapped to each model action (and how many were stutters). */
  readonly actions: Readonly<Record<string, number>>;
  readonly failure: ConformanceFailure | null;
}

interface ResourceModel {
  record: LeaseRecord | null;
  writes: number;
  fenceMax: number;
  /** token -> the node whose write granted it. */
  readonly grantedTo: Map<number, string>;
}

/** What one served request read and wrote: the part of `OpFacts` its answer is decided on. */
type ServeView = Pick<OpFacts, 'lastRead' | 'view' | 'viewFromWrite' | 'tokenFloor'>;

/** A request as its node sent it: what the model's decision is judged on. */
interface SentCall {
  /** The node the write is for: the caller itself, or the agent a replica serves. */
  readonly node: string;
  readonly op: Op | null;
  readonly wallMs: number;
  /** Writes the node had seen on this resource when it sent the request (its read or write). */
  readonly basis: number;
  readonly copies: number;
  applies: number;
}

/**
 * Trace validation: maps each simulator step onto a model action of spec/Lease.tla and checks
 * that the action was enabled and had the effect the model gives it, per resource. It reads the
 * world's facts only (the writer, its logical op, its wall clock when it sent the write, the store's
 * record before and after), never the history event a client built. A step with no matching
 * action is a conformance failure. What is and is not checked: spec/README.md.
 */
export class TraceValidator {
  readonly #config: LeaseConfig;
  readonly #resources = new Map<string, ResourceModel>();
  /**
   * Store writes each viewer (a node, or a replica serving one request: `node#serve`) had seen on
   * each resource, by its read or write.
   */
  readonly #seen = new Map<string, Map<string, number>>();
  /** Writes on the resource when the store answered a call (what its reply tells the node). */
  readonly #answered = new Map<number, number>();
  readonly #calls = new Map<number, SentCall>();
  /** The record each applied write (by call) left, until its reply reaches the writer. */
  readonly #written = new Map<number, LeaseRecord>();
  readonly #ops = new Map<number, Op>();
  /**
   * Ops that have ended, for the late copies of their requests a replica may still serve (the last
   * VALIDATE_ENDED_OPS_MAX of them).
   */
  readonly #endedOps = new Map<number, Op>();
  /** What each op in progress read and wrote (its answer is judged on it). */
  readonly #facts = new Map<number, OpFacts>();
  /** acquire op -> the token it was granted (the model's ghost `opGranted`, and rids). */
  readonly #opGrants = new Map<number, number>();
  /**
   * What each served request learnt of the store (by `ServeStep.serve`): an agent's op may have
   * several requests in flight on several replicas (a retry while the first is still served), and
   * its answer is judged on what the replica that answered it read and wrote.
   */
  readonly #serveViews = new Map<number, ServeView>();
  /** request -> the token floor it carried (an acquire's), and served request -> its request. */
  readonly #requestFloors = new Map<number, number>();
  readonly #servedRequests = new Map<number, number>();
  /** node -> the served request whose answer just reached it (its outcome follows). */
  readonly #answeredBy = new Map<string, number>();
  /** read call -> whether its op's grant had applied when the store answered it. */
  readonly #readAfterGrant = new Map<number, boolean>();
  readonly #nodes = new Map<string, number>();
  readonly #actions: Record<string, number> = {};
  #observations = 0;
  #failure: ConformanceFailure | null = null;

  /**
   * The renewal limits a write may have been decided under: the configured one, and any an
   * operator may set at runtime (the service's admin route: each replica uses what it last
   * loaded, which the trace does not show). A renewal is judged by the loosest, a refusal at the
   * limit by the tightest.
   */
  readonly #loosestLimit: number | null;
  readonly #tightestConfig: LeaseConfig;
  readonly #renewalLimits: readonly (number | null)[];

  constructor(
    config: LeaseConfig,
    options: { readonly renewalLimits?: readonly (number | null)[] } = {},
  ) {
    this.#config = config;
    const limits = [config.maxRenewals, ...(options.renewalLimits ?? [])];
    const bounded = limits.filter((limit): limit is number => limit !== null);
    this.#renewalLimits = limits;
    this.#loosestLimit = limits.includes(null) ? null : Math.max(...bounded);
    this.#tightestConfig = {
      ...config,
      maxRenewals: bounded.length === 0 ? null : Math.min(...bounded),
    };
  }

  /** A step listener for `runSeed`: validation stops at the first conformance failure. */
  readonly listener = (step: Step): void => {
    if (this.#failure !== null || this.#observations >= VALIDATE_OBSERVATIONS_MAX) return;
    this.#observations += 1;
    this.#step(step);
  };

  result(): ValidationResult {
    return {
      conforming: this.#failure === null,
      observations: this.#observations,
      actions: { ...this.#actions },
      failure: this.#failure,
    };
  }

  get failure(): ConformanceFailure | null {
    return this.#failure;
  }

  #seenBy(viewerKey: string): Map<string, number> {
    let seen = this.#seen.get(viewerKey);
    if (seen === undefined) {
      seen = new Map();
      this.#seen.set(viewerKey, seen);
    }
    return seen;
  }

  #count(action: string): void {
    this.#actions[action] = (this.#actions[action] ?? 0) + 1;
  }

  #resource(name: string): ResourceModel {
    let r = this.#resources.get(name);
    if (r === undefined) {
      r = { record: null, writes: 0, fenceMax: 0, grantedTo: new Map() };
      this.#resources.set(name, r);
    }
    return r;
  }

  #fail(o: Step, action: ValidatedAction, reason: string, r: ResourceModel): void {
    this.#failure = {
      step: o.step,
      atMs: o.atMs,
      observation: o,
      action,
      reason,
      modelState: { record: r.record, writes: r.writes, fenceMax: r.fenceMax },
    };
  }

  #step(o: Step): void {
    switch (o.kind) {
      case 'begin':
        this.#ops.set(o.op.id, o.op);
        this.#facts.set(o.op.id, {
          lastRead: null,
          applied: false,
          indeterminate: false,
          calls: 0,
          view: undefined,
          viewFromWrite: false,
          ownWrite: null,
          tokenFloor: undefined,
        });
        return this.#count('stutter');
      case 'call':
        return this.#call(o);
      case 'apply':
        return this.#apply(o);
      case 'fence':
        return this.#fenced(o);
      case 'start':
        // A restarted process remembers nothing of the store.
        for (const key of [...this.#seen.keys()])
          if (key === o.node || key.startsWith(`${o.node}#`)) this.#seen.delete(key);
        return this.#count('stutter');
      case 'outcome':
        return this.#outcome(o);
      case 'crash':
        return this.#count('Crash');
      case 'powerLoss':
        // spec/Lease.tla's store never forgets a write: such runs are not validated.
        return this.#fail(
          o,
          'PowerLoss',
          'power loss (the store forgets commits) is not in the model of spec/Lease.tla',
          this.#resource(''),
        );
      case 'reply': {
        // A reply that reached its node tells it the store as of the call it answers.
        if (o.result === 'ok') {
          const writes = this.#answered.get(o.call);
          if (writes !== undefined) this.#seenBy(viewer(o.node, o.served)).set(o.resource, writes);
        }
        this.#answered.delete(o.call);
        const readAfterGrant = this.#readAfterGrant.get(o.call) ?? false;
        this.#readAfterGrant.delete(o.call);
        const facts = o.op === null ? undefined : this.#facts.get(o.op);
        // A replica's call tells the request it serves; a client's own call tells its op.
        const view = facts === undefined ? undefined : this.#viewOf(facts, o.served);
        if (view !== undefined && o.req === 'read' && o.result === 'ok') {
          view.lastRead = { record: o.record, wallMs: o.wallMs, opGranted: readAfterGrant };
          view.view = o.record;
          view.viewFromWrite = false;
        }
        const written = this.#written.get(o.call);
        this.#written.delete(o.call);
        if (view !== undefined && written !== undefined && o.result === 'ok') {
          view.view = written;
          view.viewFromWrite = true;
        }
        // A write refused before it applied (failed, store down) is settled, unless a copy the
        // network duplicated is still on its way: that one may yet apply.
        const pending = this.#calls.get(o.call);
        const copyOnItsWay = pending !== undefined && pending.applies < pending.copies;
        if (
          facts !== undefined &&
          o.req === 'cas' &&
          o.result === 'unavailable' &&
          ((o.cause !== 'failed' && o.cause !== 'down') || copyOnItsWay)
        )
          facts.indeterminate = true;
        return this.#count('stutter');
      }
      case 'response':
        // The outcome that follows is judged on what the answering replica read and wrote.
        if (o.serve === null) this.#answeredBy.delete(o.node);
        else this.#answeredBy.set(o.node, o.serve);
        return this.#count('stutter');
      case 'request':
        if (o.tokenFloor !== undefined) this.#requestFloors.set(o.req, o.tokenFloor);
        return this.#count('stutter');
      case 'serve':
        this.#servedRequests.set(o.serve, o.req);
        // The agent's requests and the service's answers: the store calls a replica makes for a
        // request, and the agent's outcome, are what the model's actions are judged on.
        return this.#count('stutter');
      case 'fault':
      case 'heal':
      case 'probe':
      case 'violation':
      case 'failure':
        // Replies are judged with the outcome they lead to; the rest change no model variable.
        return this.#count('stutter');
    }
  }

  /** Where a reply's news goes: the served request's own view, or the op's. */
  #viewOf(facts: OpFacts, served: number | null): ServeView {
    if (served === null) return facts;
    let view = this.#serveViews.get(served);
    if (view === undefined) {
      const req = this.#servedRequests.get(served);
      const tokenFloor = req === undefined ? undefined : this.#requestFloors.get(req);
      view = { lastRead: null, view: undefined, viewFromWrite: false, tokenFloor };
      this.#serveViews.set(served, view);
    }
    return view;
  }

  #call(o: CallStep): void {
    const facts = o.op === null ? undefined : this.#facts.get(o.op);
    if (facts !== undefined) facts.calls += 1;
    this.#calls.set(o.call, {
      node: o.origin?.node ?? o.node,
      // A copy of an agent's request the network delivered late is still that op's request,
      // though the op has ended: the replica decides it afresh, as the op's kind of action.
      op:
        o.op === null
          ? null
          : (this.#ops.get(o.op) ?? (o.origin === null ? null : this.#endedOps.get(o.op)) ?? null),
      wallMs: o.wallMs,
      basis: this.#seen.get(viewer(o.node, o.origin?.serve ?? null))?.get(o.resource) ?? -1,
      copies: o.copies,
      applies: 0,
    });
  }

  #apply(o: ApplyStep): void {
    const r = this.#resource(o.resource);
    const call = this.#calls.get(o.call);
    if (call !== undefined) {
      call.applies += 1;
      if (call.applies >= call.copies) this.#calls.delete(o.call);
    }
    if (!sameAbstract(o.before, r.record)) {
      this.#fail(
        o,
        o.req === 'read' ? 'Read' : 'AcquireWrite',
        `the store had ${show(o.before)}, the model's record is ${show(r.record)}`,
        r,
      );
      return;
    }
    if (o.req === 'read') {
      this.#count(o.outcome === 'ok' ? 'Read' : 'stutter');
      if (o.outcome === 'ok' && o.copy === 0) {
        this.#answered.set(o.call, r.writes);
        const op = call?.op ?? null;
        this.#readAfterGrant.set(o.call, op !== null && this.#opGrants.has(op.id));
      }
      return;
    }
    if (o.outcome === 'failed' || o.outcome === 'down') return this.#count('WriteFail');
    const action = writeAction(call?.op ?? null, o);
    const changed = o.versionAfter !== o.versionBefore;
    if (o.outcome === 'conflict' || !changed) {
      this.#refused(o, action, r, call);
      return;
    }
    this.#count(action);
    const problem =
      call === undefined ? 'a write no node sent' : this.#appliedProblem(o, action, call);
    if (problem !== null) {
      this.#fail(o, action, problem, r);
      return;
    }
    r.record = o.after;
    r.writes += 1;
    if (o.copy === 0 && o.after !== null) this.#written.set(o.call, o.after);
    if (o.copy === 0) this.#answered.set(o.call, r.writes);
    const facts =
      call?.op === undefined || call.op === null ? undefined : this.#facts.get(call.op.id);
    if (facts !== undefined) {
      facts.applied = true;
      facts.ownWrite = o.after;
    }
    if (
      action === 'AcquireWrite' &&
      o.after !== null &&
      call?.op !== null &&
      call?.op !== undefined
    ) {
      r.grantedTo.set(o.after.token, call.node);
      this.#opGrants.set(call.op.id, o.after.token);
    }
  }

  /** A refused compare-and-set (the model's overtaken write) changes nothing (I-3). */
  #refused(
    o: ApplyStep,
    action: ValidatedAction,
    r: ResourceModel,
    call: SentCall | undefined,
  ): void {
    this.#count(action);
    if (!sameAbstract(o.after, o.before) || o.versionAfter !== o.versionBefore) {
      this.#fail(o, action, 'a refused compare-and-set changed the record', r);
      return;
    }
    // A copy the network delivered again, or a request sent before the node saw the latest write.
    if (o.copy > 0 || call === undefined || call.basis < r.writes) return;
    this.#fail(
      o,
      action,
      'the store refused a compare-and-set that no write had overtaken since its sender read',
      r,
    );
  }

  /** The model's decision for the writer on the record it replaced, and the record it writes. */
  #appliedProblem(o: ApplyStep, action: ValidatedAction, call: SentCall): string | null {
    const problem = this.#actionProblem(o, action, call);
    if (problem !== null) return problem;
    const kind = WRITE_KINDS[action];
    if (kind === undefined) return null;
    return writtenRecordProblem(kind, o.before, o.after!, {
      wallMs: call.wallMs,
      node: call.node,
      resource: o.resource,
      ttlMs: call.op?.ttlMs ?? null,
      requestId: call.op?.requestId ?? null,
      maxRenewals: this.#loosestLimit,
      leaseLimits:
        call.op?.kind === 'acquire'
          ? { maxRenewals: call.op.maxRenewals ?? null, maxAgeMs: call.op.maxAgeMs ?? null }
          : null,
    });
  }

  #actionProblem(o: ApplyStep, action: ValidatedAction, call: SentCall): string | null {
    const before = o.before;
    const after = o.after!;
    const wall = call.wallMs;
    const op = call.op;
    const node = this.#nodeIndex(call.node);
    const ttlMs = op?.ttlMs ?? (after.status === 'held' ? after.ttlMs : this.#config.ttlMsDefault);
    const config = this.#modelConfig(ttlMs);
    const granted = op !== null && this.#opGrants.has(op.id);
    const seen = modelRecord(before, node, granted, this.#indexOf);
    const leaseToken =
      (op?.leaseOp ?? null) === null
        ? (before?.token ?? -1)
        : (this.#opGrants.get(op!.leaseOp!) ?? -1);
    const expires = after.status === 'held' ? after.expiresAtMs : null;
    switch (action) {
      case 'AcquireWrite': {
        const decision = acquireDecision(seen, node, wall, config).kind;
        if (decision !== 'grant')
          return `the model decides ${decision} at wall ${wall}, not a grant`;
        if (after.status !== 'held' || after.holder !== call.node)
          return 'a grant must name the writer as holder';
        if (after.token !== (before?.token ?? 0) + 1)
          return `a grant must write token ${(before?.token ?? 0) + 1}, not ${after.token}`;
        if (expires !== wall + ttlMs)
          return `a grant must expire at ${wall + ttlMs}, not ${expires}`;
        return null;
      }
      case 'RenewWrite': {
        if (!renewAllowed(seen, node, leaseToken, wall, config))
          return `the model refuses this renew of token ${leaseToken} at wall ${wall}`;
        if (after.status !== 'held' || before?.status !== 'held')
          return 'a renewal keeps the lease held';
        if (after.holder !== before.holder || after.token !== before.token)
          return 'a renewal keeps holder and token';
        // Never earlier than before; never past the lease's maximum age, its start plus maxAgeMs.
        const ageEndMs =
          before.maxAgeMs === null
            ? Number.POSITIVE_INFINITY
            : before.acquiredAtMs + before.maxAgeMs;
        const want = Math.max(before.expiresAtMs, Math.min(wall + ttlMs, ageEndMs));
        if (expires !== want) return `a renewal must expire at ${want}, not ${expires}`;
        return null;
      }
      case 'ReleaseWrite': {
        if (!releaseWrites(seen, node, leaseToken, config))
          return `the model refuses a release of token ${leaseToken} by ${call.node}`;
        if (after.status !== 'free' || after.token !== before?.token)
          return 'a release frees the lease and keeps its token';
        return null;
      }
      case 'ForceRelease':
        return forceReleaseProblem(before, after, op?.expectedHolder ?? null);
      case 'Expire':
        return expireProblem(before, after, wall, config);
      default:
        return `no model action writes this`;
    }
  }

  #fenced(o: FenceStep): void {
    const r = this.#resource(o.resource);
    this.#count('FencedWriteArrive');
    const accepts = o.token >= r.fenceMax;
    if (o.accepted !== accepts) {
      this.#fail(
        o,
        'FencedWriteArrive',
        `the resource ${o.accepted ? 'accepted' : 'rejected'} token ${o.token} with ${r.fenceMax} accepted before`,
        r,
      );
      return;
    }
    if (o.accepted && r.grantedTo.get(o.token) !== o.node) {
      this.#fail(
        o,
        'FencedWriteArrive',
        `token ${o.token} was granted to ${r.grantedTo.get(o.token) ?? 'nobody'}, not ${o.node}`,
        r,
      );
      return;
    }
    if (o.accepted) r.fenceMax = Math.max(r.fenceMax, o.token);
  }

  /**
   * The client's answer to a logical operation: a grant or renewal must carry the token the store
   * granted that node's op, and every answer must be the one the protocol gives on what the node
   * last read in the op (`answer-validation.ts`): a refusal the model would not make, or a success
   * with nothing to show for it, does not conform.
   */
  #outcome(o: OutcomeStep): void {
    const op = o.op;
    const r = this.#resource(op.resource);
    const action =
      op.kind === 'acquire' ? 'AcquireReply' : op.kind === 'renew' ? 'RenewReply' : 'ReleaseReply';
    this.#count(action);
    const opFacts = this.#facts.get(op.id);
    const served = this.#answeredBy.get(op.node);
    this.#answeredBy.delete(op.node);
    const serveView = served === undefined ? undefined : this.#serveViews.get(served);
    if (served !== undefined) this.#serveViews.delete(served);
    const facts =
      opFacts === undefined
        ? undefined
        : served === undefined
          ? opFacts
          : {
              ...opFacts,
              ...(serveView ?? { lastRead: null, view: undefined, viewFromWrite: false }),
            };
    if (o.final) {
      this.#ops.delete(op.id);
      this.#facts.delete(op.id);
      if (this.#endedOps.size >= VALIDATE_ENDED_OPS_MAX) {
        const oldest = this.#endedOps.keys().next();
        if (oldest.done !== true) this.#endedOps.delete(oldest.value);
      }
      this.#endedOps.set(op.id, op);
    }
    const grantOp = op.kind === 'acquire' ? op.id : op.leaseOp;
    const token = grantOp === null ? undefined : this.#opGrants.get(grantOp);
    if (o.result === 'granted' || o.result === 'renewed') {
      if (o.token === null || token !== o.token || r.grantedTo.get(o.token) !== op.node) {
        this.#fail(
          o,
          action,
          `${op.node} was answered ${o.result} with token ${o.token}; its acquire was granted ${token ?? 'nothing'}`,
          r,
        );
        return;
      }
    }
    if (facts === undefined) return;
    const input = inputProblem(op, o.result, o.invalid, facts.calls, this.#config);
    if (input !== null) {
      this.#fail(o, action, input, r);
      return;
    }
    if (o.result === 'invalid') return;
    const node = this.#nodeIndex(op.node);
    const opGranted = op.kind === 'acquire' && this.#opGrants.has(op.id);
    const indexOf = this.#indexOf;
    const problem = answerProblem(op, o.result, facts, {
      node,
      leaseToken: op.kind === 'acquire' ? null : (token ?? null),
      opGranted,
      modelConfig: this.#modelConfig(op.ttlMs ?? this.#config.ttlMsDefault),
      config: this.#tightestConfig,
      // The record a read brought back remembers the op's grant only if it applied before the
      // store answered that read.
      seen(record) {
        return modelRecord(record, node, facts.lastRead?.opGranted ?? opGranted, indexOf);
      },
    });
    if (problem !== null) {
      this.#fail(o, action, problem, r);
      return;
    }
    const detail = detailProblem(op, o.result, o.detail, facts, {
      grantToken: token ?? null,
      config: this.#config,
      renewalLimits: this.#renewalLimits,
    });
    if (detail !== null) this.#fail(o, action, `${op.kind} answered ${o.result}: ${detail}`, r);
  }

  /** `#nodeIndex` as a function value, made once. */
  readonly #indexOf = (name: string): number => this.#nodeIndex(name);

  #nodeIndex(name: string): number {
    let i = this.#nodes.get(name);
    if (i === undefined) {
      i = this.#nodes.size;
      this.#nodes.set(name, i);
    }
    return i;
  }

  /** The model's constants in the simulator's units (milliseconds; the TTL the op asked for). */
  #modelConfig(ttlMs: number): ModelConfig {
    return {
      name: 'trace',
      nodes: this.#nodes.size,
      replicas: 0,
      ttlTicks: ttlMs,
      graceTicks: this.#config.graceMs,
      skewTicksMax: this.#config.maxClockSkewMs,
      marginTicks: 0,
      timeTicksMax: Number.MAX_SAFE_INTEGER,
      tokenMax: Number.MAX_SAFE_INTEGER,
      clockJumps: true,
      allOffsets: true,
      bug: 'none',
    };
  }
}

/** The model action of an applied or refused write: by the workload's op, else by its effect. */
function writeAction(op: Op | null, o: ApplyStep): ValidatedAction {
  switch (op?.kind) {
    case 'acquire':
      return 'AcquireWrite';
    case 'renew':
      return 'RenewWrite';
    case 'release':
      return 'ReleaseWrite';
    case 'forceRelease':
      return 'ForceRelease';
    case 'expire':
      return 'Expire';
    case undefined: {
      const after = o.after;
      if (after?.status !== 'held') return 'ReleaseWrite';
      const before = o.before;
      const same = before?.status === 'held' && before.token === after.token;
      return same ? 'RenewWrite' : 'AcquireWrite';
    }
  }
}

/**
 * ForceRelease(e): enabled on a held lease (only the expected holder's, when one is named); it
 * frees the lease and raises its token by one.
 */
function forceReleaseProblem(
  before: LeaseRecord | null,
  after: LeaseRecord,
  expectedHolder: string | null,
): string | null {
  if (before === null || before.status !== 'held') return 'a force-release frees a held lease';
  if (expectedHolder !== null && before.holder !== expectedHolder)
    return `a force-release expecting ${expectedHolder} applied while ${before.holder} held it`;
  if (after.status !== 'free' || after.token !== before.token + 1)
    return `a force-release frees the lease with token ${before.token + 1}`;
  return null;
}

/**
 * Expire(d): enabled on a held lease once it is claimable on the wall clock that decided (the
 * cleaner's own, or the replica's that served it, `expireFrom`); it frees the lease and keeps
 * its token.
 */
function expireProblem(
  before: LeaseRecord | null,
  after: LeaseRecord,
  wall: number,
  config: ModelConfig,
): string | null {
  if (before === null || before.status !== 'held') return 'a cleanup frees a held lease';
  const claimFrom = expireFrom(before.expiresAtMs, config);
  if (wall < claimFrom)
    return `a cleanup at wall ${wall} freed a lease claimable only from ${claimFrom}`;
  if (after.status !== 'free' || after.token !== before.token)
    return 'a cleanup frees the lease and keeps its token';
  return null;
}

const WRITE_KINDS: Partial<Record<ValidatedAction, WriteKind>> = {
  AcquireWrite: 'grant',
  RenewWrite: 'renew',
  ReleaseWrite: 'release',
  ForceRelease: 'forceRelease',
  Expire: 'expire',
};

/** A store record as the model sees it; `rids` holds the writer iff its op was granted before. */
export function modelRecord(
  record: LeaseRecord | null,
  writer: number,
  opGranted: boolean,
  indexOf: (node: string) => number,
): ModelRecord {
  const rids = opGranted ? 1 << writer : 0;
  if (record === null) return { status: 'none', holder: -1, token: 0, expiresAt: 0, rids: 0 };
  if (record.status === 'held') {
    return {
      status: 'held',
      holder: indexOf(record.holder),
      token: record.token,
      expiresAt: record.expiresAtMs,
      rids,
    };
  }
  return {
    status: 'free',
    holder: indexOf(record.lastHolder),
    token: record.token,
    expiresAt: 0,
    rids,
  };
}

/** Records compared on what the model keeps: status, holder, token and expiry. */
function sameAbstract(a: LeaseRecord | null, b: LeaseRecord | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.status !== b.status || a.token !== b.token) return false;
  if (a.status === 'held' && b.status === 'held')
    return a.holder === b.holder && a.expiresAtMs === b.expiresAtMs;
  if (a.status === 'free' && b.status === 'free') return a.lastHolder === b.lastHolder;
  return false;
}

export function show(record: LeaseRecord | null): string {
  if (record === null) return 'no record';
  if (record.status === 'free') return `free (last ${record.lastHolder}, token ${record.token})`;
  return `held by ${record.holder} (token ${record.token}, expires ${record.expiresAtMs})`;
}

/**
 * Whose knowledge of the store a reply updates and a request is judged on: the node's own, or,
 * for a replica, that of the one request it serves (each runs its own read, decide, write).
 */
function viewer(node: string, served: number | null): string {
  return served === null ? node : `${node}#${served}`;
}
