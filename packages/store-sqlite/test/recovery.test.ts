import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterIds, LeaseClient, ManualClock } from '@leasehold/client';
import { DEFAULT_CONFIG, decideRelease, type HeldRecord, type LeaseConfig } from '@leasehold/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RECOVERY_HOLDER, CEILING_STEP } from '@leasehold/store';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../src/index';
import { APPLICATION_ID, MIGRATIONS } from '../src/schema';

const dir = mkdtempSync(join(tmpdir(), 'leasehold-sqlite-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = () => join(dir, `file-${++files}.db`);

const config: LeaseConfig = { ...DEFAULT_CONFIG, ttlMsDefault: 10_000 };
/** The claim rule's wait past an expiry: grace plus the skew margin. */
const CLAIM_MARGIN_MS = config.graceMs + config.maxClockSkewMs;

function open(path: string, clock: ManualClock, options: SqliteStoreOptions): SqliteStore {
  const opened = openSqliteStore(path, { wallMs: () => clock.wallMs(), ...options });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  return opened.store;
}

function client(store: SqliteStore, clock: ManualClock, holder: string): LeaseClient {
  return new LeaseClient({ store, clock, holder, config, ids: counterIds(holder) });
}

async function granted(c: LeaseClient, resource: string, ttlMs?: number) {
  const got = await c.acquire(resource, ttlMs === undefined ? {} : { ttlMs });
  if (got.kind !== 'granted') throw new Error(`acquire ${resource}: ${JSON.stringify(got)}`);
  return got.lease;
}

/**
 * Copies the file as power loss would leave it: the database and the WAL as they are between two
 * commits. Power loss forgets only commits that were not synced, and the WAL's checksums make what
 * survives a prefix of the commits; so a copy taken after the last synced commit is the worst state
 * a power loss can leave, as long as no commit after the copy was synced (stagePowerLoss checks
 * that no ceiling was raised, and stays far below the WAL's checkpoint size).
 */
function snapshot(path: string, to: string): void {
  copyFileSync(path, to);
  if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${to}-wal`);
}

function restore(from: string, path: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  copyFileSync(from, path);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${path}-wal`);
}

function meta(path: string) {
  const raw = new Database(path, { readonly: true });
  const row = raw.prepare('SELECT * FROM leasehold_meta').get() as {
    token_ceiling: number;
    version_ceiling: number;
    ttl_ceiling_ms: number;
    recoveries: number;
  };
  const highest = raw
    .prepare(
      `SELECT MAX(token) AS token, MAX(version) AS version, MAX(CASE WHEN status = 'held'
         THEN json_extract(record, '$.ttlMs') END) AS ttl FROM leases`,
    )
    .get() as { token: number; version: number; ttl: number | null };
  raw.close();
  return {
    ...row,
    highestToken: highest.token,
    highestVersion: highest.version,
    highestTtlMs: highest.ttl ?? 0,
  };
}

/** Boot ids of the processes listed as committing without syncing. */
function writers(path: string): string[] {
  const raw = new Database(path, { readonly: true });
  const rows = raw.prepare('SELECT boot_id FROM leasehold_unsynced_writers ORDER BY id').all() as {
    boot_id: string;
  }[];
  raw.close();
  return rows.map((row) => row.boot_id);
}

/** Grants that reach the disk, then a snapshot, then grants that a power loss forgets. */
async function stagePowerLoss(path: string, clock: ManualClock) {
  const store = open(path, clock, { synchronous: 'normal', bootId: 'boot-1' });
  const a = client(store, clock, 'agent-a');
  const b = client(store, clock, 'agent-b');
  await a.release(await granted(a, 'long', 60_000));
  await granted(a, 'kept-held');
  const freed = await granted(a, 'kept-free');
  await a.release(freed);
  const ceilings = (m: ReturnType<typeof meta>) => [
    m.token_ceiling,
    m.version_ceiling,
    m.ttl_ceiling_ms,
  ];
  const synced = ceilings(meta(path));
  const lossPoint = join(dir, `loss-${files}.db`);
  snapshot(path, lossPoint);
  // Forgotten by the power loss: a second grant on a known resource, and a grant on a resource
  // that has no durable record, as long as any durable one.
  clock.advance(1_000);
  const lostGrant = await granted(b, 'kept-free');
  const lostNew = await granted(b, 'only-in-lost-commits', 60_000);
  const lostRead = await store.read('kept-free');
  if (lostRead.kind !== 'ok' || lostRead.record === null) throw new Error('no lost record');
  expect(ceilings(meta(path)), 'a commit after the snapshot was synced').toEqual(synced);
  await store.close();
  restore(lossPoint, path);
  return {
    lostTokens: [lostGrant.token, lostNew.token],
    lost: { record: lostRead.record, version: lostRead.version },
  };
}

describe('sqlite: recovery after an unclean restart (synchronous normal)', () => {
  it('I-5: every token issued after a power loss is above every token issued before it', async () => {
    const path = newPath();
    const clock = new ManualClock();
    const { lostTokens, lost } = await stagePowerLoss(path, clock);
    clock.advance(5_000);
    const recoveredAtMs = clock.wallMs();
    const store = open(path, clock, { synchronous: 'normal', bootId: 'boot-2' });
    expect(store.recovery).toMatchObject({ kind: 'recovered', records: 3 });
    if (store.recovery.kind !== 'recovered') throw new Error('no recovery');
    const mark = store.recovery.mark;
    expect(mark.token).toBeGreaterThan(Math.max(...lostTokens));
    expect(mark.atMs).toBe(recoveredAtMs);

    for (const resource of ['kept-held', 'kept-free', 'only-in-lost-commits']) {
      const read = await store.read(resource);
      expect(read).toMatchObject({
        kind: 'ok',
        record: { status: 'held', holder: RECOVERY_HOLDER, token: mark.token },
      });
    }
    // The resource that exists only in lost commits reads as the quarantine, with no record, at
    // the quarantine's version; and a write decided on a forgotten version is a conflict.
    expect(await store.read('only-in-lost-commits')).toMatchObject({ version: mark.version });
    expect(mark.version).toBeGreaterThan(lost.version);
    const stale = decideRelease(
      lost.record,
      {
        resource: 'kept-free',
        holder: 'agent-b',
        token: lost.record.token,
        ownerKey: (lost.record as HeldRecord).ownerKey,
        requestId: 'late-release',
      },
      clock.wallMs(),
    );
    expect(
      await store.compareAndSet('kept-free', lost.version, stale.write!.record, stale.write!.event),
    ).toMatchObject({ kind: 'conflict' });
    const history = await store.history('kept-held');
    expect(history.kind === 'ok' && history.events.at(-1)).toMatchObject({
      kind: 'granted',
      holder: RECOVERY_HOLDER,
      token: mark.token,
      previousHolder: 'agent-a',
    });

    clock.advance(mark.ttlMs + CLAIM_MARGIN_MS);
    const c = client(store, clock, 'agent-c');
    for (const resource of ['kept-held', 'kept-free', 'only-in-lost-commits']) {
      expect((await granted(c, resource)).token).toBe(mark.token + 1);
    }
    await store.close();
  });

  it('I-1: no lease is granted until every lease granted before the loss has expired', async () => {
    const path = newPath();
    const clock = new ManualClock();
    await stagePowerLoss(path, clock);
    const store = open(path, clock, { synchronous: 'normal', bootId: 'boot-2' });
    if (store.recovery.kind !== 'recovered') throw new Error('no recovery');
    // The quarantine lasts the longest TTL granted since the last synced commit (the 60 s lease):
    // a longer grant would have raised the ceiling with a synced commit before it was answered.
    expect(store.recovery.mark.ttlMs).toBe(60_000);
    const c = client(store, clock, 'agent-c');
    clock.advance(60_000 + CLAIM_MARGIN_MS - 1);
    for (const resource of ['kept-held', 'only-in-lost-commits', 'never-written']) {
      expect(await c.acquire(resource)).toMatchObject({ kind: 'held', holder: RECOVERY_HOLDER });
    }
    clock.advance(1);
    expect((await granted(c, 'only-in-lost-commits')).token).toBeGreaterThan(1);
    await store.close();
  });

  it('a force-release ends the quarantine of one resource early', async () => {
    const path = newPath();
    const clock = new ManualClock();
    await stagePowerLoss(path, clock);
    const store = open(path, clock, { synchronous: 'normal', bootId: 'boot-2' });
    const admin = client(store, clock, 'operator');
    expect(
      await admin.forceRelease('kept-held', { expectedHolder: RECOVERY_HOLDER }),
    ).toMatchObject({ kind: 'forceReleased', previousHolder: RECOVERY_HOLDER });
    expect(await client(store, clock, 'agent-c').acquire('kept-held')).toMatchObject({
      kind: 'granted',
    });
    expect(await client(store, clock, 'agent-c').acquire('kept-free')).toMatchObject({
      kind: 'held',
    });
    await store.close();
  });

  it('recovers once: a second open in the same boot, or a concurrent one, changes nothing', async () => {
    const path = newPath();
    const clock = new ManualClock();
    await stagePowerLoss(path, clock);
    const first = open(path, clock, { synchronous: 'normal', bootId: 'boot-2' });
    const second = open(path, clock, { synchronous: 'full', bootId: 'boot-2' });
    expect(first.recovery.kind).toBe('recovered');
    expect(second.recovery).toEqual({ kind: 'none' });
    expect(await second.read('kept-held')).toEqual(await first.read('kept-held'));
    await Promise.all([first.close(), second.close()]);
    const again = open(path, clock, { synchronous: 'normal', bootId: 'boot-2' });
    expect(again.recovery).toEqual({ kind: 'none' });
    expect(meta(path).recoveries).toBe(1);
    expect(writers(path)).toEqual(['boot-2']);
    await again.close();
    expect(writers(path)).toEqual([]);
  });

  it('after a reboot, only a file left open by a process that committed without syncing is quarantined', async () => {
    const path = newPath();
    const clock = new ManualClock();
    // Written with synchronous full only: nothing to recover.
    const full = open(path, clock, { synchronous: 'full', bootId: 'boot-1' });
    const lease = await granted(client(full, clock, 'agent-a'), 'durable');
    const stillOpen = open(path, clock, { synchronous: 'full', bootId: 'boot-1' });
    await full.close();
    expect(writers(path)).toEqual([]);
    // Written with normal, then closed cleanly: the close synced everything.
    const normal = open(path, clock, { synchronous: 'normal', bootId: 'boot-2' });
    expect(normal.recovery).toEqual({ kind: 'none' });
    expect(writers(path)).toEqual(['boot-2']);
    await normal.close();
    const clean = open(path, clock, { synchronous: 'normal', bootId: 'boot-3' });
    expect(clean.recovery).toEqual({ kind: 'none' });
    expect(await clean.read('durable')).toMatchObject({
      record: { holder: 'agent-a', token: lease.token },
    });
    // Written with normal and never closed (the process died with the machine): recovery.
    const later = open(path, clock, { synchronous: 'full', bootId: 'boot-4' });
    expect(later.recovery.kind).toBe('recovered');
    expect(writers(path)).toEqual([]);
    await Promise.all([clean.close(), later.close(), stillOpen.close()]);
  });

  it('I-5: the durable ceilings stay above every token and TTL issued, in either mode', async () => {
    for (const synchronous of ['normal', 'full'] as const) {
      const path = newPath();
      const clock = new ManualClock();
      const store = open(path, clock, { synchronous, bootId: 'boot-1' });
      const c = client(store, clock, 'agent-a');
      for (let n = 0; n < CEILING_STEP + 5; n++) {
        const lease = await granted(c, `r${n % 3}`, 1_000 + (n % 50) * 1_000);
        await c.release(lease);
        const m = meta(path);
        expect(m.token_ceiling).toBeGreaterThanOrEqual(m.highestToken);
        expect(m.version_ceiling).toBeGreaterThanOrEqual(m.highestVersion);
        expect(m.ttl_ceiling_ms).toBeGreaterThanOrEqual(m.highestTtlMs);
      }
      await store.close();
    }
  });

  it('with synchronous normal, only a commit that raises a ceiling waits for an fsync', async () => {
    const clock = new ManualClock();
    const store = open(newPath(), clock, { synchronous: 'normal', bootId: 'boot-1' });
    const c = client(store, clock, 'agent-a');
    await c.release(await granted(c, 'r', 5_000)); // token 1 and TTL 5 s: both ceilings raised
    expect(store.commitCounts()).toEqual({ commits: 2, synced: 1 });
    // Cycle k writes version 2k - 1 (token k) and 2k: the first grant's ceilings (version and
    // token 1 + CEILING_STEP) cover every write up to the release of cycle CEILING_STEP / 2 + 1.
    for (let n = 1; n < CEILING_STEP / 2; n++) await c.release(await granted(c, 'r', 5_000));
    expect(store.commitCounts()).toEqual({ commits: CEILING_STEP, synced: 1 });
    // The release of the next cycle moves the version ceiling (synced), which sets the TTL
    // ceiling to its own, 0; the next grant raises it again (synced), and the ones after do not.
    await c.release(await granted(c, 'r', 5_000));
    expect(store.commitCounts()).toEqual({ commits: CEILING_STEP + 2, synced: 2 });
    await c.release(await granted(c, 'r', 5_000));
    expect(store.commitCounts().synced).toBe(3);
    await c.release(await granted(c, 'r', 5_000));
    expect(store.commitCounts().synced).toBe(3);
    await c.release(await granted(c, 'r', 5_001));
    expect(store.commitCounts().synced).toBe(4);
    await store.close();
    const full = open(newPath(), clock, { synchronous: 'full', bootId: 'boot-1' });
    const d = client(full, clock, 'agent-b');
    await d.release(await granted(d, 'r'));
    expect(full.commitCounts()).toEqual({ commits: 2, synced: 2 });
    await full.close();
  });

  it('I-1: a writer whose copy of the TTL ceiling is stale still syncs a longer grant', async () => {
    const path = newPath();
    const clock = new ManualClock();
    const a = open(path, clock, { synchronous: 'normal', bootId: 'boot-1' });
    const b = open(path, clock, { synchronous: 'normal', bootId: 'boot-1' });
    const ca = client(a, clock, 'agent-a');
    const cb = client(b, clock, 'agent-b');
    await granted(ca, 'long', 60_000); // a's copy of the TTL ceiling: 60 s
    // b moves the version ceiling with 5 s leases: the TTL ceiling goes down (to 0: a release
    // moved it).
    for (let n = 0; n <= CEILING_STEP / 2; n++) await cb.release(await granted(cb, 'short', 5_000));
    expect(meta(path).ttl_ceiling_ms).toBeLessThan(30_000);
    const before = a.commitCounts().synced;
    await granted(ca, 'medium', 30_000);
    expect(a.commitCounts().synced).toBe(before + 1);
    expect(meta(path).ttl_ceiling_ms).toBe(30_000);
    await Promise.all([a.close(), b.close()]);
  });

  it('opens a schema 1 file with ceilings taken from its records', async () => {
    const path = newPath();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.exec(
      'CREATE TABLE leasehold_schema (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)',
    );
    raw.exec(MIGRATIONS[0]!);
    raw.prepare('INSERT INTO leasehold_schema VALUES (1, 0)').run();
    const record = {
      status: 'held',
      resource: 'old',
      token: 41,
      updatedAtMs: 0,
      requestId: 'q',
      recentGrants: [{ requestId: 'q', token: 41 }],
      holder: 'h',
      ownerKey: 'k',
      ttlMs: 7_000,
      acquiredAtMs: 0,
      expiresAtMs: 7_000,
      renewals: 0,
    };
    raw
      .prepare(`INSERT INTO leases VALUES (?, 1, 41, 'held', 'h', ?)`)
      .run(Buffer.from('old', 'utf16le').swap16(), JSON.stringify(record));
    raw.close();
    const store = open(path, new ManualClock(), { synchronous: 'normal', bootId: 'boot-1' });
    expect(meta(path)).toMatchObject({ token_ceiling: 41, ttl_ceiling_ms: 7_000 });
    expect(await store.read('old')).toMatchObject({ record: { token: 41, holder: 'h' } });
    await store.close();
  });

  it('refuses synchronous normal without a boot id, and a bad boot id', () => {
    expect(openSqliteStore(newPath(), { synchronous: 'normal', bootId: null })).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/needs a boot id/),
    });
    expect(openSqliteStore(newPath(), { bootId: '' })).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/bootId must have 1 to 128 characters/),
    });
    const path = newPath();
    const opened = openSqliteStore(path, { bootId: null });
    expect(opened.kind === 'ok' && opened.store.synchronous).toBe('full');
    if (opened.kind === 'ok') void opened.store.close();
  });
});
