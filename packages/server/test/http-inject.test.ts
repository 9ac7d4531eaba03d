import { ManualClock } from '@leasehold/client';
import {
  ApiKeys,
  buildHttpApp,
  LeaseService,
  serviceMetrics,
  type App,
  type HttpAppOptions,
} from '@leasehold/server';
import { MemoryStore } from '@leasehold/store';
import { afterEach, describe, expect, it } from 'vitest';
import { counterRandom } from './test-service';

// The fastify shell in this process (fastify's own `inject`, no socket), over the service on a
// test clock: what the shell adds around the request path (fastify's errors as JSON, API keys,
// the rate limit, probes, metrics, the OpenAPI document). http-service.test.ts and
// http-robustness.test.ts run the same shell as a real `leasehold serve` process.

const opened: App[] = [];
afterEach(async () => {
  for (const a of opened.splice(0)) await a.close();
});

async function app(options: Partial<HttpAppOptions> = {}): Promise<App> {
  const made: { service?: LeaseService } = {};
  const metrics = serviceMetrics({
    activeLeases: async () => (made.service === undefined ? 0 : made.service.queries.countActive()),
    waiters: () => 0,
  });
  const clock = new ManualClock(1_767_225_600_000, 0);
  const service = await LeaseService.open({
    store: new MemoryStore(),
    clock,
    random: counterRandom(),
    observer: metrics.observer,
  });
  if (service.kind !== 'ok') throw new Error(service.reason);
  made.service = service.service;
  const built = await buildHttpApp({
    service: service.service,
    metrics,
    advanceClock: (ms) => clock.advance(ms),
    ...options,
  });
  opened.push(built);
  return built;
}

const json = { 'content-type': 'application/json' };
const acquire = (holder: string, resource = 'r') => ({
  method: 'POST' as const,
  url: '/v1/leases/acquire',
  headers: json,
  payload: JSON.stringify({ resource, holder, ttl_ms: 60_000 }),
});

describe('the fastify shell, in process', () => {
  it('serves the request path: a grant, then 409 naming the holder, counted in the metrics', async () => {
    const a = await app();
    const granted = await a.inject(acquire('alice'));
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toMatchObject({ resource: 'r', holder: 'alice', token: 1 });
    const held = await a.inject(acquire('bob'));
    expect(held.statusCode).toBe(409);
    expect(held.json()).toMatchObject({ error: 'held', holder: 'alice', token: 1 });
    const metrics = (await a.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^leasehold_grants_total 1$/m);
    expect(metrics).toMatch(/^leasehold_conflicts_total 1$/m);
    expect(metrics).toMatch(/^leasehold_active_leases 1$/m);
    expect(metrics).toMatch(
      /^leasehold_http_request_duration_seconds_count\{method="POST",route="\/v1\/leases\/acquire",status_code="201"\} 1$/m,
    );
  });

  it("fastify's own errors answer as JSON that says what was wrong", async () => {
    const a = await app();
    const post = (payload: string, headers: Record<string, string> = json) =>
      a.inject({ method: 'POST', url: '/v1/leases/acquire', headers, payload });
    const malformed = await post('{"resource": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({
      error: 'malformed_json',
      message: 'the body is not valid JSON',
    });
    const empty = await post('');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ error: 'malformed_json', message: 'the JSON body is empty' });
    const text = await post('resource=r', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toEqual({
      error: 'unsupported_media_type',
      message: 'send application/json',
    });
    const large = await post(JSON.stringify({ resource: 'r', holder: 'x'.repeat(2_000_000) }));
    expect(large.statusCode).toBe(413);
    expect(large.json()).toEqual({
      error: 'too_large',
      message: 'the body is over the size limit',
    });
    const nowhere = await a.inject({ method: 'GET', url: '/v2/leases?x=1' });
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.json()).toEqual({ error: 'not_found', message: 'no route GET /v2/leases' });
  });

  it('with API keys: none or an unknown one is 401, the test routes need an admin key', async () => {
    const parsed = ApiKeys.parse(
      JSON.stringify({
        keys: [
          { key: 'alice-key-0123456789', holder: 'alice' },
          { key: 'admin-key-0123456789', admin: true },
        ],
      }),
      'keys.json',
    );
    if (parsed.kind !== 'ok') throw new Error(parsed.reason);
    const a = await app({ apiKeys: parsed.keys });
    const none = await a.inject(acquire('alice'));
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({
      error: 'unauthorized',
      message: 'send Authorization: Bearer <API key>',
    });
    const alice = { ...json, authorization: 'Bearer alice-key-0123456789' };
    const ok = await a.inject({ ...acquire('alice'), headers: alice });
    expect(ok.statusCode).toBe(201);
    const advance = {
      method: 'POST' as const,
      url: '/v1/admin/test/advance-clock',
      payload: JSON.stringify({ ms: 1_000 }),
    };
    const forbidden = await a.inject({ ...advance, headers: alice });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({
      error: 'forbidden',
      message: 'admin routes need an admin key',
    });
    const admin = { ...json, authorization: 'Bearer admin-key-0123456789' };
    const advanced = await a.inject({ ...advance, headers: admin });
    expect(advanced.json()).toEqual({ advanced_ms: 1_000 });
    const bad = await a.inject({ ...advance, headers: admin, payload: '{"ms": 1.5}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid', field: 'ms' });
    // The probes and the document need no key.
    expect((await a.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('counts requests against the holder they name: one runaway agent does not stop another', async () => {
    const a = await app({ rateLimitPerMinute: 2 });
    const named = (holder: string) => ({ ...json, 'leasehold-holder': holder });
    const status = (holder: string) =>
      a.inject({ method: 'GET', url: '/v1/leases/r', headers: named(holder) });
    expect((await status('alice')).statusCode).toBe(200);
    expect((await status('alice')).statusCode).toBe(200);
    const limited = await status('alice');
    expect(limited.statusCode).toBe(429);
    // The time to wait is fastify's count of the real minute left: its words, not checked here.
    expect(limited.json().error).toBe('rate_limited');
    expect(limited.json().message).toMatch(/^more than 2 requests a minute; retry in \S/);
    // Bob's own count; his acquire is counted against the holder it names.
    expect((await status('bob')).statusCode).toBe(200);
    expect((await a.inject(acquire('bob'))).statusCode).toBe(201);
  });

  it('probes say whether the store answers, and the OpenAPI document lists the routes', async () => {
    const down = await app({ ready: async () => false });
    const ready = await down.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'store unavailable' });
    const up = await app();
    expect((await up.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
    });
    const doc = (await up.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toContain('/v1/leases/acquire');
    expect(Object.keys(doc.paths)).not.toContain('/v1/admin/test/advance-clock');
  });
});
