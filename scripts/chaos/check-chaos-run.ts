import { checkAcquiredWithin, violation, type LeaseConfig } from '@leasehold/core';
import { Checker } from '@leasehold/sim';
import type { ChaosEvidence, ChaosViolation, CheckLine } from './chaos-evidence';
import { checkBeliefs } from './check-beliefs';
import { replayHistory } from './replay-history';

export interface ChaosCheck {
  readonly lines: readonly CheckLine[];
  readonly violations: readonly ChaosViolation[];
  /** Grants, renewals, ... as recorded by the store, for the summary. */
  readonly figures: Readonly<Record<string, number>>;
}

/**
 * Checks a finished chaos run with the simulator's checker and the core's predicates: the store's
 * history (I-3, I-5, I-7, I-8, S-1, S-2), the fenced resource's log (I-6), the beliefs the nodes
 * journaled on the host's one clock (I-1, I-2 where observable, I-4 safety), and the liveness
 * probe (I-4). Pure: the drivers gather the evidence, tests hand it broken evidence.
 */
export function checkChaosRun(evidence: ChaosEvidence, config: LeaseConfig): ChaosCheck {
  const checker = new Checker(config);
  const replay = replayHistory(evidence, checker);
  const violations: ChaosViolation[] = [...replay.violations];
  let accepted = 0;
  for (const write of evidence.fencedLog) {
    if (write.accepted) accepted += 1;
    const found = checker.onFencedWrite(write.resource, write.writer, write.token, write.accepted);
    if (found) violations.push(found);
  }
  const beliefs = checkBeliefs(evidence.journal, replay.applied, checker);
  violations.push(...beliefs.violations);
  for (const probe of evidence.probes) {
    const found =
      probe.result === 'granted'
        ? checkAcquiredWithin(probe.resource, probe.waitedMs, probe.boundMs)
        : violation(
            'I-4',
            `liveness probe of ${JSON.stringify(probe.resource)} was answered ${probe.result} after ${probe.waitedMs} ms (bound ${probe.boundMs} ms)`,
          );
    if (found) violations.push(found);
  }
  const c = replay.counts;
  const b = beliefs.counts;
  const fenced = evidence.fencedLog.length;
  const lines: CheckLine[] = [
    line(
      'I-1',
      'LeaseUniqueness',
      'checked',
      `${b.spans} belief spans on the host's monotonic clock, none overlapping another node's`,
    ),
    line(
      'I-2',
      'BeliefConsistency',
      'partly checked',
      `every believer against the exact store record at ${b.consistencyInstants} write decisions; not observable between them`,
    ),
    line(
      'I-3',
      'RenewalRequiresOwnership',
      'checked',
      `${c.renewals} renewals replayed; ${c.refusedWrites} refused compare-and-sets absent from history`,
    ),
    line(
      'I-4',
      'ExpiredLeaseClaimable',
      'checked',
      `${b.heldAnswers} held answers against the record read; ${evidence.probes.length} liveness probes after the run`,
    ),
    line(
      'I-5',
      'FencingMonotonic',
      'checked',
      `${c.writes} writes replayed, ${c.grants} grants with strictly increasing tokens`,
    ),
    line(
      'I-6',
      'FencedResourceSafety',
      'checked',
      `${fenced} fenced writes (${accepted} accepted, ${fenced - accepted} rejected)`,
    ),
    line(
      'I-7',
      'NoResurrection',
      'checked',
      `${c.renewals} renewals against the record they replaced`,
    ),
    line('I-8', 'IdempotentAcquire', 'checked', `${c.grants} grants, request ids unique`),
    line(
      'S-1',
      'HistoryMatchesWrites',
      'checked',
      `${c.writes} history events matched with the writes nodes sent`,
    ),
    line('S-2', 'FinalRecordsMatchHistory', 'checked', `${c.finals} final records`),
  ];
  const figures = {
    writes: c.writes,
    grants: c.grants,
    renewals: c.renewals,
    refusedWrites: c.refusedWrites,
    fencedWrites: fenced,
    fencedRejected: fenced - accepted,
    beliefSpans: b.spans,
  };
  return { lines, violations, figures };
}

function line(
  id: string,
  name: string,
  coverage: CheckLine['coverage'],
  detail: string,
): CheckLine {
  return { id, name, coverage, detail };
}
