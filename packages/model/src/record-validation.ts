import type { LeaseRecord } from '@leasehold/core';
import { DOCUMENTED_GRANT_MARKS_MAX } from './limits.js';

/** What the world knows of the write, besides the records before and after it. */
export interface WriteFacts {
  /** The writer's wall clock when it sent the write (it decides at that instant). */
  readonly wallMs: number;
  readonly node: string;
  readonly resource: string;
  /** The TTL the workload asked for (acquire, renew). */
  readonly ttlMs: number | null;
  /** The request id the workload chose for the op, or null when the client picks its own. */
  readonly requestId: string | null;
  /** The configuration's renewal limit per grant (null: none). */
  readonly maxRenewals: number | null;
  /**
   * A grant: the lease's own limits the workload asked for at acquire (each null: none), or null
   * when the write is not the workload's acquire (its limits are then not judged).
   */
  readonly leaseLimits: {
    readonly maxRenewals: number | null;
    readonly maxAgeMs: number | null;
  } | null;
}

export type WriteKind = 'grant' | 'renew' | 'release' | 'forceRelease' | 'expire';

/**
 * The fields of a written record that the model's actions leave abstract, stated from the
 * README's "The lease model in one screen" (what a record holds): every write names its resource and stamps the writer's
 * wall clock; a grant starts a lease (holder, TTL, start, no renewals, the limits of its own it was
 * asked for) and remembers its request id among the most recent DOCUMENTED_GRANT_MARKS_MAX grants (I-8);
 * a renewal changes only its TTL, expiry, stamp and request id and counts one more renewal, never
 * past the renewal limit (the deployment's, or the lease's own); a release, force-release or cleanup frees the
 * lease saying who held it and how it ended, and forgets no grant. Returns why not, or null.
 */
export function writtenRecordProblem(
  kind: WriteKind,
  before: LeaseRecord | null,
  after: LeaseRecord,
  facts: WriteFacts,
): string | null {
  if (after.resource !== facts.resource)
    return `the record names ${after.resource}, the write was for ${facts.resource}`;
  if (after.updatedAtMs !== facts.wallMs)
    return `the record is stamped ${after.updatedAtMs}, the writer's wall clock read ${facts.wallMs}`;
  if (after.requestId.length === 0) return 'the record carries no request id';
  if (before !== null && after.requestId === before.requestId)
    return `the write reuses the request id of the write before it (${after.requestId})`;
  switch (kind) {
    case 'grant':
      return grantProblem(before, after, facts);
    case 'renew':
      return renewProblem(before, after, facts);
    case 'release':
    case 'forceRelease':
    case 'expire':
      return freeProblem(kind, before, after);
  }
}

function grantProblem(
  before: LeaseRecord | null,
  after: LeaseRecord,
  facts: WriteFacts,
): string | null {
  if (after.status !== 'held') return 'a grant leaves the lease held';
  if (facts.requestId !== null && after.requestId !== facts.requestId)
    return `a grant must carry the caller's request id ${facts.requestId}, not ${after.requestId}`;
  if (facts.ttlMs !== null && after.ttlMs !== facts.ttlMs)
    return `a grant must keep the TTL asked for (${facts.ttlMs}), not ${after.ttlMs}`;
  if (after.acquiredAtMs !== facts.wallMs)
    return `a grant starts at the writer's wall clock ${facts.wallMs}, not ${after.acquiredAtMs}`;
  if (after.renewals !== 0) return `a grant starts with no renewals, not ${after.renewals}`;
  const asked = facts.leaseLimits;
  if (asked !== null && after.maxRenewals !== asked.maxRenewals)
    return `a grant keeps the renewal limit it was asked for (${asked.maxRenewals}), not ${after.maxRenewals}`;
  if (asked !== null && after.maxAgeMs !== asked.maxAgeMs)
    return `a grant keeps the maximum age it was asked for (${asked.maxAgeMs}), not ${after.maxAgeMs}`;
  if (after.ownerKey.length === 0) return 'a grant carries no owner key';
  const earlier = before?.recentGrants ?? [];
  const kept = earlier.slice(Math.max(0, earlier.length - (DOCUMENTED_GRANT_MARKS_MAX - 1)));
  const marks = after.recentGrants;
  const newest = marks[marks.length - 1];
  if (
    marks.length !== kept.length + 1 ||
    newest === undefined ||
    newest.requestId !== after.requestId ||
    newest.token !== after.token ||
    kept.some((m, i) => m.requestId !== marks[i]!.requestId || m.token !== marks[i]!.token)
  )
    return `a grant remembers the ${DOCUMENTED_GRANT_MARKS_MAX} most recent grants, its own last (I-8); it wrote ${marks.length}`;
  return null;
}

function renewProblem(
  before: LeaseRecord | null,
  after: LeaseRecord,
  facts: WriteFacts,
): string | null {
  if (before === null || before.status !== 'held' || after.status !== 'held')
    return 'a renewal keeps the lease held';
  if (after.ownerKey !== before.ownerKey) return 'a renewal keeps the owner key';
  if (after.acquiredAtMs !== before.acquiredAtMs) return 'a renewal keeps the start of the lease';
  if (facts.ttlMs !== null && after.ttlMs !== facts.ttlMs)
    return `a renewal takes the TTL asked for (${facts.ttlMs}), not ${after.ttlMs}`;
  if (facts.maxRenewals !== null && before.renewals >= facts.maxRenewals)
    return `a grant with ${before.renewals} renewals is at the limit (${facts.maxRenewals}): no renewal may be written`;
  if (before.maxRenewals !== null && before.renewals >= before.maxRenewals)
    return `a grant with ${before.renewals} renewals is at its own limit (${before.maxRenewals}): no renewal may be written`;
  if (after.maxRenewals !== before.maxRenewals || after.maxAgeMs !== before.maxAgeMs)
    return "a renewal keeps the lease's own limits (maxRenewals, maxAgeMs)";
  if (after.renewals !== before.renewals + 1)
    return `a renewal counts renewal ${before.renewals + 1}, not ${after.renewals}`;
  return sameGrants(before, after, 'a renewal');
}

function freeProblem(
  kind: 'release' | 'forceRelease' | 'expire',
  before: LeaseRecord | null,
  after: LeaseRecord,
): string | null {
  if (before === null || before.status !== 'held' || after.status !== 'free')
    return `a ${kind} frees a held lease`;
  if (after.lastHolder !== before.holder)
    return `a ${kind} records the holder it freed (${before.holder}), not ${after.lastHolder}`;
  const freedBy =
    kind === 'release' ? 'released' : kind === 'forceRelease' ? 'forceReleased' : 'expired';
  if (after.freedBy !== freedBy)
    return `a ${kind} records freedBy ${freedBy}, not ${after.freedBy}`;
  return sameGrants(before, after, `a ${kind}`);
}

function sameGrants(before: LeaseRecord, after: LeaseRecord, what: string): string | null {
  const a = before.recentGrants;
  const b = after.recentGrants;
  if (
    a.length !== b.length ||
    a.some((m, i) => m.requestId !== b[i]!.requestId || m.token !== b[i]!.token)
  )
    return `${what} keeps the record's recent grants (I-8)`;
  return null;
}
