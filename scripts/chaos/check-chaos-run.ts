import { violation, type LeaseConfig } from '@leasehold/core';
import { Checker } from '@leasehold/sim';
import { CHAOS_SETTINGS } from './chaos-config';
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
 * Checks a finished chaos run with the simulator's checker: the store's history replayed as the
 * checker's steps (I-2 at every write's decision, I-3, I-5, I-7, I-8; S-1, S-2 for the store),
 * the fenced resource's log (I-6), the beliefs the nodes journaled on the host's one clock (I-1,
 * I-4 safety), and the liveness probe (I-4). Pure: the drivers gather the evidence, tests hand it
 * broken evidence.
 */
export function checkChaosRun(evidence: ChaosEvidence, config: LeaseConfig): ChaosCheck {
  const bounds = {
    graceMs: config.graceMs,
    skewMs: config.maxClockSkewMs,
    marginMs: config.safetyMarginMs,
    driftPpm: config.clockDriftPpmMax,
  };
  const checker = new Checker({ bounds, ttlMsMax: Math.max(...CHAOS_SETTINGS.ttlMs), epochMs: 0 });
  const beliefs = checkBeliefs(evidence.journal, bounds);
  const replay = replayHistory(evidence, checker, (write) => {
    const believers = beliefs.believersAt(write.resource, write.decidedAtSharedMs);
    checker.onBeliefs(believers, write.wallMs ?? write.decidedAtSharedMs);
  });
  let accepted = 0;
  evidence.fencedLog.forEach((write, i) => {
    if (write.accepted) accepted += 1;
    const { resource, writer, token } = write;
    const step = replay.counts.writes + i + 1;
    checker.onStep({
      kind: 'fence',
      step,
      atMs: 0,
      node: writer,
      resource,
      token,
      accepted: write.accepted,
    });
  });
  const violations: ChaosViolation[] = [
    ...replay.violations,
    ...checker.found,
    ...beliefs.violations,
  ];
  for (const probe of evidence.probes) {
    if (probe.result === 'granted' && probe.waitedMs <= probe.boundMs) continue;
    const what =
      probe.result === 'granted'
        ? `waited ${probe.waitedMs} ms`
        : `was answered ${probe.result} after ${probe.waitedMs} ms`;
    violations.push(
      violation(
        'I-4',
        `liveness probe of ${JSON.stringify(probe.resource)} ${what} (bound ${probe.boundMs} ms)`,
      ),
    );
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
