import type { LeaseConfig, LeaseRecord } from '@leasehold/core';
import type { Observation } from '@leasehold/sim';
import { acquireDecision } from './acquire-actions';
import { VALIDATE_OBSERVATIONS_MAX } from './limits';
import type { ModelConfig } from './model-config';
import { releaseWrites } from './release-actions';
import { renewAllowed } from './renew-actions';
import type { ModelRecord } from './state';
import type { ActionName } from './transition';

/**
 * What the validator keeps per resource: the model's view of the store and of the fenced
 * resource, plus the grant history the I-6 check needs.
 */
export interface ValidatorResourceState {
  readonly record: LeaseRecord | null;
  readonly writes: number;
  readonly fenceMax: number;
}

export interface ConformanceFailure {
  readonly step: number;
  readonly observation: Observation;
  /** The model action the step was mapped to. */
  readonly action: ActionName | 'Read' | 'PowerLoss';
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
  readonly grantedTo: Map<number, string>;
}

/**
 * Trace validation: maps each simulator step onto a model action of spec/Lease.tla and checks
 * that the action was enabled and had the effect the model gives it, per resource. A step with
 * no matching action is a conformance failure. What is and is not checked: spec/README.md.
 */
export class TraceValidator {
  readonly #config: LeaseConfig;
  readonly #resources = new Map<string, ResourceModel>();
  /** Store writes seen at each node's last read of each resource (`node\0resource`). */
  readonly #writesAtRead = new Map<string, number>();
  /** A crashed node may still have one compare-and-set in flight from before the crash. */
  readonly #orphans = new Map<string, number>();
  readonly #nodes = new Map<string, number>();
  readonly #actions: Record<string, number> = {};
  #observations = 0;
  #failure: ConformanceFailure | null = null;

  constructor(config: LeaseConfig) {
    this.#config = config;
  }

  /** An `Observer` for `runSeed`: validation stops at the first conformance failure. */
  readonly observer = (observation: Observation): void => {
    if (this.#failure !== null || this.#observations >= VALIDATE_OBSERVATIONS_MAX) return;
    this.#observations += 1;
    this.#step(observation);
  };

  result(): ValidationResult {
    return {
      conforming: this.#failure === null,
      observations: this.#observations,
      actions: { ...this.#actions },
      failure: this.#failure,
    };
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

  #fail(o: Observation, action: ConformanceFailure['action'], reason: string, r: ResourceModel) {
    this.#failure = {
      step: o.step,
      observation: o,
      action,
      reason,
      modelState: { record: r.record, writes: r.writes, fenceMax: r.fenceMax },
    };
  }

  #step(o: Observation): void {
    switch (o.kind) {
      case 'read':
        return this.#read(o);
      case 'write':
        return this.#write(o);
      case 'storeUnavailable':
        // A failed read changes nothing (a stutter); a failed write is WriteFail.
        return this.#count(o.op === 'cas' ? 'WriteFail' : 'stutter');
      case 'fencedWrite':
        return this.#fenced(o);
      case 'crash':
        this.#orphans.set(o.node, 1);
        return this.#count('Crash');
      case 'outcome':
        return this.#outcome(o);
      case 'powerLoss':
        // spec/Lease.tla's store never forgets a write; `leasehold dst validate` refuses such runs.
        return this.#fail(
          o,
          'PowerLoss',
          'power loss (the store forgets commits) is not in the model of spec/Lease.tla',
          this.#resource(''),
        );
      case 'restart':
      case 'heal':
        // The model's Crash restarts at once, and healing only stops faults: stutters.
        return this.#count('stutter');
    }
  }

  #read(o: Observation & { kind: 'read' }): void {
    const r = this.#resource(o.resource);
    this.#count('Read');
    if (!sameAbstract(o.record, r.record)) {
      this.#fail(
        o,
        'Read',
        `the store returned ${show(o.record)}, the model's record is ${show(r.record)}`,
        r,
      );
      return;
    }
    this.#writesAtRead.set(`${o.node}\0${o.resource}`, r.writes);
  }

  #write(o: Observation & { kind: 'write' }): void {
    const r = this.#resource(o.resource);
    const action = writeAction(o.event.kind);
    if (action === null) {
      this.#fail(o, 'AcquireWrite', `the workload never writes a ${o.event.kind} event`, r);
      return;
    }
    this.#count(action);
    if (!sameAbstract(o.before, r.record)) {
      this.#fail(
        o,
        action,
        `the write found ${show(o.before)}, the model's record is ${show(r.record)}`,
        r,
      );
      return;
    }
    if (!o.applied) {
      this.#refused(o, action, r);
      return;
    }
    const problem = this.#appliedProblem(o, action);
    if (problem !== null) {
      this.#fail(o, action, problem, r);
      return;
    }
    r.record = o.proposed;
    r.writes += 1;
    if (o.event.kind === 'granted') r.grantedTo.set(o.proposed.token, o.node);
    if (o.replyLost) this.#count('ReplyLost');
  }

  /** A refused compare-and-set (the model's overtaken write) changes nothing (I-3). */
  #refused(o: Observation & { kind: 'write' }, action: ActionName, r: ResourceModel): void {
    if (!sameAbstract(o.after, o.before)) {
      this.#fail(o, action, 'a refused compare-and-set changed the record', r);
      return;
    }
    const read = this.#writesAtRead.get(`${o.node}\0${o.resource}`) ?? -1;
    if (read >= 0 && read < r.writes) return;
    const orphans = this.#orphans.get(o.node) ?? 0;
    if (orphans > 0) {
      this.#orphans.set(o.node, orphans - 1);
      return;
    }
    this.#fail(
      o,
      action,
      'the store refused a compare-and-set that no write had overtaken since its read',
      r,
    );
  }

  /** The model's decision for the writer on the record it replaced, and the record it writes. */
  #appliedProblem(o: Observation & { kind: 'write' }, action: ActionName): string | null {
    const before = o.before;
    const after = o.proposed;
    const wall = o.event.atMs;
    const node = this.#nodeIndex(o.node);
    const config = this.#modelConfig(after);
    const seen = modelRecord(before, node, o.event.requestId, (n) => this.#nodeIndex(n));
    const expires = after.status === 'held' ? after.expiresAtMs : null;
    switch (action) {
      case 'AcquireWrite': {
        const decision = acquireDecision(seen, node, wall, config).kind;
        if (decision !== 'grant')
          return `the model decides ${decision} at wall ${wall}, not a grant`;
        if (after.status !== 'held' || after.holder !== o.node)
          return 'a grant must name the writer as holder';
        if (after.token !== (before?.token ?? 0) + 1)
          return `a grant must write token ${(before?.token ?? 0) + 1}, not ${after.token}`;
        if (expires !== wall + after.ttlMs)
          return `a grant must expire at ${wall + after.ttlMs}, not ${expires}`;
        return null;
      }
      case 'RenewWrite': {
        if (!renewAllowed(seen, node, before?.token ?? -1, wall, config))
          return `the model refuses this renew at wall ${wall}`;
        if (after.status !== 'held' || before?.status !== 'held')
          return 'a renewal keeps the lease held';
        if (after.holder !== before.holder || after.token !== before.token)
          return 'a renewal keeps holder and token';
        if (expires !== wall + after.ttlMs)
          return `a renewal must expire at ${wall + after.ttlMs}, not ${expires}`;
        return null;
      }
      case 'ReleaseWrite': {
        if (!releaseWrites(seen, node, before?.token ?? -1, config))
          return `the model refuses a release by ${o.node}`;
        if (after.status !== 'free' || after.token !== before?.token)
          return 'a release frees the lease and keeps its token';
        return null;
      }
      default:
        return `no model action writes ${o.event.kind}`;
    }
  }

  #fenced(o: Observation & { kind: 'fencedWrite' }): void {
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

  /** A granted or renewed answer must carry a token the store granted to that node. */
  #outcome(o: Observation & { kind: 'outcome' }): void {
    const r = this.#resource(o.resource);
    const action =
      o.op === 'acquire' ? 'AcquireReply' : o.op === 'renew' ? 'RenewReply' : 'ReleaseReply';
    this.#count(action);
    if (o.result !== 'granted' && o.result !== 'renewed') return;
    if (o.token === null || r.grantedTo.get(o.token) !== o.node) {
      this.#fail(
        o,
        action,
        `${o.node} was answered ${o.result} with token ${o.token}, which the store granted to ${o.token === null ? 'nobody' : (r.grantedTo.get(o.token) ?? 'nobody')}`,
        r,
      );
    }
  }

  #nodeIndex(name: string): number {
    let i = this.#nodes.get(name);
    if (i === undefined) {
      i = this.#nodes.size;
      this.#nodes.set(name, i);
    }
    return i;
  }

  /** The model's constants in the simulator's units (milliseconds; the TTL of this write). */
  #modelConfig(record: LeaseRecord): ModelConfig {
    return {
      name: 'trace',
      nodes: this.#nodes.size,
      ttlTicks: record.status === 'held' ? record.ttlMs : this.#config.ttlMsDefault,
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

function writeAction(kind: string): ActionName | null {
  switch (kind) {
    case 'granted':
      return 'AcquireWrite';
    case 'renewed':
      return 'RenewWrite';
    case 'released':
      return 'ReleaseWrite';
    default:
      return null;
  }
}

/** A store record as the model sees it; `rids` holds the writer iff its request id was granted. */
export function modelRecord(
  record: LeaseRecord | null,
  writer: number,
  requestId: string,
  indexOf: (node: string) => number,
): ModelRecord {
  if (record === null) return { status: 'none', holder: -1, token: 0, expiresAt: 0, rids: 0 };
  const granted = record.recentGrants.some((g) => g.requestId === requestId);
  const rids = granted ? 1 << writer : 0;
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
