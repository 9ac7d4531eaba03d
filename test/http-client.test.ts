import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpLeaseClient, ManualClock, type LeaseClientApi } from '@leasehold/client';
import {
  startServerProcess,
  tempDb,
  type ServerProcess,
} from '../packages/server/test/server-process';

// HttpLeaseClient against a real `leasehold serve` process. The client's clock is a test clock
// (its belief and keep-alive timers move only when the test says), the service's is real.

describe('HttpLeaseClient over a real lease server', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(['--db', tempDb(), '--log-level', 'warn']);
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  const client = (holder: string, clock = new ManualClock()) =>
    new HttpLeaseClient({ url: server.url, holder, clock });

  test('acquire, held, renew, release; belief from the send on the holder clock', async () => {
    const clock = new ManualClock(0, 1_000);
    const a = client('http-a', clock);
    const b: LeaseClientApi = client('http-b');
    const got = await a.acquire('http/one', { ttlMs: 30_000 });
    expect(got.kind).toBe('granted');
    if (got.kind !== 'granted') return;
    expect(got.lease).toMatchObject({
      resource: 'http/one',
      holder: 'http-a',
      token: 1,
      ttlMs: 30_000,
    });
    // Sent at mono 1000: 30 s less the 250 ms margin (drift margin 60 ms is smaller).
    expect(got.lease.validUntilMonoMs).toBe(1_000 + 30_000 - 250);
    expect(a.holds('http/one')).toBe(true);
    const held = await b.acquire('http/one');
    expect(held).toMatchObject({ kind: 'held', holder: 'http-a', token: 1 });
    clock.advance(10_000);
    const renewed = await a.renew(got.lease);
    expect(renewed).toMatchObject({ kind: 'renewed', lease: { token: 1, renewals: 1 } });
    expect(await a.release(renewed.kind === 'renewed' ? renewed.lease : got.lease)).toMatchObject({
      kind: 'released',
    });
    expect(a.holds('http/one')).toBe(false);
    const again = await b.acquire('http/one');
    expect(again).toMatchObject({ kind: 'granted', lease: { token: 2 } });
  });

  test('keepAlive renews about every third of the TTL; a force-release makes it lost and aborts the signal', async () => {
    const clock = new ManualClock();
    const a = client('keeper', clock);
    const renewals: number[] = [];
    const lost: string[] = [];
    a.on('renewed', (e) => renewals.push(e.token));
    a.on('lost', (e) => lost.push(e.reason));
    const got = await a.acquire('http/kept', { ttlMs: 30_000 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    const keep = a.keepAlive(got.lease);
    clock.advance(10_000);
    await expect.poll(() => renewals.length, { timeout: 30_000 }).toBe(1);
    const admin = client('admin');
    expect(await admin.forceRelease('http/kept', { expectedHolder: 'keeper' })).toMatchObject({
      kind: 'forceReleased',
    });
    clock.advance(10_000);
    await expect.poll(() => lost, { timeout: 30_000 }).toEqual(['expired']);
    expect(keep.signal.aborted).toBe(true);
    expect(a.holds('http/kept')).toBe(false);
  });

  test('withLease releases after fn, also when fn throws; acquireAll rolls back', async () => {
    const a = client('scoped');
    const result = await a.withLease('http/scoped', async ({ token, signal }) => {
      expect(signal.aborted).toBe(false);
      return token;
    });
    expect(result).toMatchObject({ kind: 'done', value: 1, release: { kind: 'released' } });
    await expect(
      a.withLease('http/scoped', () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect((await server.get('/v1/leases/http%2Fscoped')).body.status).toBe('free');

    const other = client('blocker');
    await other.acquire('http/all/b');
    const all = await a.acquireAll(['http/all/c', 'http/all/b', 'http/all/a']);
    expect(all).toMatchObject({
      kind: 'failed',
      resource: 'http/all/b',
      rolledBack: [{ resource: 'http/all/a' }],
    });
    expect((await server.get('/v1/leases/http%2Fall%2Fa')).body.status).toBe('free');
    expect(await other.releaseAll()).toEqual([
      { resource: 'http/all/b', outcome: expect.objectContaining({ kind: 'released' }) },
    ]);
    const taken = await a.acquireAll(['http/all/c', 'http/all/b', 'http/all/a']);
    expect(taken.kind === 'granted' && taken.leases.map((l) => l.resource)).toEqual([
      'http/all/a',
      'http/all/b',
      'http/all/c',
    ]);
    expect((await a.releaseAll()).map((r) => r.resource)).toEqual([
      'http/all/c',
      'http/all/b',
      'http/all/a',
    ]);
  });

  test("a renewal without a TTL renews for the lease's own, as LeaseClient does", async () => {
    const a = client('renew-ttl');
    const got = await a.acquire('http/renew-ttl', { ttlMs: 20_000 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    const shorter = await a.renew(got.lease, { ttlMs: 10_000 });
    expect(shorter).toMatchObject({ kind: 'renewed', lease: { ttlMs: 10_000 } });
    expect(await a.renew(got.lease)).toMatchObject({ kind: 'renewed', lease: { ttlMs: 20_000 } });
  });

  test("a blocking acquire is handed the lease on release, long before the holder's TTL", async () => {
    const holder = client('handoff-a');
    const waiter = client('handoff-b');
    const got = await holder.acquire('http/handoff', { ttlMs: 300_000 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    const waiting = waiter.acquire('http/handoff', { waitMs: 120_000 });
    await expect
      .poll(async () => /^leasehold_waiters 1$/m.test((await server.get('/metrics')).body), {
        timeout: 30_000,
      })
      .toBe(true);
    await holder.release(got.lease);
    expect(await waiting).toMatchObject({
      kind: 'granted',
      lease: { holder: 'handoff-b', token: got.lease.token + 1 },
    });
  });

  test('forceClaim over HTTP fences the holder and takes the lease', async () => {
    const stuck = client('stuck');
    const held = await stuck.acquire('http/forced');
    if (held.kind !== 'granted') throw new Error(held.kind);
    const rescuer = client('rescuer');
    const taken = await rescuer.forceClaim('http/forced');
    expect(taken).toMatchObject({
      kind: 'granted',
      tookOverFrom: 'stuck',
      lease: { token: held.lease.token + 2 },
    });
    // As the in-process client answers: the lease is another holder's now.
    expect(await stuck.renew(held.lease)).toEqual({ kind: 'notHolder', holder: 'rescuer' });
    expect(await stuck.release(held.lease)).toEqual({ kind: 'notHolder', holder: 'rescuer' });
  });

  test('bad input is invalid naming the field; an unreachable service is unavailable', async () => {
    expect(await client('x').acquire('', {})).toMatchObject({ kind: 'invalid', field: 'resource' });
    expect(await client('x').forceRelease('')).toMatchObject({
      kind: 'invalid',
      field: 'resource',
    });
    expect(await client('x').acquire('r', { requestId: '' })).toMatchObject({
      kind: 'invalid',
      field: 'requestId',
    });
    expect(await client('x').acquire('r', { ttlMs: 5 })).toMatchObject({
      kind: 'invalid',
      field: 'ttlMs',
    });
    const nowhere = new HttpLeaseClient({
      url: 'http://127.0.0.1:9',
      holder: 'x',
      clock: new ManualClock(),
    });
    const unreachable = nowhere.acquire('r', { attemptsMax: 1 });
    expect(await unreachable).toMatchObject({ kind: 'unavailable', attempts: 1 });
  });

  test('given several URLs, a request goes on from one that cannot be reached to the next; the belief still counts from the send', async () => {
    const clock = new ManualClock(0, 1_000);
    const reached: string[] = [];
    const replicated = new HttpLeaseClient({
      urls: ['http://127.0.0.1:9', server.url],
      holder: 'replicated',
      clock,
      fetch: (input, init) => {
        reached.push(new URL(String(input)).origin);
        return fetch(input, init);
      },
    });
    const got = await replicated.acquire('http/replicated', { ttlMs: 30_000 });
    expect(got).toMatchObject({ kind: 'granted', lease: { token: 1 } });
    if (got.kind !== 'granted') return;
    expect(got.lease.validUntilMonoMs).toBe(1_000 + 30_000 - 250);
    expect((await replicated.renew(got.lease)).kind).toBe('renewed');
    expect((await replicated.release(got.lease)).kind).toBe('released');
    // Its first request (the lease's status) found nothing at the first URL; from then on every
    // request goes to the replica that answered.
    const served = new URL(server.url).origin;
    expect(reached).toEqual(['http://127.0.0.1:9', served, served, served, served]);
  });

  test('every request names its holder (the service counts its rate limit by it)', async () => {
    const named: (string | null)[] = [];
    const holder = 'agent-ü 7';
    const counted = new HttpLeaseClient({
      url: server.url,
      holder,
      clock: new ManualClock(),
      fetch: (input, init) => {
        named.push(new Headers(init?.headers).get('leasehold-holder'));
        return fetch(input, init);
      },
    });
    const granted = await counted.acquire('counted.md', { ttlMs: 10_000 });
    expect(granted.kind).toBe('granted');
    if (granted.kind !== 'granted') return;
    expect((await counted.renew(granted.lease)).kind).toBe('renewed');
    expect((await counted.release(granted.lease)).kind).toBe('released');
    expect(named.length).toBeGreaterThanOrEqual(3);
    expect(new Set(named)).toEqual(new Set([encodeURIComponent(holder)]));
  });
});
