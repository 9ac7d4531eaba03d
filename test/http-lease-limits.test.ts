import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpLeaseClient, ManualClock, type HttpLease } from '@leasehold/client';
import {
  startServerProcess,
  tempDb,
  type ServerProcess,
} from '../packages/server/test/server-process';

// A lease's own limits and the client's defaults through HttpLeaseClient, against a real
// `leasehold serve` process. The client's clock is a test clock; the service's is real.

describe(
  "HttpLeaseClient: a lease's own limits, and the client's defaults",
  { timeout: 300_000 },
  () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServerProcess(['--db', tempDb(), '--log-level', 'warn']);
    }, 120_000);
    afterAll(async () => {
      await server.stop();
    });

    test("keepAlive stops at the lease's own maxRenewals; manual renewals past it are refused, from any client", async () => {
      const clock = new ManualClock();
      const a = new HttpLeaseClient({ url: server.url, holder: 'limited', clock });
      const got = await a.acquire('http/limited', { ttlMs: 30_000, maxRenewals: 1 });
      if (got.kind !== 'granted') throw new Error(got.kind);
      expect(got.lease).toMatchObject({ maxRenewals: 1, maxAgeMs: null, renewals: 0 });
      const renewals: number[] = [];
      a.on('renewed', (e) => renewals.push(e.lease.renewals));
      const keep = a.keepAlive(got.lease);
      clock.advance(10_000);
      await expect.poll(() => renewals, { timeout: 30_000 }).toEqual([1]);
      // At the lease's own limit the keep-alive sends no renewal: it runs out at the belief end
      // (10 s + 30 s - 250 ms), whenever its clock gets there.
      let ended = false;
      void keep.done.then(() => (ended = true));
      await expect
        .poll(
          () => {
            if (clock.monoMs() < 40_000) clock.advance(1_000);
            return ended;
          },
          { timeout: 30_000 },
        )
        .toBe(true);
      expect(await keep.done).toMatchObject({ kind: 'lost', reason: 'beliefEnded', renewals: 1 });
      expect(renewals).toEqual([1]);
      // The lease is still live on the service (its clock is real): three manual renewals, by this
      // client, by another of the same holder, and over plain HTTP, are each refused at its limit.
      const other = new HttpLeaseClient({ url: server.url, holder: 'limited', clock });
      const kept = keep.current();
      for (const renewer of [a, other]) {
        expect(await renewer.renew(kept)).toEqual({
          kind: 'maxRenewalsReached',
          renewals: 1,
          maxRenewals: 1,
          limit: 'lease',
        });
      }
      const raw = await server.post('/v1/leases/renew', {
        lease_id: (got.lease as HttpLease).leaseId,
        owner_key: got.lease.ownerKey,
      });
      expect(raw.status).toBe(409);
      expect(raw.body).toMatchObject({ error: 'max_renewals_reached', limit: 'lease' });
      expect((await server.get('/v1/leases/http%2Flimited')).body).toMatchObject({
        status: 'held',
        renewals: 1,
        max_renewals: 1,
      });
    });

    test('a grant at its max age is believed no longer than its expiry allows on the wall clock', async () => {
      // The client's wall clock reads the real time (the service's is real): the bound is counted
      // on it.
      const clock = new ManualClock(Date.now(), 1_000);
      const a = new HttpLeaseClient({ url: server.url, holder: 'aged', clock });
      const got = await a.acquire('http/aged', { ttlMs: 30_000, maxAgeMs: 30_000 });
      if (got.kind !== 'granted') throw new Error(got.kind);
      expect(got.lease).toMatchObject({ maxAgeMs: 30_000 });
      expect(got.lease.expiresAtMs).toBe(got.lease.acquiredAtMs + 30_000);
      // Less the skew bound (500 ms) as well as the margin (250 ms): 30 s - 750 ms, plus however
      // far the service's clock moved on before it granted.
      expect(got.lease.validUntilMonoMs).toBeGreaterThanOrEqual(1_000 + 30_000 - 750);
      expect(got.lease.validUntilMonoMs).toBeLessThan(1_000 + 30_000 - 250);
      const renewed = await a.renew(got.lease);
      expect(renewed).toMatchObject({
        kind: 'renewed',
        lease: { renewals: 1, expiresAtMs: got.lease.expiresAtMs },
      });
    });

    test('bad limits are refused before any request, naming the field', async () => {
      const a = new HttpLeaseClient({
        url: server.url,
        holder: 'careless',
        clock: new ManualClock(),
      });
      expect(await a.acquire('http/careless', { maxRenewals: -1 })).toMatchObject({
        kind: 'invalid',
        field: 'maxRenewals',
      });
      expect(await a.acquire('http/careless', { ttlMs: 10_000, maxAgeMs: 5_000 })).toMatchObject({
        kind: 'invalid',
        field: 'maxAgeMs',
        reason: expect.stringMatching(/maxAgeMs must be at least the lease's TTL \(10000 ms\)/),
      });
      // One the client cannot judge (below the service's default TTL) is the service's refusal,
      // in the client's words.
      expect(await a.acquire('http/careless', { maxAgeMs: 5_000 })).toMatchObject({
        kind: 'invalid',
        field: 'maxAgeMs',
        reason: expect.stringMatching(/^maxAgeMs must be at least the lease's TTL \(300000 ms\)/),
      });
    });

    test('defaults: an acquire that names no TTL or budget takes the client defaults', async () => {
      const clock = new ManualClock();
      const a = new HttpLeaseClient({
        url: server.url,
        holder: 'defaulted',
        clock,
        defaults: { ttlMs: 45_000, attemptsMax: 2 },
      });
      const got = await a.acquire('http/defaulted');
      expect(got).toMatchObject({ kind: 'granted', lease: { ttlMs: 45_000 } });
      expect(await a.acquire('http/defaulted-2', { ttlMs: 20_000 })).toMatchObject({
        lease: { ttlMs: 20_000 },
      });
      const bad = new HttpLeaseClient({
        url: server.url,
        holder: 'defaulted',
        clock,
        defaults: { attemptsMax: 99 },
      });
      expect(await bad.acquire('http/defaulted-3')).toMatchObject({
        kind: 'invalid',
        field: 'defaults.attemptsMax',
      });
      if (got.kind === 'granted')
        expect(await bad.release(got.lease)).toMatchObject({ field: 'defaults.attemptsMax' });
    });
  },
);
