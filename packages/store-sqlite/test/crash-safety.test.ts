import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEntry } from '@leasehold/store';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../src/index';
import { startWorker, type Worker } from './processes';

const dir = mkdtempSync(join(tmpdir(), 'leasehold-sqlite-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RESOURCES = 3;
const CRASH_ROUNDS = 4;

/** All history of `resource`, page by page. */
async function fullHistory(store: SqliteStore, resource: string): Promise<HistoryEntry[]> {
  const events: HistoryEntry[] = [];
  for (let page = 0; page < 1_000; page++) {
    const next = await store.history(resource, { afterSeq: events.at(-1)?.seq ?? 0 });
    if (next.kind !== 'ok') throw new Error(next.reason);
    if (next.events.length === 0) break;
    events.push(...next.events);
  }
  return events;
}

const FREEING_KINDS = new Set(['released', 'forceReleased', 'expired']);

describe('sqlite: crash safety', () => {
  it('I-5: SIGKILL in the middle of acquire/renew/release loops leaves a consistent file', async () => {
    const file = join(dir, 'crash.db');
    const seen: Worker[] = [];
    for (let round = 0; round < CRASH_ROUNDS; round++) {
      const workers = [0, 1].map((i) =>
        startWorker(['churn', file, `r${round}-w${i}`, String(RESOURCES)]),
      );
      seen.push(...workers);
      await Promise.all(workers.map((w) => w.linesAtLeast(20 + round * 10)));
      // Kill one, let the other go on alone (it takes over the dead one's leases after expiry),
      // then kill that one too: each kill lands wherever its loop happens to be.
      workers[0]!.child.kill('SIGKILL');
      const alone = workers[1]!.lines.length;
      await workers[1]!.linesAtLeast(alone + 15);
      workers[1]!.child.kill('SIGKILL');
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([null, null]);
    }

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const opened = openSqliteStore(file);
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    const store = opened.store;
    let grants = 0;
    for (let r = 0; r < RESOURCES; r++) {
      const resource = `churn-${r}`;
      const read = await store.read(resource);
      if (read.kind !== 'ok' || read.record === null) throw new Error(`no record for ${resource}`);
      const events = await fullHistory(store, resource);
      // History matches records: one event per write, the last one describes the record.
      expect(events).toHaveLength(read.version);
      const last = events.at(-1)!;
      expect(last.token).toBe(read.record.token);
      if (read.record.status === 'held') {
        expect(['granted', 'renewed']).toContain(last.kind);
        expect(last.holder).toBe(read.record.holder);
      } else {
        expect(FREEING_KINDS.has(last.kind)).toBe(true);
        expect(last.holder).toBe(read.record.lastHolder);
      }
      // No token reused: every grant raised the token, tokens never went down.
      let token = 0;
      for (const event of events) {
        if (event.kind === 'granted')
          expect(event.token, `${resource} seq ${event.seq}`).toBe(token + 1);
        else expect(event.token).toBe(token);
        token = event.token;
      }
      // Every grant a killed process observed is in the file, with its holder and token.
      const granted = new Map(
        events.filter((e) => e.kind === 'granted').map((e) => [e.token, e.holder]),
      );
      for (const [w, worker] of seen.entries()) {
        const holder = `r${Math.floor(w / 2)}-w${w % 2}`;
        for (const line of worker.lines.filter((l) => l.resource === resource)) {
          expect(granted.get(line.granted as number)).toBe(holder);
          grants += 1;
        }
      }
    }
    expect(grants).toBeGreaterThan(CRASH_ROUNDS * 40);
    await store.close();
  });
});
