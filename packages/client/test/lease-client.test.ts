import { ATTEMPTS_MAX, counterIds, LeaseClient, ManualClock } from '@leasehold/client';
import { RECORD_GRANT_IDS_MAX } from '@leasehold/core';
import { resolveConfig, type LeaseConfig } from '@leasehold/core';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { FaultyStore } from './faulty-store';

const config: LeaseConfig = (() => {
  const r = resolveConfig({
    ttlMsDefault: 1_000,
    ttlMsMin: 100,
    graceMs: 100,
    maxClockSkewMs: 50,
    safetyMarginMs: 20,
  });
  if (r.kind !== 'ok') throw new Error(r.reason);
  return r.config;
})();

function client(store: MemoryStore | FaultyStore, clock: ManualClock, holder: string) {
  return new LeaseClient({ store, clock, holder, config, ids: counterIds(holder) });
}

/**
 * `a` acquires 'job' under request id 'mine': the replies of its first `lostReplies` writes are
 * lost (each applied or not, as the store decides) and every read after them fails, so the call
 * ends unavailable, its outcome unknown.
 */
async function acquireUnanswered(
  a: LeaseClient,
  store: FaultyStore,
  clock: ManualClock,
  lostReplies: number,
) {
  store.faults.push(
    ...Array.from({ length: lostReplies }, () => 'replyLost' as const),
    ...Array.from({ length: ATTEMPTS_MAX }, () => 'readFails' as const),
  );
  const pending = a.acquire('job', { requestId: 'mine', ttlMs: 100 });
  await runFor(clock, 20_000, 50);
  expect(await pending).toMatchObject({ kind: 'unavailable' });
  store.faults.length = 0;
}

/** Others take 'job' and give it back until its record keeps no mark of any earlier grant. */
async function grantToOthersUntilForgotten(store: MemoryStore, clock: ManualClock) {
  for (let i = 0; i < RECORD_GRANT_IDS_MAX + 1; i++) {
    const other = client(store, clock, `n${i}`);
    const got = await other.acquire('job', { ttlMs: 100 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    await other.release(got.lease);
  }
}

/** Lets pending promise chains run, then advances the clock, repeatedly (no real time passes). */
async function runFor(clock: ManualClock, ms: number, stepMs = 10) {
  for (let t = 0; t < ms; t += stepMs) {
    for (let i = 0; i < 20; i++) await Promise.resolve();
    clock.advance(stepMs);
  }
}

describe('LeaseClient', () => {
  it('acquire -> renew -> release, with belief from the send time', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job');
    expect(got).toMatchObject({
      kind: 'granted',
      lease: { holder: 'a', token: 1, expiresAtMs: 1_001_000, validUntilMonoMs: 980 },
    });
    if (got.kind !== 'granted') return;
    expect(a.believes(got.lease)).toBe(true);
    clock.advance(500);
    const more = await a.renew(got.lease);
    expect(more).toMatchObject({
      kind: 'renewed',
      lease: { token: 1, expiresAtMs: 1_001_500, validUntilMonoMs: 1_480, renewals: 1 },
    });
    if (more.kind !== 'renewed') return;
    expect(await a.release(more.lease)).toEqual({ kind: 'released', token: 1, replayed: false });
    expect(await a.release(more.lease)).toEqual({ kind: 'released', token: 1, replayed: true });
  });

  it('I-1: a second client is told held, with the holder and when to retry', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    await client(store, clock, 'a').acquire('job');
    const b = await client(store, clock, 'b').acquire('job');
    expect(b).toMatchObject({ kind: 'held', holder: 'a', retryAfterMs: 1_150 });
  });

  it('I-4: a blocking acquire waits and gets the lease once it becomes claimable', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    await client(store, clock, 'a').acquire('job');
    const pending = client(store, clock, 'b').acquire('job', { waitMs: 5_000 });
    await runFor(clock, 1_200);
    const b = await pending;
    expect(b).toMatchObject({ kind: 'granted', lease: { holder: 'b', token: 2 } });
  });

  it('I-4: a blocking acquire gives up as held when its wait ends first', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    await client(store, clock, 'a').acquire('job');
    const pending = client(store, clock, 'b').acquire('job', { waitMs: 300 });
    await runFor(clock, 400);
    expect(await pending).toMatchObject({ kind: 'held', holder: 'a' });
  });

  it('I-8: a lost reply is retried with the same requestId and yields exactly one grant', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    store.faults.push('replyLost', 'replyLost');
    const pending = client(store, clock, 'a').acquire('job');
    await runFor(clock, 100);
    const got = await pending;
    expect(got).toMatchObject({ kind: 'granted', lease: { token: 1 } });
    expect(store.writes).toBe(1);
    const history = await store.history('job');
    expect(history.kind === 'ok' && history.events.map((e) => e.kind)).toEqual(['granted']);
  });

  it('I-1 I-2: after a lost reply, belief counts from the first send, not from the retry', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new FaultyStore();
    store.faults.push('replyLost');
    const pending = client(store, clock, 'a').acquire('job');
    await runFor(clock, 100);
    const got = await pending;
    if (got.kind !== 'granted') throw new Error(got.kind);
    expect(got.lease.validUntilMonoMs).toBe(0 + 980);
  });

  it('I-1 I-2: belief counts from the send, not from a slow reply', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new FaultyStore();
    store.beforeReply = async () => clock.advance(300);
    const got = await client(store, clock, 'a').acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    expect(got.lease.validUntilMonoMs).toBe(980);
    expect(clock.monoMs()).toBe(300);
  });

  it('a write that failed before applying is retried and granted once', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    store.faults.push('readFails', 'writeFailsBefore');
    const pending = client(store, clock, 'a').acquire('job');
    await runFor(clock, 100);
    expect(await pending).toMatchObject({ kind: 'granted', lease: { token: 1 } });
    expect(store.writes).toBe(1);
  });

  it(`gives up as unavailable after ${ATTEMPTS_MAX} failed attempts, naming the cause`, async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    for (let i = 0; i < ATTEMPTS_MAX; i++) store.faults.push('readFails');
    const pending = client(store, clock, 'a').acquire('job');
    await runFor(clock, 5_000, 50);
    expect(await pending).toEqual({
      kind: 'unavailable',
      reason: 'read failed: injected read failure',
      attempts: ATTEMPTS_MAX,
    });
  });

  it('I-7: renew after expiry is refused and the lease is not revived', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    clock.advance(1_000);
    expect(a.believes(got.lease)).toBe(false);
    expect(await a.renew(got.lease)).toEqual({ kind: 'expired', token: 1, reason: 'pastExpiry' });
  });

  it('I-3: another client cannot renew or release with a stolen lease handle', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const got = await client(store, clock, 'a').acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    const b = client(store, clock, 'b');
    expect(await b.renew(got.lease)).toEqual({ kind: 'notHolder', holder: 'a' });
    expect(await b.release(got.lease)).toEqual({ kind: 'notHolder', holder: 'a' });
  });

  it('I-5 I-6: force-release bumps the token; the evicted holder can no longer renew', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    const admin = client(store, clock, 'admin');
    expect(await admin.forceRelease('job', { expectedHolder: 'b' })).toEqual({
      kind: 'notHolder',
      holder: 'a',
    });
    expect(await admin.forceRelease('job', { expectedHolder: 'a' })).toEqual({
      kind: 'forceReleased',
      previousHolder: 'a',
      token: 2,
    });
    expect(await a.renew(got.lease)).toEqual({
      kind: 'expired',
      token: 1,
      reason: 'forceReleased',
    });
    expect(await client(store, clock, 'b').acquire('job')).toMatchObject({
      kind: 'granted',
      lease: { token: 3 },
    });
  });

  it('bad input is a typed invalid, never a throw', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a');
    expect(await a.acquire('')).toMatchObject({ kind: 'invalid', field: 'resource' });
    expect(await a.acquire('job', { ttlMs: 0 })).toMatchObject({ kind: 'invalid', field: 'ttlMs' });
    const nobody = client(new MemoryStore(), clock, '');
    expect(await nobody.acquire('job')).toMatchObject({ kind: 'invalid', field: 'holder' });
  });

  it('bad input never reaches the store, for every operation', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const granted = await a.acquire('job');
    if (granted.kind !== 'granted') throw new Error('expected a grant');
    let calls = 0;
    const read = store.read.bind(store);
    store.read = (resource) => {
      calls += 1;
      return read(resource);
    };
    const long = '€'.repeat(342); // 1,026 UTF-8 bytes in 342 UTF-16 units
    expect(await a.acquire(long)).toMatchObject({ kind: 'invalid', field: 'resource' });
    expect(await a.acquire('job', { requestId: 'x\udc00' })).toMatchObject({
      kind: 'invalid',
      field: 'requestId',
    });
    expect(await a.acquire('job', { ttlMs: 1.5 })).toMatchObject({ field: 'ttlMs' });
    expect(await a.renew(granted.lease, { ttlMs: 0 })).toMatchObject({ field: 'ttlMs' });
    expect(await a.forceRelease('')).toMatchObject({ kind: 'invalid', field: 'resource' });
    expect(await a.expire(long)).toMatchObject({ kind: 'invalid', field: 'resource' });
    expect(calls).toBe(0);
  });

  it('I-8: a caller-supplied requestId replayed in a later call gets the same grant back', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const first = await a.acquire('job', { requestId: 'mine' });
    if (first.kind !== 'granted') throw new Error(first.kind);
    clock.advance(100);
    const again = await new LeaseClient({
      store,
      clock,
      holder: 'a',
      config,
      ids: { requestId: () => 'x', ownerKey: () => first.lease.ownerKey },
    }).acquire('job', { requestId: 'mine' });
    expect(again).toMatchObject({ kind: 'granted', lease: { token: 1 } });
    if (again.kind !== 'granted') return;
    // Send time unknown across calls: belief from the wall-clock expiry minus skew and margin.
    expect(again.lease.validUntilMonoMs).toBe(100 + (1_000 - 100) - 50 - 20);
  });

  it('I-8: a retry of an acquire whose reply was lost presents the same owner key and gets its grant back', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    // The first call's write applies but its reply is lost, and every read after it fails: the
    // call ends unavailable, maybe granted.
    store.faults.push(
      'replyLost',
      ...Array.from({ length: ATTEMPTS_MAX }, () => 'readFails' as const),
    );
    // A long TTL: the call runs out of attempts while the grant it may have had is still live.
    const pending = a.acquire('job', { requestId: 'mine', ttlMs: 60_000 });
    await runFor(clock, 2_000, 50);
    expect(await pending).toMatchObject({ kind: 'unavailable' });
    store.faults.length = 0;
    const again = await a.acquire('job', { requestId: 'mine', ttlMs: 60_000 });
    expect(again).toMatchObject({ kind: 'granted', lease: { token: 1 } });
    expect(store.writes).toBe(1);
  });

  it('I-2: a retry in a later call that finds its grant applied counts belief from the first call’s send', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    // First call: the write is sent at mono 0 and applies, its reply is lost, every read fails.
    store.faults.push(
      'replyLost',
      ...Array.from({ length: ATTEMPTS_MAX }, () => 'readFails' as const),
    );
    const pending = a.acquire('job', { requestId: 'mine', ttlMs: 60_000 });
    await runFor(clock, 2_000, 50);
    expect(await pending).toMatchObject({ kind: 'unavailable' });
    store.faults.length = 0;
    const sentLater = clock.monoMs();
    expect(sentLater).toBeGreaterThan(0);
    const again = await a.acquire('job', { requestId: 'mine', ttlMs: 60_000 });
    if (again.kind !== 'granted') throw new Error(again.kind);
    // ttl 60 000 - margin 120 (twice the 1 000 ppm drift over the TTL), from the first send
    // (mono 0), not from the later call.
    expect(again.lease.validUntilMonoMs).toBe(0 + 60_000 - 120);
  });

  it('I-8: once the record no longer remembers that far back, the retry is answered expired, not granted again', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    await acquireUnanswered(a, store, clock, 1);
    await grantToOthersUntilForgotten(store.inner, clock);
    const again = await a.acquire('job', { requestId: 'mine', ttlMs: 100 });
    expect(again).toMatchObject({ kind: 'expired', token: 1, reason: 'superseded' });
  });

  it('I-8: a retry whose grant was forgotten names the write that may have made it, not an earlier one that failed', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    const b = client(store.inner, clock, 'b');
    // a's last sight of the record is token 1, freed; b takes and frees token 2 after it.
    const first = await a.acquire('job', { ttlMs: 100 });
    if (first.kind !== 'granted') throw new Error(first.kind);
    await a.release(first.lease);
    const taken = await b.acquire('job', { ttlMs: 100 });
    if (taken.kind !== 'granted') throw new Error(taken.kind);
    await b.release(taken.lease);
    // a's write of token 2 (against the version it last saw) conflicts, its reply lost; the
    // re-read shows token 2 went to b, so a proposes token 3, which applies, its reply lost too.
    await acquireUnanswered(a, store, clock, 2);
    expect(await store.inner.read('job')).toMatchObject({
      kind: 'ok',
      record: { token: 3, requestId: 'mine' },
    });
    await grantToOthersUntilForgotten(store.inner, clock);
    const again = await a.acquire('job', { requestId: 'mine', ttlMs: 100 });
    expect(again).toMatchObject({ kind: 'expired', token: 3, reason: 'superseded' });
  });

  it('cleanup expires a lease past its claimable point and leaves a live one alone', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    const cleaner = client(store, clock, 'cleaner');
    expect(await cleaner.expire('job')).toMatchObject({ kind: 'held', holder: 'a' });
    clock.advance(1_000 + 100 + 50);
    expect(await cleaner.expire('job')).toEqual({ kind: 'expiredNow', token: 1 });
    expect(await cleaner.expire('job')).toEqual({ kind: 'notHeld' });
    expect(await cleaner.expire('nothing')).toEqual({ kind: 'notHeld' });
  });
});
