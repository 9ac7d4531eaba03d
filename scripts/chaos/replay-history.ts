import {
  violation,
  type HistoryEvent,
  type InvariantViolation,
  type LeaseRecord,
} from '@leasehold/core';
import type { Checker } from '@leasehold/sim';
import type { HistoryEntry } from '@leasehold/store';
import type { ChaosEvidence, ChaosViolation } from './chaos-evidence';
import type { JournalEntry } from './journal';

export type CasEntry = Extract<JournalEntry, { e: 'cas' }>;
type CasResultEntry = Extract<JournalEntry, { e: 'casResult' }>;

/** One write the store applied, with the full records around it and when it was decided. */
export interface AppliedWrite {
  readonly resource: string;
  readonly version: number;
  readonly before: LeaseRecord | null;
  readonly after: LeaseRecord;
  readonly event: HistoryEntry;
  readonly decidedAtSharedMs: number;
}

export interface ReplayCounts {
  writes: number;
  grants: number;
  renewals: number;
  refusedWrites: number;
  finals: number;
}

export interface Replay {
  readonly applied: AppliedWrite[];
  readonly violations: ChaosViolation[];
  readonly counts: ReplayCounts;
}

function eventKey(resource: string, expectedVersion: number, event: HistoryEvent): string {
  const { kind, holder, token, atMs, requestId, previousHolder } = event;
  return JSON.stringify([
    resource,
    expectedVersion,
    kind,
    holder,
    token,
    atMs,
    requestId,
    previousHolder,
  ]);
}

function casId(entry: { node: string; id: number }): string {
  return `${entry.node}#${entry.id}`;
}

/**
 * Replays the store's history through the simulator's checker (`beforeWrite` runs just before each
 * write is applied, while the checker still holds the record that write replaced). A history event carries no expiry
 * or TTL, so each one is matched with the compare-and-set a node sent for it (same resource,
 * expected version one below, same event): that write's record is the record after the event, and
 * the previous event's is the record before it. The checker then judges each write as it judges
 * the simulator's, from facts: which node sent it, under which logical op, with which wall clock
 * reading (I-3, I-5, I-7, I-8), never from the event itself.
 * Then: every write the store refused is absent from history (I-3, failed mutations change
 * nothing), every write it acknowledged is present (S-1), grants carry strictly increasing tokens
 * (I-5), and the final records are the last written ones (S-2).
 */
export function replayHistory(
  evidence: ChaosEvidence,
  checker: Checker,
  beforeWrite: (write: CasEntry) => void = () => undefined,
): Replay {
  const sent = new Map<string, CasEntry[]>();
  const results = new Map<string, CasResultEntry>();
  for (const entry of evidence.journal) {
    if (entry.e === 'cas') {
      const key = eventKey(entry.resource, entry.expectedVersion, entry.event);
      const list = sent.get(key) ?? [];
      list.push(entry);
      sent.set(key, list);
    } else if (entry.e === 'casResult') {
      results.set(casId(entry), entry);
    }
  }
  const replay: Replay = {
    applied: [],
    violations: [],
    counts: { writes: 0, grants: 0, renewals: 0, refusedWrites: 0, finals: 0 },
  };
  const appliedIds = new Set<string>();
  for (const resource of evidence.resources) {
    replayResource(resource, evidence, checker, { sent, results, appliedIds }, replay, beforeWrite);
  }
  checkUnappliedResults(results, appliedIds, sent, replay);
  return replay;
}

interface Matching {
  readonly sent: ReadonlyMap<string, CasEntry[]>;
  readonly results: ReadonlyMap<string, CasResultEntry>;
  readonly appliedIds: Set<string>;
}

function refused(result: CasResultEntry | undefined): boolean {
  if (result === undefined) return false;
  return result.kind === 'conflict' || (result.kind === 'unavailable' && !result.maybeApplied);
}

function replayResource(
  resource: string,
  evidence: ChaosEvidence,
  checker: Checker,
  matching: Matching,
  replay: Replay,
  beforeWrite: (write: CasEntry) => void,
): void {
  const history = evidence.histories.get(resource) ?? [];
  let before: LeaseRecord | null = null;
  let grantTokenMax = 0;
  for (const [index, event] of history.entries()) {
    const version = index + 1;
    const candidates = matching.sent.get(eventKey(resource, version - 1, event)) ?? [];
    const written = matchWrite(resource, version, event, candidates, matching, replay);
    if (written === null) return;
    replay.counts.writes += 1;
    beforeWrite(written);
    applyWrite(checker, written, before, version, replay.counts.writes);
    if (event.kind === 'granted') {
      replay.counts.grants += 1;
      const order = checkGrantOrder(event, grantTokenMax);
      if (order) replay.violations.push(order);
      grantTokenMax = Math.max(grantTokenMax, event.token);
    }
    if (event.kind === 'renewed') replay.counts.renewals += 1;
    replay.applied.push({
      resource,
      version,
      before,
      after: written.record,
      event,
      decidedAtSharedMs: written.decidedAtSharedMs,
    });
    before = written.record;
  }
  checkFinal(resource, evidence, history.length, before, replay);
}

/**
 * One applied write as the checker's steps: the op it belonged to, the call as its node sent it
 * (wall clock read by the recording store; on one host wall time is the true time, so the checker
 * runs with an epoch of 0), and the store's record before and after. What the checker finds is
 * in its `found` list.
 */
function applyWrite(
  checker: Checker,
  write: CasEntry,
  before: LeaseRecord | null,
  version: number,
  call: number,
): void {
  const atMs = write.wallMs ?? write.decidedAtSharedMs;
  const op = write.op ?? null;
  if (op !== null) checker.onStep({ kind: 'begin', step: call, atMs, op });
  checker.onStep({
    kind: 'call',
    step: call,
    atMs,
    node: write.node,
    inc: 0,
    call,
    op: op?.id ?? null,
    req: 'cas',
    resource: write.resource,
    wallMs: atMs,
    monoMs: 0,
    expectedVersion: version - 1,
    proposed: write.record,
    copies: 1,
    origin: null,
  });
  checker.onStep({
    kind: 'apply',
    step: call,
    atMs,
    call,
    node: write.node,
    req: 'cas',
    resource: write.resource,
    copy: 0,
    outcome: 'ok',
    before,
    after: write.record,
    versionBefore: version - 1,
    versionAfter: version,
  });
}

/** The write a node sent for one history event, or null (reported) when there is none. */
function matchWrite(
  resource: string,
  version: number,
  event: HistoryEntry,
  candidates: readonly CasEntry[],
  matching: Matching,
  replay: Replay,
): CasEntry | null {
  const what = `history event ${version} of ${JSON.stringify(resource)} (${event.kind} by ${event.holder}, token ${event.token}, seq ${event.seq})`;
  // A write answered `conflict` or `unavailable` before it was applied cannot be this event; if
  // only such writes match, the store applied a write it reported as refused (I-3).
  const possible = candidates.filter((c) => !refused(matching.results.get(casId(c))));
  if (possible.length === 0 && candidates.length > 0) {
    const first = candidates[0]!;
    const result = matching.results.get(casId(first))?.kind ?? '?';
    replay.violations.push(
      violation('I-3', `${what} was applied, but its compare-and-set answered ${result}`),
    );
    matching.appliedIds.add(casId(first));
    return first;
  }
  const first = possible[0];
  if (first === undefined) {
    replay.violations.push({
      invariant: 'S-1',
      name: 'HistoryMatchesWrites',
      message: `${what} matches no compare-and-set any node sent; replay of this resource stops here`,
    });
    return null;
  }
  if (possible.some((c) => JSON.stringify(c.record) !== JSON.stringify(first.record))) {
    replay.violations.push({
      invariant: 'S-1',
      name: 'HistoryMatchesWrites',
      message: `${what} matches writes of different records; replay of this resource stops here`,
    });
    return null;
  }
  for (const c of possible) matching.appliedIds.add(casId(c));
  return first;
}

/** I-5, stated directly on the history: each grant's token is above every earlier grant's. */
function checkGrantOrder(event: HistoryEntry, grantTokenMax: number): InvariantViolation | null {
  if (event.token > grantTokenMax) return null;
  return violation(
    'I-5',
    `grant of ${JSON.stringify(event.resource)} to ${event.holder} (seq ${event.seq}) has token ${event.token}, not above ${grantTokenMax} granted before`,
  );
}

function checkFinal(
  resource: string,
  evidence: ChaosEvidence,
  historyLength: number,
  lastWritten: LeaseRecord | null,
  replay: Replay,
): void {
  const final = evidence.finals.get(resource);
  replay.counts.finals += 1;
  const what = `final record of ${JSON.stringify(resource)}`;
  if (final === undefined) {
    replay.violations.push(finalViolation(`${what} could not be read`));
  } else if (final.version !== historyLength) {
    replay.violations.push(
      finalViolation(`${what} has version ${final.version}, history has ${historyLength} events`),
    );
  } else if (JSON.stringify(final.record) !== JSON.stringify(lastWritten)) {
    replay.violations.push(
      finalViolation(`${what} differs from the record its last history event wrote`),
    );
  }
}

function finalViolation(message: string): ChaosViolation {
  return { invariant: 'S-2', name: 'FinalRecordsMatchHistory', message };
}

/** Writes the store acknowledged must be in history; writes it refused must not (see above). */
function checkUnappliedResults(
  results: ReadonlyMap<string, CasResultEntry>,
  appliedIds: ReadonlySet<string>,
  sent: ReadonlyMap<string, CasEntry[]>,
  replay: Replay,
): void {
  for (const list of sent.values()) {
    for (const entry of list) {
      const id = casId(entry);
      const result = results.get(id);
      if (refused(result)) replay.counts.refusedWrites += 1;
      if (result?.kind !== 'ok' || appliedIds.has(id)) continue;
      replay.violations.push({
        invariant: 'S-1',
        name: 'HistoryMatchesWrites',
        message: `${entry.node}'s ${entry.event.kind} of ${JSON.stringify(entry.resource)} at version ${entry.expectedVersion + 1} was acknowledged but is not in the store's history`,
      });
    }
  }
}
