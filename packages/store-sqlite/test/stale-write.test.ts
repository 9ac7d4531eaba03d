import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, decideAcquire, decideRelease, type LeaseRecord } from '@leasehold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'leasehold-sqlite-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite: stale writes', () => {
  // Found by the crash test: a process starved on the write lock read token 25 while another
  // process granted up to 102. Its write is a conflict to retry, not a token going down.
  it('I-5: a write decided on an old version is a conflict even when its token is lower', async () => {
    const opened = openSqliteStore(join(dir, 'stale.db'));
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    const store = opened.store;
    let record: LeaseRecord | null = null;
    let version = 0;
    for (let i = 0; i < 3; i++) {
      const request = {
        resource: 's',
        holder: `h${i}`,
        requestId: `q${i}`,
        ownerKey: 'k',
        ttlMs: 10_000,
      };
      const granted = decideAcquire(record, request, 1_000 + i, DEFAULT_CONFIG);
      expect(
        await store.compareAndSet('s', version, granted.write!.record, granted.write!.event),
      ).toMatchObject({ kind: 'ok' });
      record = granted.write!.record;
      version += 1;
      const released = decideRelease(record, { ...request, token: record.token }, 1_000 + i);
      expect(
        await store.compareAndSet('s', version, released.write!.record, released.write!.event),
      ).toMatchObject({ kind: 'ok' });
      record = released.write!.record;
      version += 1;
    }
    const stale = decideAcquire(
      null,
      { resource: 's', holder: 'late', requestId: 'late', ownerKey: 'k', ttlMs: 10_000 },
      2_000,
      DEFAULT_CONFIG,
    );
    expect(stale.write!.record.token).toBeLessThan(record!.token);
    expect(await store.compareAndSet('s', 0, stale.write!.record, stale.write!.event)).toEqual({
      kind: 'conflict',
      version,
    });
    await store.close();
  });
});
