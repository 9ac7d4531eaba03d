import { accessSync, constants, mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import {
  MemoryStore,
  type CasResult,
  type LeaseStore,
  type PowerLoss,
  type ReadResult,
  type RecoveryRule,
} from '@leasehold/store';
import { openSqliteStore } from '@leasehold/store-sqlite';
import {
  SCRATCH_BYTES_MIN,
  STORE_CEILING_STEP,
  STORE_HISTORY_EVENTS_MAX,
  STORE_UNSYNCED_COMMITS_MAX,
} from './limits.js';
import { EPOCH_MS } from './scheduler.js';

/** What a store keeps of each resource's history, as the end-of-run audit holds it to. */
export type HistoryRetention =
  /** The newest events, at least `eventsMin` of them (or all) and fewer than twice as many. */
  | { readonly kind: 'newest'; readonly eventsMin: number }
  /** Every event, until pruned. */
  | { readonly kind: 'all' };

/**
 * A store adapter as the simulator runs it: the world's store process, in this process. The
 * adapter answers each request at once (its calls are synchronous underneath), so a request is
 * handled at one simulated instant; and the world reads the adapter's state back before and after
 * every request, to judge what it did rather than what it answered. `MemoryStore` and
 * `SqliteStore` are simulated this way in every sweep; a user's adapter is, by implementing this
 * (an `Implementation`'s `createStore`).
 */
export interface SimulatedStore {
  /** What the adapter is, in reports (`memory`, `sqlite`, a user's name). */
  readonly name: string;
  /** The adapter itself, as clients and the end-of-run audit use it (listing, history, settings). */
  readonly store: LeaseStore;
  /** The adapter's read, answered at once. */
  readNow(resource: string): ReadResult;
  /** The adapter's compare-and-set, answered at once. */
  compareAndSetNow(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): CasResult;
  /** The record and version the adapter holds for `resource` now. */
  readBack(resource: string): { readonly record: LeaseRecord | null; readonly version: number };
  readonly retention: HistoryRetention;
  /** Power loss, for a store that models unsynced commits (the memory store, in its scenarios). */
  readonly powerLoss: {
    unsyncedCommits(): number;
    lose(keep: number, atMs: number, ownerKey: string): PowerLoss;
  } | null;
  /** After the run: closes the adapter and removes what it wrote. */
  close(): void;
}

/** The memory store, with power loss when `powerLoss` (its recovery from `recovery`). */
export function memorySimulatedStore(
  powerLoss: boolean,
  recovery: RecoveryRule | undefined,
): SimulatedStore {
  const store = new MemoryStore({
    historyEntriesMax: STORE_HISTORY_EVENTS_MAX,
    ...(powerLoss
      ? { unsyncedCommitsMax: STORE_UNSYNCED_COMMITS_MAX, ceilingStep: STORE_CEILING_STEP }
      : {}),
    ...(recovery === undefined ? {} : { recoveryRule: recovery }),
  });
  return {
    name: 'memory',
    store,
    readNow: (resource) => store.readNow(resource),
    compareAndSetNow: (resource, version, record, event) =>
      store.compareAndSetNow(resource, version, record, event),
    readBack: (resource) => readBackOf(store.readNow(resource), 'MemoryStore'),
    retention: { kind: 'newest', eventsMin: STORE_HISTORY_EVENTS_MAX },
    powerLoss: powerLoss
      ? {
          unsyncedCommits: () => store.unsyncedCommits(),
          lose: (keep, atMs, ownerKey) => store.powerLoss(keep, atMs, ownerKey),
        }
      : null,
    close: () => undefined,
  };
}

/** Linux's memory-backed file system, where the system has one. */
const MEMORY_DIR = '/dev/shm';
let scratch: string | null = null;

/**
 * Where a run's SQLite file goes: memory-backed storage where the system offers it (nothing of
 * the file outlives the run, and every commit written to a disk made a SQLite seed cost several
 * times a memory-store seed), else the system's temporary directory.
 */
function scratchDir(): string {
  if (scratch !== null) return scratch;
  try {
    if (!statSync(MEMORY_DIR).isDirectory()) throw new Error('not a directory');
    accessSync(MEMORY_DIR, constants.W_OK);
    const space = statfsSync(MEMORY_DIR);
    if (space.bavail * space.bsize < SCRATCH_BYTES_MIN) throw new Error('too small');
    scratch = MEMORY_DIR;
  } catch {
    scratch = tmpdir();
  }
  return scratch;
}

/**
 * `SqliteStore` over a file of its own in a scratch directory (`scratchDir`), removed after the
 * run: its real transaction code (key encoding, record codec, ceilings, history rows) answers
 * every request. Commits are not synced (nothing here loses power), the boot id is fixed and its
 * clock is the run's start, so the same run writes the same file.
 */
export function sqliteSimulatedStore(): SimulatedStore {
  const dir = mkdtempSync(join(scratchDir(), 'leasehold-sim-'));
  const opened = openSqliteStore(join(dir, 'leases.db'), {
    synchronous: 'normal',
    bootId: 'leasehold-sim',
    wallMs: () => EPOCH_MS,
  });
  if (opened.kind === 'refused') {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the simulator could not open its SQLite store: ${opened.reason}`);
  }
  const store = opened.store;
  return {
    name: 'sqlite',
    store,
    readNow: (resource) => store.readNow(resource),
    compareAndSetNow: (resource, version, record, event) =>
      store.compareAndSetNow(resource, version, record, event),
    readBack: (resource) => readBackOf(store.readNow(resource), 'SqliteStore'),
    retention: { kind: 'all' },
    powerLoss: null,
    close: () => {
      // Synchronous underneath: the file is closed when this returns.
      void store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readBackOf(
  read: ReadResult,
  adapter: string,
): { readonly record: LeaseRecord | null; readonly version: number } {
  if (read.kind !== 'ok') throw new Error(`${adapter} could not be read back: ${read.reason}`);
  return { record: read.record, version: read.version };
}
