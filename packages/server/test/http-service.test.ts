import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServerProcess, tempDb, type ServerProcess } from './server-process.js';

// The whole workflow over real HTTP against a real `leasehold serve` process on a SQLite file,
// with the test clock route so expiry is reached without waiting for it.

const GRACE_AND_SKEW_MS = 1_000 + 500;

describe('lease service over HTTP (a real server process)', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  const db = tempDb();

  beforeAll(async () => {
    server = await startServerProcess(['--db', db, '--test-clock']);
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  const acquire = (resource: string, holder: string, extra: object = {}) =>
    server.post('/v1/leases/acquire', { resource, holder, ...extra });
  const advance = (ms: number) => server.post('/v1/admin/test/advance-clock', { ms });

  test('acquire, 409 for a second holder, renew, release, re-acquire with a higher token', async () => {
    const first = await acquire('workflow', 'agent-a');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      resource: 'workflow',
      holder: 'agent-a',
      token: 1,
      ttl_ms: 300_000,
    });
    const conflict = await acquire('workflow', 'agent-b');
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ holder: 'agent-a', expires_at: first.body.expires_at });
    expect(conflict.body.retry_after_ms).toBeGreaterThan(0);
    const renewed = await server.post('/v1/leases/renew', {
      lease_id: first.body.lease_id,
      owner_key: first.body.owner_key,
      ttl_seconds: 600,
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ token: 1, ttl_ms: 600_000, renewals: 1, skipped: false });
    const released = await server.post('/v1/leases/release', {
      lease_id: first.body.lease_id,
      owner_key: first.body.owner_key,
    });
    expect(released.status).toBe(200);
    const again = await acquire('workflow', 'agent-b');
    expect(again.status).toBe(201);
    expect(again.body.token).toBe(2);
    const status = await server.get('/v1/leases/workflow');
    expect(status.body).toMatchObject({ status: 'held', holder: 'agent-b', token: 2 });
    expect(JSON.stringify(status.body)).not.toContain(again.body.owner_key);
  });

  test('expiry on the server clock: another holder takes over; the old lease answers 410', async () => {
    const first = await acquire('expiring', 'agent-a', { ttl_ms: 2_000 });
    expect(first.status).toBe(201);
    expect((await acquire('expiring', 'agent-b')).status).toBe(409);
    await advance(2_000);
    expect((await server.get('/v1/leases/expiring')).body.status).toBe('expired');
    // Expired but inside grace + skew: nobody may take it over yet.
    expect((await acquire('expiring', 'agent-b')).status).toBe(409);
    await advance(GRACE_AND_SKEW_MS);
    const taken = await acquire('expiring', 'agent-b');
    expect(taken.status).toBe(201);
    expect(taken.body.token).toBe(first.body.token + 1);
    const late = await server.post('/v1/leases/renew', {
      lease_id: first.body.lease_id,
      owner_key: first.body.owner_key,
    });
    expect(late.status).toBe(410);
  });

  test('I-7: renew after expiry (before anyone took over) is 410 and never resurrects', async () => {
    const lease = await acquire('lapsed', 'agent-a', { ttl_ms: 1_000 });
    await advance(1_001);
    const renew = await server.post('/v1/leases/renew', {
      lease_id: lease.body.lease_id,
      owner_key: lease.body.owner_key,
    });
    expect(renew.status).toBe(410);
    expect(renew.body.reason).toBe('pastExpiry');
    expect((await server.get('/v1/leases/lapsed')).body.status).toBe('expired');
  });

  test('404 unknown lease, 403 wrong owner key, 410 after release', async () => {
    const lease = await acquire('owned', 'agent-a');
    const unknown = { lease_id: '99.b3duZWQ', owner_key: lease.body.owner_key };
    expect((await server.post('/v1/leases/renew', unknown)).status).toBe(404);
    expect((await server.post('/v1/leases/release', unknown)).status).toBe(404);
    expect(
      (await server.post('/v1/leases/renew', { lease_id: 'garbage', owner_key: 'x' })).status,
    ).toBe(404);
    const wrong = { lease_id: lease.body.lease_id, owner_key: 'not-the-key' };
    expect((await server.post('/v1/leases/renew', wrong)).status).toBe(403);
    expect((await server.post('/v1/leases/release', wrong)).status).toBe(403);
    expect((await server.get('/v1/leases/owned')).body).toMatchObject({
      status: 'held',
      token: lease.body.token,
    });
    const owner = { lease_id: lease.body.lease_id, owner_key: lease.body.owner_key };
    expect((await server.post('/v1/leases/release', owner)).status).toBe(200);
    expect((await server.post('/v1/leases/release', owner)).body).toMatchObject({ replayed: true });
    const renew = await server.post('/v1/leases/renew', owner);
    expect(renew.status).toBe(410);
    expect(renew.body.reason).toBe('released');
  });

  test('resource names of 300+ characters, with quotes, slashes, SQL and unicode', async () => {
    const names = [
      'r'.repeat(333),
      'src/"quoted" \'single\'/path\\back',
      "'; DROP TABLE leases; --",
      'mem/🧠/ünïcödé/中文',
      '%2F?#&=+ spaces',
    ];
    for (const name of names) {
      const lease = await acquire(name, 'agent-u');
      expect(lease.status, name).toBe(201);
      expect(lease.body.resource).toBe(name);
      const status = await server.get(`/v1/leases/${encodeURIComponent(name)}`);
      expect(status.status, name).toBe(200);
      expect(status.body).toMatchObject({ resource: name, holder: 'agent-u', status: 'held' });
      const history = await server.get(`/v1/leases/${encodeURIComponent(name)}/history`);
      expect(history.body.events.map((e: { kind: string }) => e.kind)).toEqual(['granted']);
      const owner = { lease_id: lease.body.lease_id, owner_key: lease.body.owner_key };
      expect((await server.post('/v1/leases/release', owner)).status, name).toBe(200);
    }
    const listed = await server.get(`/v1/leases?status=free&limit=1000`);
    const free = listed.body.leases.map((l: { resource: string }) => l.resource);
    expect(free).toEqual(expect.arrayContaining(names));
  });

  test('I-1: 20 parallel acquires of one resource: exactly one 201', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acquire('contended', `racer-${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = answers.find((a) => a.status === 201)!;
    expect((await server.get('/v1/leases/contended')).body.holder).toBe(winner.body.holder);
  });

  test('I-8: a retried acquire with the same request_id gets the same grant, not a second one', async () => {
    const first = await acquire('idempotent', 'agent-a', { request_id: 'req-1' });
    const retry = await acquire('idempotent', 'agent-a', { request_id: 'req-1' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({
      token: first.body.token,
      owner_key: first.body.owner_key,
      replayed: true,
    });
    const thief = await acquire('idempotent', 'agent-b', { request_id: 'req-1' });
    expect(thief.status).toBe(400);
    expect(thief.body.field).toBe('request_id');
    expect(JSON.stringify(thief.body)).not.toContain(first.body.owner_key);
  });

  test('a waiting acquire is handed the lease when it is released (woken, not at expiry)', async () => {
    const held = await acquire('handoff', 'agent-a');
    const waiting = acquire('handoff', 'agent-b', { wait_ms: 60_000 });
    await expect.poll(async () => metric('leasehold_waiters'), { timeout: 30_000 }).toBe(1);
    await server.post('/v1/leases/release', {
      lease_id: held.body.lease_id,
      owner_key: held.body.owner_key,
    });
    const granted = await waiting;
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ holder: 'agent-b', token: held.body.token + 1 });
    // The lease had 5 minutes left: only the release could have ended the wait.
    expect(granted.body.acquired_at < held.body.expires_at).toBe(true);
  });

  test('admin: force-release fences the holder (410), release-holder, cleanup, config', async () => {
    const lease = await acquire('evicted', 'crashed-agent');
    const mismatch = await server.post('/v1/admin/force-release', {
      resource: 'evicted',
      expected_holder: 'someone-else',
    });
    expect(mismatch.status).toBe(409);
    const forced = await server.post('/v1/admin/force-release', {
      resource: 'evicted',
      expected_holder: 'crashed-agent',
    });
    expect(forced.body).toMatchObject({
      released: true,
      previous_holder: 'crashed-agent',
      token: lease.body.token + 1,
    });
    const renew = await server.post('/v1/leases/renew', {
      lease_id: lease.body.lease_id,
      owner_key: lease.body.owner_key,
    });
    expect(renew.status).toBe(410);
    expect(renew.body.reason).toBe('forceReleased');
    expect((await acquire('evicted', 'agent-b')).body.token).toBe(lease.body.token + 2);

    await acquire('crash/1', 'crashed-2');
    await acquire('crash/2', 'crashed-2');
    const all = await server.post('/v1/admin/release-holder', { holder: 'crashed-2' });
    expect(all.body.released.map((r: { resource: string }) => r.resource)).toEqual([
      'crash/1',
      'crash/2',
    ]);
    expect((await server.get('/v1/leases?holder=crashed-2&status=held')).body.leases).toEqual([]);

    await acquire('stale', 'agent-s', { ttl_ms: 1_000 });
    await advance(1_000 + GRACE_AND_SKEW_MS);
    const cleaned = await server.post('/v1/admin/cleanup', {});
    expect(cleaned.status).toBe(200);
    expect(cleaned.body.expired).toContain('stale');
    expect((await server.get('/v1/leases/stale')).body).toMatchObject({
      status: 'free',
      freed_by: 'expired',
    });

    const config = await server.get('/v1/admin/config');
    expect(config.body).toMatchObject({ default_ttl_ms: 300_000, grace_ms: 1_000 });
    const bad = await server.post('/v1/admin/config', {});
    expect(bad.status).toBe(404);
    const put = await fetch(`${server.url}/v1/admin/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ default_ttl_ms: 120_000 }),
    });
    expect(put.status).toBe(200);
    expect((await acquire('config-applied', 'agent-c')).body.ttl_ms).toBe(120_000);
    const refused = await fetch(`${server.url}/v1/admin/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ default_ttl_ms: 10 }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { field: string }).field).toBe('default_ttl_ms');
    await fetch(`${server.url}/v1/admin/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ default_ttl_ms: 300_000 }),
    });
  });

  test('metrics, health, readiness and the OpenAPI document', async () => {
    expect((await server.get('/healthz')).status).toBe(200);
    expect((await server.get('/readyz')).body).toEqual({ status: 'ready' });
    const text = (await server.get('/metrics')).body as string;
    for (const name of ['grants', 'conflicts', 'renewals', 'expirations', 'force_releases']) {
      expect(text).toMatch(new RegExp(`^leasehold_${name}_total [1-9]`, 'm'));
    }
    expect(text).toMatch(/^leasehold_active_leases \d+/m);
    expect(text).toContain('leasehold_http_request_duration_seconds_bucket');
    const openapi = (await server.get('/openapi.json')).body;
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/leases/acquire',
        '/v1/leases/renew',
        '/v1/leases/release',
        '/v1/leases/{resource}',
      ]),
    );
    const acquireSchema =
      openapi.paths['/v1/leases/acquire'].post.requestBody.content['application/json'].schema;
    expect(acquireSchema.required).toEqual(['resource', 'holder']);
    expect(acquireSchema.properties).toMatchObject({
      max_renewals: { type: 'integer', minimum: 0 },
      max_age_ms: { type: 'integer', minimum: 1 },
    });
  });

  test("a lease's own limits: kept with it, shown in status and list, enforced at renew, capped at max age", async () => {
    const renew = (lease: { body: { lease_id: string; owner_key: string } }, extra = {}) =>
      server.post('/v1/leases/renew', {
        lease_id: lease.body.lease_id,
        owner_key: lease.body.owner_key,
        ...extra,
      });
    const lease = await acquire('limited', 'agent-l', {
      ttl_ms: 10_000,
      max_renewals: 1,
      max_age_ms: 15_000,
    });
    expect(lease.status).toBe(201);
    expect(lease.body).toMatchObject({ max_renewals: 1, max_age_ms: 15_000, renewals: 0 });
    const status = await server.get('/v1/leases/limited');
    expect(status.body).toMatchObject({ status: 'held', max_renewals: 1, max_age_ms: 15_000 });
    const listed = await server.get('/v1/leases?holder=agent-l');
    expect(listed.body.leases).toEqual([
      expect.objectContaining({ resource: 'limited', max_renewals: 1, max_age_ms: 15_000 }),
    ]);
    // 8 s in, a renewal for 10 s would run to 18 s: capped at the max age, 15 s from the grant.
    await advance(8_000);
    const capped = await renew(lease);
    expect(capped.status).toBe(200);
    expect(capped.body).toMatchObject({ renewals: 1, max_renewals: 1, max_age_ms: 15_000 });
    expect(capped.body.expires_at_ms).toBe(lease.body.acquired_at_ms + 15_000);
    // The lease's own limit: refused, naming it and its value.
    const refused = await renew(lease);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'max_renewals_reached',
      renewals: 1,
      max_renewals: 1,
      limit: 'lease',
    });
    expect(refused.body.message).toMatch(/the lease's own limit allows \(max_renewals 1\)/);
    // A lease without limits shows none.
    await acquire('unlimited', 'agent-l');
    expect((await server.get('/v1/leases/unlimited')).body).toMatchObject({
      max_renewals: null,
      max_age_ms: null,
    });
    // Bad limits are a 400 naming the field, and change nothing.
    const short = await acquire('bad-limits', 'agent-l', { ttl_ms: 10_000, max_age_ms: 9_999 });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ error: 'invalid', field: 'max_age_ms' });
    expect(short.body.message).toMatch(/^max_age_ms must be at least the lease's TTL \(10000 ms\)/);
    const negative = await acquire('bad-limits', 'agent-l', { max_renewals: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.field).toBe('max_renewals');
    expect((await server.get('/v1/leases/bad-limits')).body.status).toBe('free');
  });

  test("the deployment's renewal limit still applies beside a lease's own: the tighter wins", async () => {
    const put = (body: object) =>
      fetch(`${server.url}/v1/admin/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put({ max_renewals: 1 })).status).toBe(200);
    try {
      const lease = await acquire('tighter', 'agent-t', { max_renewals: 5 });
      expect(lease.body.max_renewals).toBe(5);
      const body = { lease_id: lease.body.lease_id, owner_key: lease.body.owner_key };
      expect((await server.post('/v1/leases/renew', body)).status).toBe(200);
      const refused = await server.post('/v1/leases/renew', body);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ max_renewals: 1, limit: 'deployment' });
      expect(refused.body.message).toMatch(/the deployment's limit allows \(max_renewals 1\)/);
    } finally {
      expect((await put({ max_renewals: null })).status).toBe(200);
    }
  });

  test('owner keys never reach the log', async () => {
    const lease = await acquire('secret-check', 'agent-k');
    await server.post('/v1/leases/renew', {
      lease_id: lease.body.lease_id,
      owner_key: lease.body.owner_key,
    });
    await server.post('/v1/leases/renew', {
      lease_id: lease.body.lease_id,
      owner_key: 'wrong-key-value',
    });
    expect(server.stdout()).toContain('"statusCode":403');
    expect(server.stdout()).not.toContain(lease.body.owner_key);
    expect(server.stdout()).not.toContain('wrong-key-value');
  });

  async function metric(name: string): Promise<number> {
    const text = (await server.get('/metrics')).body as string;
    return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]);
  }
});
