import type { LeaseConfig, LeaseRecord } from '@leasehold/core';
import type { AnswerDetail, Op } from '@leasehold/step';
import type { OpFacts } from './answer-validation.js';

/**
 * What else an answer tells its caller, judged on what the op's node last learnt of the store in
 * that op (README, "The lease model in one screen"): a lease is the record the grant or renewal left; `held` names the
 * record's holder, token and expiry, and how long to wait on the caller's clock before it can be
 * claimable; `notHolder` names the holder, if any; `expired` says which grant ended and why;
 * `released`, `forceReleased` and `expiredNow` name the token (and the holder evicted). Returns
 * why not, or null. Called once the answer's kind is known to be right.
 */
export function detailProblem(
  op: Op,
  result: string,
  detail: AnswerDetail,
  facts: OpFacts,
  ctx: {
    /** The token of the grant the op acts on (renew, release), or its own grant (acquire). */
    readonly grantToken: number | null;
    readonly config: LeaseConfig;
    /** Every renewal limit the answer may have been decided under (default: the config's). */
    readonly renewalLimits?: readonly (number | null)[];
  },
): string | null {
  const view = facts.view;
  const read = facts.lastRead;
  switch (result) {
    case 'granted':
    case 'renewed':
      if (view === undefined) return null;
      return leaseProblem(detail, view, op) ?? replayProblem(detail, facts);
    case 'held': {
      if (read === null || read.record === null || read.record.status !== 'held') return null;
      const record = read.record;
      const claimFrom = record.expiresAtMs + ctx.config.graceMs + ctx.config.maxClockSkewMs;
      return fieldsProblem(detail, {
        holder: record.holder,
        token: record.token,
        expiresAtMs: record.expiresAtMs,
        retryAfterMs: Math.max(0, claimFrom - read.wallMs),
      });
    }
    case 'notHolder': {
      if (read === null) return null;
      const record = read.record;
      return fieldsProblem(detail, { holder: record?.status === 'held' ? record.holder : null });
    }
    case 'expired': {
      const problem = expiredProblem(op, detail, view, ctx.grantToken);
      // Refused at its token floor, a request cannot name the grant it may have had: it names
      // the floor.
      const atFloor =
        op.kind === 'acquire' &&
        facts.tokenFloor !== undefined &&
        detail['token'] === facts.tokenFloor &&
        detail['reason'] === 'superseded';
      return problem === null || atFloor ? null : problem;
    }
    case 'released':
      if (ctx.grantToken === null) return null;
      return (
        fieldsProblem(detail, { token: ctx.grantToken }) ??
        (view === undefined ? null : replayProblem(detail, facts))
      );
    case 'forceReleased':
      if (view === undefined || view === null || view.status !== 'free') return null;
      return fieldsProblem(detail, { previousHolder: view.lastHolder, token: view.token });
    case 'expiredNow':
      if (view === undefined || view === null) return null;
      return fieldsProblem(detail, { token: view.token });
    case 'maxRenewalsReached': {
      if (read === null || read.record === null || read.record.status !== 'held') return null;
      const limits = ctx.renewalLimits ?? [ctx.config.maxRenewals];
      return refusalLimitProblem(detail, read.record.renewals, read.record.maxRenewals, limits);
    }
    default:
      return null;
  }
}

/**
 * A renewal refused at its limit names the limit and whose it is: the lease's own (kept in its
 * record) where it is the tighter (or the same), else the deployment's it was decided under (any
 * of `limits`, as an operator may change it at runtime).
 */
function refusalLimitProblem(
  detail: AnswerDetail,
  renewals: number,
  own: number | null,
  limits: readonly (number | null)[],
): string | null {
  const named = detail['maxRenewals'];
  const ownApplies = own !== null && limits.some((limit) => limit === null || own <= limit);
  const deploymentApplies =
    typeof named === 'number' && limits.includes(named) && (own === null || named < own);
  if (detail['limit'] === 'lease' && ownApplies)
    return fieldsProblem(detail, { renewals, maxRenewals: own, limit: 'lease' });
  if (detail['limit'] === 'deployment' && deploymentApplies)
    return fieldsProblem(detail, { renewals, maxRenewals: named, limit: 'deployment' });
  const want = ownApplies ? `its own ${own}` : `the deployment's ${limits.join(' or ')}`;
  return `it names limit ${JSON.stringify(detail['limit'] ?? null)} ${JSON.stringify(named ?? null)}; the limit is ${want}`;
}

/** `replayed` (where the answer has it): the answer came from a record a read brought back, not from the op's own write. */
function replayProblem(detail: AnswerDetail, facts: OpFacts): string | null {
  if (detail['replayed'] === undefined) return null;
  return fieldsProblem(detail, { replayed: !facts.viewFromWrite });
}

/** A grant or renewal hands its caller the lease the record now holds. */
function leaseProblem(detail: AnswerDetail, view: LeaseRecord | null, op: Op): string | null {
  if (view === null || view.status !== 'held' || view.holder !== op.node)
    return `the ${op.kind} answered a lease, but the record it last saw is not held by ${op.node}`;
  return fieldsProblem(detail, {
    resource: view.resource,
    holder: view.holder,
    token: view.token,
    ttlMs: view.ttlMs,
    acquiredAtMs: view.acquiredAtMs,
    expiresAtMs: view.expiresAtMs,
    renewals: view.renewals,
    maxRenewals: view.maxRenewals,
    maxAgeMs: view.maxAgeMs,
  });
}

/**
 * Which grant ended, and why: the op's own grant (acquire) or the grant it acts on (renew). Still
 * held with that token: its time ran out; held with another: superseded; freed from it (or
 * force-released, which bumps the token once): released, force-released, or expired by a cleanup;
 * freed after a later grant: superseded.
 */
function expiredProblem(
  op: Op,
  detail: AnswerDetail,
  view: LeaseRecord | null | undefined,
  grantToken: number | null,
): string | null {
  if (grantToken === null) {
    // An acquire whose own write's outcome the record no longer remembers.
    return op.kind === 'acquire' ? fieldsProblem(detail, { reason: 'superseded' }) : null;
  }
  if (view === undefined || view === null) return null;
  return fieldsProblem(detail, { token: grantToken, reason: endReason(view, grantToken) });
}

function endReason(record: LeaseRecord, token: number): string {
  if (record.status === 'held') return record.token === token ? 'pastExpiry' : 'superseded';
  const freedThis =
    record.token === token || (record.freedBy === 'forceReleased' && record.token === token + 1);
  if (!freedThis) return 'superseded';
  return record.freedBy === 'expired' ? 'pastExpiry' : record.freedBy;
}

function fieldsProblem(
  detail: AnswerDetail,
  want: Readonly<Record<string, string | number | boolean | null>>,
): string | null {
  let agrees = true;
  // Checked before any array is made: this runs for every answer, and nearly every one agrees.
  for (const key in want) if (detail[key] !== want[key]) agrees = false;
  if (agrees) return null;
  return Object.entries(want)
    .filter(([key, value]) => detail[key] !== value)
    .map(
      ([key, value]) =>
        `${key} ${JSON.stringify(detail[key] ?? null)}, not ${JSON.stringify(value)}`,
    )
    .join('; ');
}
