import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, decideAcquire, decideRenew } from '@leasehold/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { APPLICATION_ID, SCHEMA_VERSION, openSqliteStore, type SqliteStore } from '../src/index';
import { resourceKey } from '../src/resource-key';
import { MIGRATIONS } from '../src/schema';

const dir = mkdtempSync(join(tmpdir(), 'leasehold-sqlite-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = () => join(dir, `file-${++files}.db`);
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function open(path: string): SqliteStore {
  const opened = openSqliteStore(path);
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  return opened.store;
}

async function grant(store: SqliteStore, resource: string, holder: string) {
  const d = decideAcquire(
    null,
    { resource, holder, requestId: `r-${holder}`, ownerKey: `k-${holder}`, ttlMs: 10_000 },
    1_000,
    DEFAULT_CONFIG,
  );
  return store.compareAndSet(resource, 0, d.write!.record, d.write!.event);
}

describe('sqlite: opening a file', () => {
  it('creates a WAL file with the schema, and keeps records across reopen', async () => {
    const path = newPath();
    const store = open(path);
    expect(await grant(store, 'kept', 'a')).toEqual({ kind: 'ok', version: 1 });
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(raw.prepare('SELECT version FROM leasehold_schema').all()).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })),
    );
    raw.close();
    const again = open(path);
    expect(await again.read('kept')).toMatchObject({
      kind: 'ok',
      version: 1,
      record: { holder: 'a' },
    });
    await again.close();
  });

  it('refuses a SQLite file of another application and leaves it unchanged', () => {
    const path = newPath();
    const other = new Database(path);
    other.exec(
      "CREATE TABLE leases (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO leases VALUES (1, 'theirs')",
    );
    other.close();
    const before = digest(path);
    const opened = openSqliteStore(path);
    expect(opened.kind).toBe('refused');
    expect(opened.kind === 'refused' && opened.reason).toMatch(/another application.*leases/);
    expect(digest(path)).toBe(before);
  });

  it('refuses a file that is not a SQLite database and leaves it unchanged', () => {
    const path = newPath();
    writeFileSync(path, 'name,holder\nrefs/heads/main,agent-7\n'.repeat(200));
    const before = digest(path);
    const opened = openSqliteStore(path);
    expect(opened.kind === 'refused' && opened.reason).toMatch(/not a SQLite database/);
    expect(digest(path)).toBe(before);
  });

  it('refuses a leasehold file whose pages were damaged, and leaves it unchanged', async () => {
    const path = newPath();
    const store = open(path);
    for (let i = 0; i < 200; i++) await grant(store, `resource-${i}-${'x'.repeat(100)}`, 'a');
    await store.close();
    const bytes = readFileSync(path);
    // Keep the header page intact, overwrite the b-tree pages behind it with garbage.
    for (let i = 4096 * 2; i < bytes.length; i += 7) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    const before = digest(path);
    const opened = openSqliteStore(path);
    expect(opened.kind === 'refused' && opened.reason).toMatch(/damaged|malformed|CORRUPT/i);
    expect(digest(path)).toBe(before);
  });

  it('refuses a file written by a newer schema version', async () => {
    const path = newPath();
    await open(path).close();
    const raw = new Database(path);
    raw
      .prepare('INSERT INTO leasehold_schema (version, applied_at_ms) VALUES (?, 0)')
      .run(SCHEMA_VERSION + 1);
    raw.close();
    const opened = openSqliteStore(path);
    expect(opened.kind === 'refused' && opened.reason).toMatch(/newer than this leasehold/);
  });

  it('migrates a file of schema 3: its held records gain no limits of their own, and renew as before', async () => {
    const path = newPath();
    const raw = new Database(path);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.exec(
      'CREATE TABLE leasehold_schema (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)',
    );
    for (let version = 0; version < 3; version++) {
      raw.exec(MIGRATIONS[version]!);
      raw.prepare('INSERT INTO leasehold_schema VALUES (?, 0)').run(version + 1);
    }
    // A record as leasehold wrote it before leases had limits of their own.
    const old = {
      status: 'held',
      resource: 'old',
      token: 1,
      updatedAtMs: 1_000,
      requestId: 'r-a',
      recentGrants: [{ requestId: 'r-a', token: 1 }],
      holder: 'a',
      ownerKey: 'k-a',
      ttlMs: 10_000,
      acquiredAtMs: 1_000,
      expiresAtMs: 11_000,
      renewals: 0,
    };
    raw
      .prepare(
        `INSERT INTO leases (key, version, token, status, holder, record) VALUES (?, 1, 1, 'held', 'a', ?)`,
      )
      .run(resourceKey('old'), JSON.stringify(old));
    raw.close();

    const store = open(path);
    const read = await store.read('old');
    expect(read).toEqual({
      kind: 'ok',
      version: 1,
      record: { ...old, maxRenewals: null, maxAgeMs: null },
    });
    const record = read.kind === 'ok' ? read.record : null;
    const request = { resource: 'old', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'renew' };
    const renewed = decideRenew(record, { ...request, ttlMs: 10_000 }, 2_000, DEFAULT_CONFIG);
    expect(renewed.write?.record).toMatchObject({ expiresAtMs: 12_000, maxRenewals: null });
    expect(
      await store.compareAndSet('old', 1, renewed.write!.record, renewed.write!.event),
    ).toEqual({ kind: 'ok', version: 2 });
    await store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT MAX(version) AS v FROM leasehold_schema').get()).toEqual({
      v: SCHEMA_VERSION,
    });
    check.close();
  });

  it('reads a held record without limits (written by an older process) as having none', async () => {
    const path = newPath();
    const store = open(path);
    expect(await grant(store, 'written', 'a')).toEqual({ kind: 'ok', version: 1 });
    const raw = new Database(path);
    raw.exec(`UPDATE leases SET record = json_remove(record, '$.maxRenewals', '$.maxAgeMs')`);
    raw.close();
    expect(await store.read('written')).toMatchObject({
      kind: 'ok',
      record: { holder: 'a', maxRenewals: null, maxAgeMs: null },
    });
    await store.close();
  });

  it('refuses a missing directory and a bad timeout with a reason', () => {
    expect(openSqliteStore(join(dir, 'missing', 'x.db'))).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/does not exist/),
    });
    expect(openSqliteStore(newPath(), { timeoutMs: 0 })).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/timeoutMs/),
    });
  });
});

describe('sqlite: timeouts', () => {
  it('a write blocked by another process past the timeout is unavailable, not applied', async () => {
    const path = newPath();
    const opened = openSqliteStore(path, { timeoutMs: 200 });
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    const store = opened.store;
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE');
    const startedMs = performance.now();
    const cas = await grant(store, 'blocked', 'a');
    const tookMs = performance.now() - startedMs;
    expect(cas).toMatchObject({ kind: 'unavailable', maybeApplied: false });
    expect(cas.kind === 'unavailable' && cas.reason).toMatch(/SQLITE_BUSY/);
    expect(tookMs).toBeGreaterThanOrEqual(150);
    expect(tookMs).toBeLessThan(2_000);
    // WAL readers are never blocked by a writer.
    expect(await store.read('blocked')).toEqual({ kind: 'ok', record: null, version: 0 });
    locker.exec('ROLLBACK');
    locker.close();
    expect(await grant(store, 'blocked', 'a')).toEqual({ kind: 'ok', version: 1 });
    await store.close();
  });
});

describe('sqlite: history retention', () => {
  it('prunes in batches across many rows, and sequence numbers are never reused', async () => {
    const store = open(newPath());
    for (let i = 0; i < 2_500; i++) await grant(store, `r${i}`, 'a');
    const last = await store.history('r2499');
    const lastSeq = last.kind === 'ok' ? last.events[0]!.seq : -1;
    expect(await store.pruneHistory(1_001)).toEqual({ kind: 'ok', removed: 2_500 });
    expect(await store.history('r0')).toEqual({ kind: 'ok', events: [] });
    const d = decideAcquire(
      null,
      { resource: 'late', holder: 'b', requestId: 'late', ownerKey: 'k', ttlMs: 10_000 },
      5_000,
      DEFAULT_CONFIG,
    );
    await store.compareAndSet('late', 0, d.write!.record, d.write!.event);
    const late = await store.history('late');
    expect(late.kind === 'ok' && late.events[0]!.seq).toBeGreaterThan(lastSeq);
    expect((await store.read('r0')).kind).toBe('ok');
    await store.close();
  });
});
