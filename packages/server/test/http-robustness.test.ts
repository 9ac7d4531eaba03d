import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServerProcess, tempDb, type ServerProcess } from './server-process.js';

// Bad input, restarts, shutdown, API keys and the rate limit, against real server processes.

const POST_ROUTES = [
  '/v1/leases/acquire',
  '/v1/leases/renew',
  '/v1/leases/release',
  '/v1/admin/force-release',
  '/v1/admin/release-holder',
] as const;

describe('bad input never changes state or stops the server', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  let lease: { lease_id: string; owner_key: string };

  beforeAll(async () => {
    server = await startServerProcess(['--db', tempDb(), '--log-level', 'warn']);
    const granted = await server.post('/v1/leases/acquire', {
      resource: 'kept',
      holder: 'agent-a',
    });
    lease = { lease_id: granted.body.lease_id, owner_key: granted.body.owner_key };
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  /** Every record as the store keeps it (status aside: that moves with the clock). */
  async function snapshot(): Promise<string> {
    const listed = await server.get('/v1/leases?limit=1000');
    expect(listed.status).toBe(200);
    return JSON.stringify(
      listed.body.leases.map((l: Record<string, unknown>) => ({ ...l, status: undefined })),
    );
  }

  const raw = (path: string, body: string, contentType = 'application/json') =>
    fetch(server.url + path, { method: 'POST', headers: { 'content-type': contentType }, body });

  test('each kind of bad input is a 4xx that names what was wrong', async () => {
    const before = await snapshot();
    const cases: [string, unknown, number, string | undefined][] = [
      ['/v1/leases/acquire', '{"resource": "x", "holder": ', 400, undefined],
      ['/v1/leases/acquire', { resource: 5, holder: 'h' }, 400, 'resource'],
      ['/v1/leases/acquire', { resource: 'x', holder: ['h'] }, 400, 'holder'],
      ['/v1/leases/acquire', { holder: 'h' }, 400, 'resource'],
      ['/v1/leases/acquire', { resource: 'x' }, 400, 'holder'],
      ['/v1/leases/acquire', { resource: 'x', holder: 'h', owner: 'me' }, 400, 'owner'],
      ['/v1/leases/acquire', { resource: 'x', holder: 'h', ttl_ms: 1 }, 400, 'ttl_ms'],
      ['/v1/leases/acquire', { resource: 'x', holder: 'h', ttl_ms: 1e12 }, 400, 'ttl_ms'],
      [
        '/v1/leases/acquire',
        { resource: 'x', holder: 'h', ttl_seconds: 10_000_000 },
        400,
        'ttl_seconds',
      ],
      ['/v1/leases/acquire', { resource: 'x', holder: 'h', ttl_ms: 2.5 }, 400, 'ttl_ms'],
      ['/v1/leases/acquire', { resource: 'x', holder: 'h', ttl_ms: '60000' }, 400, 'ttl_ms'],
      [
        '/v1/leases/acquire',
        { resource: 'x', holder: 'h', ttl_ms: 60_000, ttl_seconds: 60 },
        400,
        'ttl_ms',
      ],
      ['/v1/leases/acquire', { resource: 'x', holder: 'h', wait_ms: 3_600_000 }, 400, 'wait_ms'],
      ['/v1/leases/acquire', { resource: 'é'.repeat(513), holder: 'h' }, 400, 'resource'],
      ['/v1/leases/acquire', { resource: 'x'.repeat(1025), holder: 'h' }, 400, 'resource'],
      ['/v1/leases/acquire', { resource: '', holder: 'h' }, 400, 'resource'],
      ['/v1/leases/acquire', [], 400, undefined],
      ['/v1/leases/acquire', 'null', 400, undefined],
      ['/v1/leases/renew', { lease_id: lease.lease_id }, 400, 'owner_key'],
      ['/v1/leases/renew', { ...lease, ttl_ms: -5 }, 400, 'ttl_ms'],
      ['/v1/leases/release', { ...lease, extra: true }, 400, 'extra'],
      ['/v1/admin/force-release', {}, 400, 'resource'],
      ['/v1/admin/release-holder', { holder: 7 }, 400, 'holder'],
    ];
    for (const [path, body, status, field] of cases) {
      const answer = await server.post(path, body);
      const what = `${path} ${typeof body === 'string' ? body : JSON.stringify(body).slice(0, 60)}`;
      expect(answer.status, what).toBe(status);
      expect(answer.body.error, what).toMatch(/^(invalid|malformed_json)$/);
      if (field !== undefined) expect(answer.body.field, what).toBe(field);
    }
    expect(
      (
        await raw(
          '/v1/leases/acquire',
          JSON.stringify({ resource: 'x'.repeat(20_000), holder: 'h' }),
        )
      ).status,
    ).toBe(413);
    expect((await raw('/v1/leases/acquire', 'resource=x', 'text/plain')).status).toBe(415);
    expect((await raw('/v1/leases/acquire', '')).status).toBe(400);
    expect((await server.get('/v1/leases?limit=abc')).status).toBe(400);
    expect((await server.get('/v1/leases?limit=0')).status).toBe(400);
    expect((await server.get('/v1/leases?bogus=1')).status).toBe(400);
    expect((await server.get('/v1/leases?status=gone')).status).toBe(400);
    expect((await server.get(`/v1/leases/${'x'.repeat(1025)}`)).status).toBe(400);
    expect((await server.get('/v1/nothing-here')).status).toBe(404);
    expect(await snapshot()).toBe(before);
    expect((await server.get('/healthz')).status).toBe(200);
    expect(
      (await server.post('/v1/leases/acquire', { resource: 'after', holder: 'h' })).status,
    ).toBe(201);
  });

  test('property: arbitrary JSON bodies never get a 5xx, and a 4xx never changes state', async () => {
    const field = fc.constantFrom(
      'resource',
      'holder',
      'ttl_ms',
      'ttl_seconds',
      'request_id',
      'wait_ms',
      'lease_id',
      'owner_key',
      'min_interval_ms',
      'expected_holder',
      'extra',
    );
    const value = fc.oneof(
      fc.jsonValue(),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.integer(),
      fc.constantFrom(lease.lease_id, lease.owner_key, 'kept', 'agent-a', 0, -1, 2 ** 31, 1e300),
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(field, value, { maxKeys: 5 }),
      fc.string({ maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_ROUTES), body, async (path, payload) => {
        const before = await snapshot();
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        const response = await raw(path, text ?? 'null');
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
        if (response.status >= 400) expect(await snapshot()).toBe(before);
      }),
      { numRuns: 300 },
    );
    expect((await server.get('/healthz')).status).toBe(200);
  });
});

describe('restart and shutdown', { timeout: 300_000 }, () => {
  test('a restart keeps every lease (same holder, token, expiry; the old owner key still renews) and the runtime settings', async () => {
    const db = tempDb();
    const first = await startServerProcess(['--db', db, '--log-level', 'warn']);
    const lease = (
      await first.post('/v1/leases/acquire', { resource: 'durable', holder: 'agent-a' })
    ).body;
    const put = await fetch(`${first.url}/v1/admin/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ default_ttl_ms: 120_000, history_retention_ms: 86_400_000 }),
    });
    expect(put.status).toBe(200);
    expect(await first.stop()).toBe(0);
    const second = await startServerProcess(['--db', db, '--log-level', 'warn']);
    try {
      const status = (await second.get('/v1/leases/durable')).body;
      expect(status).toMatchObject({
        status: 'held',
        holder: 'agent-a',
        token: lease.token,
        expires_at: lease.expires_at,
      });
      expect(
        (await second.post('/v1/leases/acquire', { resource: 'durable', holder: 'agent-b' }))
          .status,
      ).toBe(409);
      // The runtime settings are kept in the store too.
      expect((await second.get('/v1/admin/config')).body).toMatchObject({
        default_ttl_ms: 120_000,
        history_retention_ms: 86_400_000,
      });
      const renewed = await second.post('/v1/leases/renew', {
        lease_id: lease.lease_id,
        owner_key: lease.owner_key,
      });
      expect(renewed.status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  test('two services on one SQLite file: a release through one hands off to a waiter on the other', async () => {
    const db = tempDb();
    const [one, two] = await Promise.all([
      startServerProcess(['--db', db, '--log-level', 'warn']),
      startServerProcess(['--db', db, '--log-level', 'warn']),
    ]);
    try {
      const lease = (
        await one.post('/v1/leases/acquire', { resource: 'shared', holder: 'agent-a' })
      ).body;
      const waiting = two.post('/v1/leases/acquire', {
        resource: 'shared',
        holder: 'agent-b',
        wait_ms: 60_000,
      });
      await expect
        .poll(async () => /^leasehold_waiters 1$/m.test((await two.get('/metrics')).body), {
          timeout: 30_000,
        })
        .toBe(true);
      await one.post('/v1/leases/release', {
        lease_id: lease.lease_id,
        owner_key: lease.owner_key,
      });
      const granted = await waiting;
      expect(granted.status).toBe(201);
      // Five minutes of lease were left: only the release (seen through the file) ended the wait.
      expect(granted.body).toMatchObject({ holder: 'agent-b', token: lease.token + 1 });
      expect(granted.body.acquired_at < lease.expires_at).toBe(true);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  test('SIGTERM: a waiting acquire answers 503, the process exits 0', async () => {
    const server = await startServerProcess(['--db', tempDb(), '--log-level', 'warn']);
    await server.post('/v1/leases/acquire', { resource: 'busy', holder: 'agent-a' });
    const waiting = server.post('/v1/leases/acquire', {
      resource: 'busy',
      holder: 'agent-b',
      wait_ms: 60_000,
    });
    await expect
      .poll(async () => /^leasehold_waiters 1$/m.test((await server.get('/metrics')).body), {
        timeout: 30_000,
      })
      .toBe(true);
    const code = server.stop();
    const answer = await waiting;
    expect(answer.status).toBe(503);
    expect(await code).toBe(0);
    expect(server.stderr()).toContain('every lease is kept');
  });
});

describe('API keys and the rate limit', { timeout: 300_000 }, () => {
  const db = tempDb();
  const authFile = join(dirname(db), 'auth.json');
  const keys = {
    a: 'key-agent-a-0123456789',
    b: 'key-agent-b-0123456789',
    admin: 'key-admin-0123456789',
  };
  let server: ServerProcess;

  beforeAll(async () => {
    writeFileSync(
      authFile,
      JSON.stringify({
        keys: [
          { key: keys.a, holder: 'agent-a' },
          { key: keys.b, holder: 'agent-b' },
          { key: keys.admin, admin: true },
        ],
      }),
    );
    server = await startServerProcess(['--db', db, '--auth-file', authFile, '--rate-limit', '30']);
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  test('an agent acts only as its own holder; admin routes need an admin key', async () => {
    expect(
      (await server.post('/v1/leases/acquire', { resource: 'r', holder: 'agent-a' })).status,
    ).toBe(401);
    expect(
      (
        await server.post(
          '/v1/leases/acquire',
          { resource: 'r', holder: 'agent-a' },
          as('wrong-key-0123456789'),
        )
      ).status,
    ).toBe(401);
    expect(
      (await server.post('/v1/leases/acquire', { resource: 'r', holder: 'agent-b' }, as(keys.a)))
        .status,
    ).toBe(403);
    const lease = await server.post(
      '/v1/leases/acquire',
      { resource: 'r', holder: 'agent-a' },
      as(keys.a),
    );
    expect(lease.status).toBe(201);
    const owner = { lease_id: lease.body.lease_id, owner_key: lease.body.owner_key };
    // Even with the lease id and the owner key, agent-b's API key cannot renew agent-a's lease.
    expect((await server.post('/v1/leases/renew', owner, as(keys.b))).status).toBe(403);
    expect((await server.post('/v1/leases/renew', owner, as(keys.a))).status).toBe(200);
    expect(
      (await server.post('/v1/admin/force-release', { resource: 'r' }, as(keys.a))).status,
    ).toBe(403);
    expect(
      (await server.post('/v1/admin/force-release', { resource: 'r' }, as(keys.admin))).status,
    ).toBe(200);
    expect((await server.get('/healthz')).status).toBe(200);
    expect(server.stdout()).not.toContain(keys.a);
  });

  test('past its limit a holder gets 429; another holder is still served', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const answer = await server.get('/v1/leases/r', as(keys.b));
      if (answer.status === 429) limited += 1;
    }
    expect(limited).toBeGreaterThan(0);
    expect((await server.get('/v1/leases/r', as(keys.a))).status).toBe(200);
  });
});

describe(
  'without API keys, the rate limit counts each holder on its own',
  { timeout: 300_000 },
  () => {
    let server: ServerProcess;

    beforeAll(async () => {
      server = await startServerProcess([
        '--db',
        tempDb(),
        '--rate-limit',
        '3',
        '--log-level',
        'warn',
      ]);
    }, 120_000);
    afterAll(async () => {
      await server.stop();
    });
    // What HttpLeaseClient and the agent CLI send with every request (percent-encoded).
    const as = (holder: string) => ({ 'leasehold-holder': encodeURIComponent(holder) });

    test("one holder's status checks never throttle another's heartbeat, on any route", async () => {
      const granted = await server.post(
        '/v1/leases/acquire',
        { resource: 'shared.md', holder: 'agent-b' },
        as('agent-b'),
      );
      expect(granted.status).toBe(201);
      const lease = { lease_id: granted.body.lease_id, owner_key: granted.body.owner_key };
      const checks: number[] = [];
      for (let i = 0; i < 5; i++)
        checks.push((await server.get('/v1/leases/shared.md', as('agent-ä'))).status);
      expect(checks).toEqual([200, 200, 200, 429, 429]);
      // Requests that name no holder are counted by address, apart from both.
      const unnamed: number[] = [];
      for (let i = 0; i < 4; i++) unnamed.push((await server.get('/v1/leases')).status);
      expect(unnamed).toEqual([200, 200, 200, 429]);
      expect((await server.post('/v1/leases/renew', lease, as('agent-b'))).status).toBe(200);
      // agent-b's third request; its fourth is over the limit, whichever route.
      expect((await server.get('/v1/leases/shared.md', as('agent-b'))).status).toBe(200);
      const over = await server.post('/v1/leases/release', lease, as('agent-b'));
      expect(over.status).toBe(429);
      expect(over.body.message).toContain('more than 3 requests a minute');
    });
  },
);
