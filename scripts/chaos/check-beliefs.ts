import { checkLeaseUniqueness, type Belief } from '@leasehold/core';
import type { Checker } from '@leasehold/sim';
import type { ChaosViolation } from './chaos-evidence';
import type { JournalEntry } from './journal';
import { CLOCK_TOLERANCE_MS } from './limits';
import type { AppliedWrite } from './replay-history';

/** A stretch of shared time in which a node believed it held a lease under one token. */
export interface BeliefSpan extends Belief {
  readonly fromSharedMs: number;
  readonly untilSharedMs: number;
}

export interface BeliefCounts {
  spans: number;
  /** Instants at which I-1 was checked: each belief's start. */
  uniquenessInstants: number;
  /** Instants at which the store's record is known exactly (each applied write's decision). */
  consistencyInstants: number;
  /** `held` answers checked against the record the node had just read (I-4). */
  heldAnswers: number;
}

/**
 * Belief spans from the journals: each grant or renewal starts one at its reply and ends it when
 * the client's belief runs out, or earlier when the node stopped acting on the lease or was killed.
 */
export function beliefSpans(journal: readonly JournalEntry[]): BeliefSpan[] {
  const ends = new Map<string, number>();
  const killedAt = new Map<string, number>();
  for (const entry of journal) {
    if (entry.e === 'stop') {
      const key = spanKey(entry.node, entry.resource, entry.token);
      ends.set(key, Math.min(ends.get(key) ?? Infinity, entry.atSharedMs));
    } else if (entry.e === 'kill') {
      killedAt.set(entry.node, Math.min(killedAt.get(entry.node) ?? Infinity, entry.atSharedMs));
    }
  }
  const spans: BeliefSpan[] = [];
  for (const entry of journal) {
    if (entry.e !== 'believe') continue;
    const stopped = ends.get(spanKey(entry.node, entry.resource, entry.token)) ?? Infinity;
    const killed = killedAt.get(entry.node) ?? Infinity;
    const untilSharedMs = Math.min(entry.untilSharedMs, stopped, killed);
    if (untilSharedMs <= entry.fromSharedMs) continue;
    const { node, resource, token, fromSharedMs } = entry;
    spans.push({ node, resource, token, fromSharedMs, untilSharedMs });
  }
  return spans.sort((a, b) => a.fromSharedMs - b.fromSharedMs);
}

function spanKey(node: string, resource: string, token: number): string {
  return JSON.stringify([node, resource, token]);
}

/**
 * I-1, I-2 and I-4 (safety half) as far as real time lets us see them. All nodes run on one host,
 * so the host's monotonic clock is the true clock and every wall clock reads the same (no skew).
 * - I-1: at the start of every belief span, no other node's span covers that instant.
 * - I-2: the store's record is known exactly only at the instant each applied write was decided
 *   (between the writer's read and its successful compare-and-set the version did not move), so
 *   there every believer is checked against that record and that wall clock reading
 *   (`Checker.onInstant`). Between those instants I-2 is not observed.
 * - I-4: a `held` answer is checked against the record the node had just read and the wall clock
 *   read right after (`Checker.onAcquireAnswer`).
 */
export function checkBeliefs(
  journal: readonly JournalEntry[],
  applied: readonly AppliedWrite[],
  checker: Checker,
): { violations: ChaosViolation[]; counts: BeliefCounts } {
  const spans = beliefSpans(journal);
  const violations: ChaosViolation[] = [];
  const counts: BeliefCounts = {
    spans: spans.length,
    uniquenessInstants: 0,
    consistencyInstants: 0,
    heldAnswers: 0,
  };
  for (const resource of new Set(spans.map((s) => s.resource))) {
    const ofResource = spans.filter((s) => s.resource === resource);
    const writes = applied
      .filter((w) => w.resource === resource)
      .sort((a, b) => a.decidedAtSharedMs - b.decidedAtSharedMs);
    checkUniqueness(ofResource, counts, violations);
    checkConsistency(ofResource, writes, checker, violations);
  }
  counts.consistencyInstants = applied.length;
  const lastRead = new Map<string, Extract<JournalEntry, { e: 'read' }>>();
  for (const entry of journal) {
    if (entry.e === 'read') lastRead.set(`${entry.node}\u0000${entry.resource}`, entry);
    if (entry.e !== 'outcome' || entry.op !== 'acquire' || entry.result !== 'held') continue;
    const read = lastRead.get(`${entry.node}\u0000${entry.resource}`);
    if (read === undefined) continue;
    counts.heldAnswers += 1;
    const found = checker.onAcquireAnswer(read.record, read.wallMs, entry.result);
    if (found) violations.push(found);
  }
  return { violations, counts };
}

/**
 * I-1 at the start of every span (spans sorted by start): no span of another node that began no
 * later still runs past it by more than the measurement slack. Spans that begin later are checked
 * at their own start.
 */
function checkUniqueness(
  spans: readonly BeliefSpan[],
  counts: BeliefCounts,
  violations: ChaosViolation[],
): void {
  let active: BeliefSpan[] = [];
  for (const span of spans) {
    counts.uniquenessInstants += 1;
    active = active.filter((o) => span.fromSharedMs < o.untilSharedMs - CLOCK_TOLERANCE_MS);
    const others = active.filter((o) => o.node !== span.node);
    const found = checkLeaseUniqueness([...others, span]);
    if (found) violations.push(found);
    active.push(span);
  }
}

/** I-2 at each applied write's decision instant, against the record that write replaced. */
function checkConsistency(
  spans: readonly BeliefSpan[],
  writes: readonly AppliedWrite[],
  checker: Checker,
  violations: ChaosViolation[],
): void {
  let next = 0;
  let active: BeliefSpan[] = [];
  for (const write of writes) {
    const atSharedMs = write.decidedAtSharedMs;
    while (next < spans.length && spans[next]!.fromSharedMs + CLOCK_TOLERANCE_MS <= atSharedMs) {
      active.push(spans[next]!);
      next += 1;
    }
    active = active.filter((s) => atSharedMs < s.untilSharedMs - CLOCK_TOLERANCE_MS);
    const believers = active.map(({ node, resource, token }) => ({ node, resource, token }));
    const found = checker.onInstant(believers, () => write.before, write.event.atMs);
    if (found) violations.push(found);
  }
}
