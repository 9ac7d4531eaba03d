import {
  checkHeldAnswer,
  checkLeaseUniqueness,
  type Belief,
  type TimeBounds,
} from '@leasehold/sim';
import type { ChaosViolation } from './chaos-evidence';
import type { JournalEntry } from './journal';
import { CLOCK_TOLERANCE_MS } from './limits';

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
 * I-1 and I-4 (safety half) as far as real time lets us see them, and the believers I-2 is judged
 * on. All nodes run on one host, so the host's monotonic clock is the true clock and every wall
 * clock reads the same (no skew).
 * - I-1: at the start of every belief span, no other node's span covers that instant.
 * - I-4: a `held` answer is checked against the record the node had just read and the wall clock
 *   read right after (the checker's own claimability rule).
 * - I-2: `believersAt` gives the spans running at an instant; the replay asks it at each applied
 *   write's decision, where the store's record is known exactly (between the writer's read and its
 *   successful compare-and-set the version did not move), and hands them to the checker. Between
 *   those instants I-2 is not observed.
 */
export function checkBeliefs(
  journal: readonly JournalEntry[],
  bounds: TimeBounds,
): {
  violations: ChaosViolation[];
  counts: BeliefCounts;
  believersAt: (resource: string, atSharedMs: number) => Belief[];
} {
  const spans = beliefSpans(journal);
  const violations: ChaosViolation[] = [];
  const counts: BeliefCounts = {
    spans: spans.length,
    uniquenessInstants: 0,
    consistencyInstants: 0,
    heldAnswers: 0,
  };
  for (const resource of new Set(spans.map((s) => s.resource))) {
    checkUniqueness(
      spans.filter((s) => s.resource === resource),
      counts,
      violations,
    );
  }
  const lastRead = new Map<string, Extract<JournalEntry, { e: 'read' }>>();
  for (const entry of journal) {
    if (entry.e === 'read') lastRead.set(`${entry.node}\u0000${entry.resource}`, entry);
    if (entry.e !== 'outcome' || entry.op !== 'acquire' || entry.result !== 'held') continue;
    const read = lastRead.get(`${entry.node}\u0000${entry.resource}`);
    if (read === undefined) continue;
    counts.heldAnswers += 1;
    // Real wall clocks: times stay epoch milliseconds.
    const found = checkHeldAnswer(entry.node, read.record, read.wallMs, bounds, 0);
    if (found) violations.push(found);
  }
  const believersAt = (resource: string, atSharedMs: number): Belief[] => {
    counts.consistencyInstants += 1;
    return spans
      .filter(
        (s) =>
          s.resource === resource &&
          s.fromSharedMs + CLOCK_TOLERANCE_MS <= atSharedMs &&
          atSharedMs < s.untilSharedMs - CLOCK_TOLERANCE_MS,
      )
      .map(({ node, token }) => ({ node, resource, token }));
  };
  return { violations, counts, believersAt };
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
    const found = checkLeaseUniqueness([...others, span], () => true);
    if (found) violations.push(found);
    active.push(span);
  }
}
