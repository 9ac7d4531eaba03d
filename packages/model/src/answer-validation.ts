import type { LeaseConfig, LeaseRecord } from '@leasehold/core';
import type { Op } from '@leasehold/step';
import { acquireDecision } from './acquire-actions.js';
import type { ModelConfig } from './model-config.js';
import { releaseWrites } from './release-actions.js';
import { renewAllowed } from './renew-actions.js';
import type { ModelRecord } from './state.js';

/** What the world saw of one logical operation, up to its answer. */
export interface OpFacts {
  /**
   * The last record a read of this op brought back to its node, the node's wall clock then, and
   * whether the op's own grant had applied when the store answered the read (the record the read
   * carries remembers the op's request id only then).
   */
  lastRead: {
    readonly record: LeaseRecord | null;
    readonly wallMs: number;
    readonly opGranted: boolean;
  } | null;
  /** A write of this op applied. */
  applied: boolean;
  /** A write of this op had an unknown outcome (its reply was lost, timed out, or restarted). */
  indeterminate: boolean;
  /** Store calls this op made (reads and writes, each sent once however often it was delivered). */
  calls: number;
  /**
   * The latest record the op's node learnt of in this op: the record its last read brought back,
   * or the one its own write left when that write's reply came back (undefined: none yet).
   */
  view: LeaseRecord | null | undefined;
  /** The view is the record the op's own write left (not one a read brought back). */
  viewFromWrite: boolean;
  /** The record this op's last applied write left in the store (null: none applied). */
  ownWrite: LeaseRecord | null;
  /** An acquire served for an agent: the token floor its request carried, if any. */
  tokenFloor: number | undefined;
}

export interface AnswerContext {
  readonly node: number;
  /** The token the grant this op acts on was given (renew, release), or null. */
  readonly leaseToken: number | null;
  /** This op (an acquire) obtained a grant before this answer. */
  readonly opGranted: boolean;
  readonly modelConfig: ModelConfig;
  readonly config: LeaseConfig;
  /** A store record as the model sees it, for the deciding node. */
  readonly seen: (record: LeaseRecord | null) => ModelRecord;
}

const SUCCESS: Readonly<Record<Op['kind'], string>> = {
  acquire: 'granted',
  renew: 'renewed',
  release: 'released',
  forceRelease: 'forceReleased',
  expire: 'expiredNow',
};

/**
 * Whether the answer the client gave for one operation is the one the protocol gives, judged on
 * what the node last read in that operation, at its wall clock then (the client decides with no
 * await after its read), and on whether the operation's own write applied. Returns why not, or
 * null. A refusal needs the model's refusal on that read; a success without a write of its own is
 * a replay, and needs a record that shows the earlier success. `unavailable` is always allowed;
 * `invalid` is judged on the op's inputs alone (`input-validation.ts`).
 */
export function answerProblem(
  op: Op,
  result: string,
  facts: OpFacts,
  ctx: AnswerContext,
): string | null {
  if (result === 'unavailable') return null;
  if (result === SUCCESS[op.kind] && facts.applied) return null;
  const read = facts.lastRead;
  if (read === null) {
    if (op.kind === 'acquire' && result === 'expired' && (facts.indeterminate || ctx.opGranted))
      return null;
    return `${op.kind} was answered ${result} without reading the store and without a write of its own`;
  }
  const problem = decisionProblem(op, result, read.record, read.wallMs, facts, ctx);
  return problem === null
    ? null
    : `${op.kind} answered ${result} after reading ${describe(read.record)} at wall ${read.wallMs}: ${problem}`;
}

function decisionProblem(
  op: Op,
  result: string,
  record: LeaseRecord | null,
  wall: number,
  facts: OpFacts,
  ctx: AnswerContext,
): string | null {
  switch (op.kind) {
    case 'acquire':
      return acquireProblem(result, record, wall, facts, ctx);
    case 'renew':
      return renewProblem(result, record, wall, op.node, ctx);
    case 'release':
      return releaseProblem(result, record, op.node, ctx);
    case 'forceRelease':
      return forceReleaseProblem(result, record, op.expectedHolder, facts);
    case 'expire':
      return expireProblem(result, record, wall, ctx.config);
  }
}

/**
 * I-8 past the record's memory (spec/README.md, "Idempotent acquire"): a request that carried a
 * token floor may have been granted anywhere from the floor up; once the record has been granted
 * at or above it and no longer keeps every grant from the floor on, it cannot tell, and refuses
 * the request as superseded rather than risk a second grant.
 */
function floorForgotten(record: LeaseRecord | null, tokenFloor: number | undefined): boolean {
  if (record === null || tokenFloor === undefined || tokenFloor > record.token) return false;
  return tokenFloor < (record.recentGrants[0]?.token ?? record.token + 1);
}

function acquireProblem(
  result: string,
  record: LeaseRecord | null,
  wall: number,
  facts: OpFacts,
  ctx: AnswerContext,
): string | null {
  const decision = acquireDecision(ctx.seen(record), ctx.node, wall, ctx.modelConfig).kind;
  switch (result) {
    case 'held':
      return decision === 'held' ? null : `the model decides ${decision}`;
    case 'granted':
      // A replay of this op's own grant (its write applied earlier and its reply was lost).
      return decision === 'replayGranted'
        ? null
        : `no write of its own, and the model decides ${decision}`;
    case 'expired':
      // Its own grant ended, or the record no longer remembers whether an unknown write applied,
      // or the grant came back with no belief left.
      return decision === 'replayExpired' ||
        facts.indeterminate ||
        ctx.opGranted ||
        floorForgotten(record, facts.tokenFloor)
        ? null
        : `the model decides ${decision}`;
    default:
      return 'not an answer an acquire gives';
  }
}

function renewProblem(
  result: string,
  record: LeaseRecord | null,
  wall: number,
  node: string,
  ctx: AnswerContext,
): string | null {
  const token = ctx.leaseToken ?? -1;
  const allowed = renewAllowed(ctx.seen(record), ctx.node, token, wall, ctx.modelConfig);
  const limit = ctx.config.maxRenewals;
  // At the deployment's limit, or at the lease's own (kept in its record).
  const atLimit =
    record?.status === 'held' &&
    ((limit !== null && record.renewals >= limit) ||
      (record.maxRenewals !== null && record.renewals >= record.maxRenewals));
  // The record shows that this node's grant ended (released, expired by cleanup or by time,
  // force-released and not re-granted to another, or superseded by its own later grant): the
  // answer is `expired`. Where it shows another holder, or nothing of this grant, `notHolder`.
  const ended =
    record !== null &&
    (record.status === 'free'
      ? record.lastHolder === node && record.token >= token
      : record.holder === node &&
        (record.token > token || (record.token === token && wall >= record.expiresAtMs)));
  switch (result) {
    case 'renewed':
      // A replay: the record holds this renewal already (held by the node, same grant).
      return record?.status === 'held' && record.token === token
        ? null
        : 'no write of its own, and the record shows no renewal of this grant';
    case 'maxRenewalsReached':
      return atLimit
        ? null
        : `the grant has ${record?.status === 'held' ? record.renewals : 0} renewals, the limit is ${limit ?? 'none'} (its own ${record?.status === 'held' ? (record.maxRenewals ?? 'none') : 'none'})`;
    case 'expired':
      if (allowed && !atLimit) return 'the model renews this grant';
      return ended ? null : 'the record shows no end of this grant of this node: notHolder';
    case 'notHolder':
      if (allowed && !atLimit) return 'the model renews this grant';
      return ended ? 'the record shows this grant of this node ended: expired' : null;
    case 'skipped':
      // The service's min interval: a renewal asked for too soon after the last write is skipped
      // while the grant is live on the deciding clock, and nothing is written.
      return record?.status === 'held' &&
        record.holder === node &&
        record.token === token &&
        wall < record.expiresAtMs
        ? null
        : 'a skipped renewal needs this grant live in the record';
    default:
      return 'not an answer a renew gives';
  }
}

function releaseProblem(
  result: string,
  record: LeaseRecord | null,
  node: string,
  ctx: AnswerContext,
): string | null {
  const token = ctx.leaseToken ?? -1;
  // The grant this release is for already ended for its node (an earlier release of it applied,
  // or a cleanup expired it): release is safe to retry, so the answer is `released`.
  const endedForNode =
    record?.status === 'free' && record.lastHolder === node && record.token === token;
  switch (result) {
    case 'released':
      return endedForNode
        ? null
        : 'no write of its own, and the record was not freed from this grant of this node';
    case 'notHolder':
      if (endedForNode)
        return 'the record shows this grant ended for this node: a retried release answers released';
      return releaseWrites(ctx.seen(record), ctx.node, token, ctx.modelConfig)
        ? 'the model releases this grant'
        : null;
    default:
      return 'not an answer a release gives';
  }
}

function forceReleaseProblem(
  result: string,
  record: LeaseRecord | null,
  expectedHolder: string | null,
  facts: OpFacts,
): string | null {
  const held = record?.status === 'held';
  // The read brought back the record this op's own force-release left: a retry whose first
  // attempt applied (its reply lost) recognises it and answers `forceReleased`.
  const ownWriteSeen =
    record?.status === 'free' &&
    record.freedBy === 'forceReleased' &&
    facts.ownWrite !== null &&
    facts.ownWrite.requestId === record.requestId;
  switch (result) {
    case 'forceReleased':
      return 'no write of its own applied: nothing was force-released by this operation';
    case 'notHeld':
      if (ownWriteSeen)
        return "the read shows this operation's own force-release: a retry answers forceReleased";
      return held ? 'the lease was held' : null;
    case 'notHolder':
      return held && expectedHolder !== null && record.holder !== expectedHolder
        ? null
        : 'the expected holder held it (or none was named)';
    default:
      return 'not an answer a force-release gives';
  }
}

function expireProblem(
  result: string,
  record: LeaseRecord | null,
  wall: number,
  config: LeaseConfig,
): string | null {
  const held = record !== null && record.status === 'held';
  const claimable = held && wall >= record.expiresAtMs + config.graceMs + config.maxClockSkewMs;
  switch (result) {
    case 'held':
      return held && !claimable ? null : 'the lease was claimable or not held';
    case 'notHeld':
      return held ? 'the lease was held' : null;
    default:
      return 'not an answer a cleanup gives without a write of its own';
  }
}

function describe(record: LeaseRecord | null): string {
  if (record === null) return 'no record';
  if (record.status === 'free') return `free (token ${record.token})`;
  return `held by ${record.holder} (token ${record.token}, expires ${record.expiresAtMs})`;
}
