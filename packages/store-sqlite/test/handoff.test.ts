import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeaseClient, systemClock, type AcquireOutcome } from '@leasehold/client';
import { DEFAULT_CONFIG, decideAcquire } from '@leasehold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'leasehold-sqlite-handoff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function open(file: string): SqliteStore {
  const opened = openSqliteStore(file);
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  return opened.store;
}

// Real time: each test is capped generously and asserts only that the waiter took the lease over
// from a release, before the holder's lease could have expired (a hand-off), never how fast.
const CAP_MS = 60_000;
const TTL_MS = 30_000;

describe('sqlite: watch and blocking-acquire hand-off', () => {
  it(
    'a watch sees a commit made through another store object on the same file (the poll)',
    async () => {
      const file = join(dir, `watch-${++files}.db`);
      const [one, two] = [open(file), open(file)];
      const stop = new AbortController();
      const watching = one.watch('job', stop.signal);
      const request = { resource: 'job', holder: 'a', requestId: 'q', ownerKey: 'k', ttlMs: 1_000 };
      const d = decideAcquire(null, request, 1_000, DEFAULT_CONFIG);
      expect(two.compareAndSetNow('job', 0, d.write!.record, d.write!.event).kind).toBe('ok');
      await watching;
      stop.abort();
      await Promise.all([one.close(), two.close()]);
    },
    CAP_MS,
  );

  for (const shape of ['two store objects on one file', 'one store object']) {
    it(
      `I-4: a blocking acquire takes over right after the holder releases (${shape})`,
      async () => {
        const file = join(dir, `handoff-${++files}.db`);
        const holderStore = open(file);
        const waiterStore = shape === 'one store object' ? holderStore : open(file);
        const clock = systemClock();
        const a = new LeaseClient({ store: holderStore, clock, holder: 'a' });
        const b = new LeaseClient({ store: waiterStore, clock, holder: 'b' });
        const first = await a.acquire('job', { ttlMs: TTL_MS });
        if (first.kind !== 'granted') throw new Error(first.kind);
        const waiting = new Promise<void>((resolve) => b.on('conflict', () => resolve()));
        const pending: Promise<AcquireOutcome> = b.acquire('job', {
          ttlMs: TTL_MS,
          waitMs: CAP_MS,
        });
        await waiting;
        expect(await a.release(first.lease)).toMatchObject({ kind: 'released' });
        const got = await pending;
        expect(got).toMatchObject({ kind: 'granted', lease: { holder: 'b', token: 2 } });
        if (got.kind !== 'granted') return;
        expect(got.lease.acquiredAtMs).toBeLessThan(first.lease.expiresAtMs);
        await holderStore.close();
        await waiterStore.close();
      },
      CAP_MS,
    );
  }
});
