import { DEFAULT_CONFIG, type LeaseRecord } from '@leasehold/core';
import type { Op } from '@leasehold/step';
import { describe, expect, it } from 'vitest';
import { answerProblem, type AnswerContext, type OpFacts } from '../src/answer-validation';
import { modelRecord } from '../src/trace-validation';

/** Two nodes, n1 and n2; n1 answers. */
const NODES = ['n1', 'n2'];
const indexOf = (name: string): number => NODES.indexOf(name);
const WALL = 10_000;

function context(leaseToken: number | null): AnswerContext {
  return {
    node: 0,
    leaseToken,
    opGranted: false,
    config: DEFAULT_CONFIG,
    modelConfig: {
      name: 'trace',
      nodes: NODES.length,
      replicas: 0,
      ttlTicks: 1_000,
      graceTicks: DEFAULT_CONFIG.graceMs,
      skewTicksMax: DEFAULT_CONFIG.maxClockSkewMs,
      marginTicks: DEFAULT_CONFIG.safetyMarginMs,
      timeTicksMax: Number.MAX_SAFE_INTEGER,
      tokenMax: Number.MAX_SAFE_INTEGER,
      clockJumps: true,
      allOffsets: true,
      bug: 'none',
    },
    seen: (record) => modelRecord(record, 0, false, indexOf),
  };
}

function op(kind: Op['kind']): Op {
  return {
    id: 7,
    kind,
    node: 'n1',
    resource: 'r',
    ttlMs: kind === 'renew' ? 1_000 : null,
    leaseOp: kind === 'renew' || kind === 'release' ? 3 : null,
    expectedHolder: null,
    requestId: null,
  };
}

function facts(record: LeaseRecord | null, ownWrite: LeaseRecord | null = null): OpFacts {
  return {
    lastRead: { record, wallMs: WALL, opGranted: false },
    applied: ownWrite !== null,
    indeterminate: false,
    calls: 2,
    view: record,
    viewFromWrite: false,
    ownWrite,
    tokenFloor: undefined,
  };
}

const base = { resource: 'r', updatedAtMs: WALL - 1, recentGrants: [] } as const;

function free(
  lastHolder: string,
  token: number,
  freedBy: 'released' | 'forceReleased' | 'expired',
  requestId = 'q',
): LeaseRecord {
  return { ...base, status: 'free', lastHolder, token, freedBy, requestId };
}

function held(holder: string, token: number, expiresAtMs: number): LeaseRecord {
  return {
    ...base,
    status: 'held',
    holder,
    token,
    requestId: 'q',
    ownerKey: 'k',
    ttlMs: 1_000,
    acquiredAtMs: expiresAtMs - 1_000,
    expiresAtMs,
    renewals: 0,
    maxRenewals: null,
    maxAgeMs: null,
  };
}

describe('answers to repeated calls: the retry contract', () => {
  it('a release that reads its own grant ended answers released, never notHolder', () => {
    const ended = facts(free('n1', 5, 'released'));
    expect(answerProblem(op('release'), 'released', ended, context(5))).toBeNull();
    expect(answerProblem(op('release'), 'notHolder', ended, context(5))).toMatch(
      /answers released/,
    );
  });

  it('a release that reads a record freed from another grant answers notHolder', () => {
    const other = facts(free('n2', 5, 'released'));
    expect(answerProblem(op('release'), 'notHolder', other, context(5))).toBeNull();
    expect(answerProblem(op('release'), 'released', other, context(5))).toMatch(/not freed/);
    const later = facts(free('n1', 6, 'released'));
    expect(answerProblem(op('release'), 'released', later, context(5))).toMatch(/not freed/);
  });

  it('a force-release that reads back its own write answers forceReleased, never notHeld', () => {
    const own = free('n2', 6, 'forceReleased', 'mine');
    const seen = facts(own, own);
    expect(answerProblem(op('forceRelease'), 'forceReleased', seen, context(null))).toBeNull();
    expect(answerProblem(op('forceRelease'), 'notHeld', seen, context(null))).toMatch(
      /own force-release/,
    );
  });

  it("a force-release never claims another's force-release as its own", () => {
    const theirs = facts(free('n2', 6, 'forceReleased', 'theirs'));
    expect(answerProblem(op('forceRelease'), 'notHeld', theirs, context(null))).toBeNull();
    expect(answerProblem(op('forceRelease'), 'forceReleased', theirs, context(null))).toMatch(
      /no write of its own/,
    );
  });
});

describe('a refused renew: expired where its grant ended, notHolder where another holds it', () => {
  it.each<[string, LeaseRecord | null, 'expired' | 'notHolder']>([
    ['released by its holder', free('n1', 5, 'released'), 'expired'],
    ['force-released', free('n1', 6, 'forceReleased'), 'expired'],
    ['past its expiry on the holder’s wall clock', held('n1', 5, WALL), 'expired'],
    ['superseded by the same node’s later grant', held('n1', 6, WALL + 500), 'expired'],
    ['held by another node', held('n2', 6, WALL + 500), 'notHolder'],
    ['freed from another node’s grant', free('n2', 6, 'released'), 'notHolder'],
    ['no record', null, 'notHolder'],
  ])('%s: %s', (_what, record, answer) => {
    const other = answer === 'expired' ? 'notHolder' : 'expired';
    expect(answerProblem(op('renew'), answer, facts(record), context(5))).toBeNull();
    expect(answerProblem(op('renew'), other, facts(record), context(5))).not.toBeNull();
  });
});

describe('answers only the service gives', () => {
  it('an acquire refused as superseded: only where the record was granted from its token floor on and forgot it', () => {
    const later = { ...held('n2', 9, WALL + 5_000), recentGrants: [{ token: 8, requestId: 'x' }] };
    const floored = (tokenFloor: number | undefined, record: LeaseRecord): OpFacts => ({
      ...facts(record),
      tokenFloor,
    });
    expect(answerProblem(op('acquire'), 'expired', floored(6, later), context(null))).toBeNull();
    // Every grant from the floor on is still remembered: not one of them was this request's.
    expect(answerProblem(op('acquire'), 'expired', floored(8, later), context(null))).toMatch(
      /model decides held/,
    );
    // Not granted since the floor, or no floor sent: held, as ever.
    expect(answerProblem(op('acquire'), 'expired', floored(10, later), context(null))).toMatch(
      /model decides held/,
    );
    expect(
      answerProblem(op('acquire'), 'expired', floored(undefined, later), context(null)),
    ).toMatch(/model decides held/);
  });

  it('a renewal skipped for its min interval: only while the grant is live in the record', () => {
    expect(
      answerProblem(op('renew'), 'skipped', facts(held('n1', 5, WALL + 1)), context(5)),
    ).toBeNull();
    for (const record of [held('n1', 5, WALL), held('n2', 6, WALL + 500), held('n1', 6, WALL + 9)])
      expect(answerProblem(op('renew'), 'skipped', facts(record), context(5))).toMatch(/live/);
  });
});
