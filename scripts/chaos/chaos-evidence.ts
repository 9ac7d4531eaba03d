import type { InvariantViolation, LeaseRecord } from '@leasehold/core';
import type { HistoryEntry } from '@leasehold/store';
import type { FencedLogEntry } from './fenced-resource';
import type { JournalEntry } from './journal';

/** Everything a finished chaos run left behind, read back from the real store and the nodes. */
export interface ChaosEvidence {
  readonly resources: readonly string[];
  /** The store's full history per resource, oldest first (`store.history`, every page). */
  readonly histories: ReadonlyMap<string, readonly HistoryEntry[]>;
  /** The store's record and version per resource after the run (`store.read`). */
  readonly finals: ReadonlyMap<string, FinalRecord>;
  /** Every node's journal (reads, compare-and-sets, beliefs, outcomes) and the driver's kills. */
  readonly journal: readonly JournalEntry[];
  /** Every decision of the fenced resource, in its order. */
  readonly fencedLog: readonly FencedLogEntry[];
  /** The liveness probe after the run (I-4), one per resource. */
  readonly probes: readonly ProbeResult[];
}

export interface FinalRecord {
  readonly record: LeaseRecord | null;
  readonly version: number;
}

export interface ProbeResult {
  readonly resource: string;
  readonly result: string;
  readonly waitedMs: number;
  readonly boundMs: number;
}

/**
 * A failed check. Invariant checks carry the invariant's id and name (CONSTRAINTS.md C-6); the
 * store checks that are not invariants of the model (history matches the writes nodes sent, final
 * records match history) use `S-` ids.
 */
export type ChaosViolation = InvariantViolation | StoreViolation;

export interface StoreViolation {
  readonly invariant: 'S-1' | 'S-2';
  readonly name: 'HistoryMatchesWrites' | 'FinalRecordsMatchHistory';
  readonly message: string;
}

/** One line of the report: what was checked, on how much, and how completely. */
export interface CheckLine {
  readonly id: string;
  readonly name: string;
  readonly coverage: 'checked' | 'partly checked' | 'not checked';
  readonly detail: string;
}
