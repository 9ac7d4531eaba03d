import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import type { Op } from '@leasehold/step';
import { JOURNAL_ENTRIES_MAX } from './limits';

/**
 * What each chaos node writes down as it runs, one JSON object per line. Times named `...SharedMs`
 * are on the host's monotonic clock (`shared-clock.ts`), the one true clock every process on this
 * machine shares; `wallMs` and `atMs` are wall-clock readings.
 */
export type JournalEntry =
  /** Written right after a store read returned, with the wall clock read then (I-4). */
  | {
      readonly e: 'read';
      readonly node: string;
      readonly resource: string;
      readonly record: LeaseRecord | null;
      readonly version: number;
      readonly wallMs: number;
    }
  /**
   * Written before a compare-and-set is sent, so a write that reached the store is always in some
   * journal, even when its process is killed before the reply (a SIGKILL does not lose a write(2)
   * that returned). The client decides and sends with no await in between, so `decidedAtSharedMs`
   * is the instant of the decision.
   */
  | {
      readonly e: 'cas';
      readonly node: string;
      readonly id: number;
      readonly resource: string;
      readonly expectedVersion: number;
      readonly record: LeaseRecord;
      readonly event: HistoryEvent;
      readonly decidedAtSharedMs: number;
      /** The node's wall clock when it sent the write (read by the recording store itself). */
      readonly wallMs?: number;
      /** The workload's logical operation the write belongs to (I-8; renew and release judged by it). */
      readonly op?: Op | null;
    }
  | {
      readonly e: 'casResult';
      readonly node: string;
      readonly id: number;
      readonly kind: 'ok' | 'conflict' | 'unavailable';
      readonly maybeApplied: boolean;
    }
  | {
      readonly e: 'outcome';
      readonly node: string;
      readonly op: 'acquire' | 'renew' | 'release' | 'probe';
      readonly resource: string;
      readonly result: string;
      readonly token: number | null;
    }
  /** The node believes it holds `token` from `fromSharedMs` (the reply) until `untilSharedMs`. */
  | {
      readonly e: 'believe';
      readonly node: string;
      readonly resource: string;
      readonly token: number;
      readonly fromSharedMs: number;
      readonly untilSharedMs: number;
    }
  /** The node stopped acting on `token` (before a release, on a failed renew, or abandoning it). */
  | {
      readonly e: 'stop';
      readonly node: string;
      readonly resource: string;
      readonly token: number;
      readonly atSharedMs: number;
    }
  | {
      readonly e: 'fenced';
      readonly node: string;
      readonly resource: string;
      readonly token: number;
      readonly result: 'accepted' | 'rejected' | 'unavailable';
    }
  /** Written by the driver when it SIGKILLs a node: every belief of that node ends here. */
  | { readonly e: 'kill'; readonly node: string; readonly atSharedMs: number };

export interface Journal {
  append(entry: JournalEntry): void;
}

/** Entries kept in memory, for nodes that run inside the driver's process (etcd). */
export class MemoryJournal implements Journal {
  readonly entries: JournalEntry[] = [];

  append(entry: JournalEntry): void {
    if (this.entries.length >= JOURNAL_ENTRIES_MAX) {
      throw new Error(`journal is full (${JOURNAL_ENTRIES_MAX} entries); shorten the run`);
    }
    this.entries.push(entry);
  }
}

/** One file per node process; each entry is a single synchronous append. */
export class FileJournal implements Journal {
  readonly #fd: number;

  constructor(path: string) {
    this.#fd = openSync(path, 'a');
  }

  append(entry: JournalEntry): void {
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

export const JOURNAL_SUFFIX = '.journal.jsonl';

/**
 * Every journal in `dir`, each file in its own order. A last line without its newline was cut by
 * a kill during the write and is dropped (counted in `cutLines`).
 */
export function readJournalDir(dir: string): { entries: JournalEntry[]; cutLines: number } {
  const entries: JournalEntry[] = [];
  let cutLines = 0;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(JOURNAL_SUFFIX))
    .sort();
  for (const name of files) {
    const text = readFileSync(join(dir, name), 'utf8');
    const lines = text.split('\n');
    const last = lines.pop();
    if (last !== undefined && last !== '') cutLines += 1;
    for (const line of lines) {
      if (entries.length >= JOURNAL_ENTRIES_MAX) {
        throw new Error(`journals hold more than ${JOURNAL_ENTRIES_MAX} entries; shorten the run`);
      }
      entries.push(JSON.parse(line) as JournalEntry);
    }
  }
  return { entries, cutLines };
}
