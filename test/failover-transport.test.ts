import { describe, expect, test } from 'vitest';
import {
  failoverTransport,
  LeaseApi,
  SERVICE_URLS_MAX,
  type ApiRequest,
  type FailoverEvent,
  type FailoverReplica,
  type Transport,
  type TransportReply,
} from '@leasehold/api';
import { beliefEndsAtMonoMs, DEFAULT_CONFIG } from '@leasehold/core';
import { counterIds, HttpLeaseClient, ManualClock } from '@leasehold/client';
import { handleRequest, LeaseService, type ServiceClock } from '@leasehold/server/service';
import { MemoryStore, type LeaseStore } from '@leasehold/store';

// failoverTransport over real replicas of the lease service: each is a `LeaseService` and its
// request path (`handleRequest`, what fastify calls) over one shared MemoryStore, reached with
// JSON both ways as over HTTP. The faults are wrappers around them: a replica that is down (the
// connection refused), one whose store is unreachable (it answers 503 itself), one whose answer
// is lost after it applied the request, one that never answers in time.

interface Replica {
  readonly name: string;
  /** What each request that reached it carried. */
  readonly seen: ApiRequest[];
  /** Down: the connection is refused, the service never sees the request. */
  down: boolean;
  /** Its store calls fail: the service answers 503. */
  storeDown: boolean;
  /** It applies the request and its answer is lost (the connection reset). */
  loseAnswer: boolean;
  /** It never answers: its caller waits out its whole time (moved on the test clock). */
  hang: boolean;
  readonly transport: Transport;
}

/** A store view that fails every call while its replica cannot reach the store. */
function reachableWhile(store: LeaseStore, up: () => boolean): LeaseStore {
  const unavailable = { kind: 'unavailable', reason: 'store unreachable' } as const;
  return {
    read: async (resource) => (up() ? store.read(resource) : unavailable),
    compareAndSet: async (resource, version, record, event) =>
      up()
        ? store.compareAndSet(resource, version, record, event)
        : { ...unavailable, maybeApplied: false },
    list: (options) => store.list(options),
    listByHolder: (holder, options) => store.listByHolder(holder, options),
    history: (resource, options) => store.history(resource, options),
    pruneHistory: (beforeMs) => store.pruneHistory(beforeMs),
    close: async () => {},
  };
}

async function replicasOver(names: readonly string[], clock: ManualClock): Promise<Replica[]> {
  const store = new MemoryStore();
  // The replicas' own clock: their retries' back-off passes at once, moving it (never the
  // client's, whose time the tests move).
  const moved = new ManualClock(clock.wallMs(), clock.monoMs());
  const serviceClock: ServiceClock = {
    wallMs: () => moved.wallMs(),
    monoMs: () => moved.monoMs(),
    sleep: async (ms) => moved.advance(ms),
  };
  let bytes = 0;
  const random = (count: number) => Uint8Array.from({ length: count }, () => ++bytes % 256);
  return Promise.all(
    names.map(async (name) => {
      const replica: Replica = {
        name,
        seen: [],
        down: false,
        storeDown: false,
        loseAnswer: false,
        hang: false,
        transport: {
          async send(request, { timeoutMs }): Promise<TransportReply> {
            if (replica.down) return { kind: 'failed', reason: 'connection refused' };
            if (replica.hang) {
              clock.advance(timeoutMs);
              return { kind: 'failed', reason: 'no answer in time' };
            }
            const sent = JSON.parse(JSON.stringify(request)) as ApiRequest;
            replica.seen.push(sent);
            const answer = await handleRequest(service, sent, null);
            if (replica.loseAnswer) return { kind: 'failed', reason: 'connection reset' };
            return {
              kind: 'reply',
              status: answer.status,
              body: JSON.parse(JSON.stringify(answer.body)),
            };
          },
        },
      };
      const opened = await LeaseService.open({
        store: reachableWhile(store, () => !replica.storeDown),
        clock: serviceClock,
        random,
      });
      if (opened.kind !== 'ok') throw new Error(opened.reason);
      const service = opened.service;
      return replica;
    }),
  );
}

function over(replicas: readonly Replica[], clock: ManualClock, events: FailoverEvent[] = []) {
  const named: FailoverReplica[] = replicas.map((r) => ({ name: r.name, transport: r.transport }));
  return failoverTransport(named, {
    monoMs: () => clock.monoMs(),
    onFailover: (event) => events.push(event),
  });
}

const acquire = (holder: string, requestId: string): ApiRequest => ({
  route: 'acquire',
  body: { resource: 'docs/a.md', holder, request_id: requestId, ttl_ms: 60_000 },
});

describe('failoverTransport over replicas of the lease service', () => {
  test('a replica that refuses the connection: the next answers, and the next request starts there', async () => {
    const clock = new ManualClock();
    const [a, b] = await replicasOver(['http://a', 'http://b'], clock);
    const events: FailoverEvent[] = [];
    const transport = over([a!, b!], clock, events);
    a!.down = true;
    const got = await transport.send(acquire('agent-1', 'req-1'), { timeoutMs: 1_000 });
    expect(got).toMatchObject({ kind: 'reply', status: 201, body: { token: 1 } });
    expect(events).toEqual([
      { from: 'http://a', to: 'http://b', reason: 'http://a: connection refused' },
    ]);
    a!.down = false;
    const status = await transport.send(
      { route: 'status', params: { resource: 'docs/a.md' } },
      { timeoutMs: 1_000 },
    );
    expect(status).toMatchObject({ kind: 'reply', status: 200, body: { holder: 'agent-1' } });
    expect(a!.seen).toEqual([]);
    expect(b!.seen.map((r) => r.route)).toEqual(['acquire', 'status']);
  });

  test('I-8 IdempotentAcquire: an acquire one replica applied before its answer was lost is answered by the next with the same grant (same request id)', async () => {
    const clock = new ManualClock();
    const [a, b] = await replicasOver(['http://a', 'http://b'], clock);
    a!.loseAnswer = true;
    const transport = over([a!, b!], clock);
    const got = await transport.send(acquire('agent-1', 'req-once'), { timeoutMs: 1_000 });
    expect(got).toMatchObject({
      kind: 'reply',
      status: 201,
      body: { token: 1, replayed: true, holder: 'agent-1' },
    });
    // The very same request went to both: its request id and every other field.
    expect(b!.seen).toEqual(a!.seen);
    expect((a!.seen[0]!.body as { request_id: string }).request_id).toBe('req-once');
  });

  test('a replica that cannot reach the store answers 503: the next serves the request', async () => {
    const clock = new ManualClock();
    const [a, b] = await replicasOver(['http://a', 'http://b'], clock);
    a!.storeDown = true;
    const events: FailoverEvent[] = [];
    const got = await over([a!, b!], clock, events).send(acquire('agent-1', 'req-2'), {
      timeoutMs: 1_000,
    });
    expect(got).toMatchObject({ kind: 'reply', status: 201, body: { token: 1 } });
    expect(events[0]?.reason).toMatch(/^http:\/\/a answered 503: /);
    expect(b!.seen).toEqual(a!.seen);
  });

  test('409 held and 400 bad input are answers: no other replica is asked', async () => {
    const clock = new ManualClock();
    const [a, b] = await replicasOver(['http://a', 'http://b'], clock);
    const transport = over([a!, b!], clock);
    await transport.send(acquire('agent-1', 'req-3'), { timeoutMs: 1_000 });
    const held = await transport.send(acquire('agent-2', 'req-4'), { timeoutMs: 1_000 });
    expect(held).toMatchObject({ kind: 'reply', status: 409, body: { holder: 'agent-1' } });
    const bad = await transport.send(
      { route: 'acquire', body: { resource: '', holder: 'agent-2' } },
      { timeoutMs: 1_000 },
    );
    expect(bad).toMatchObject({ kind: 'reply', status: 400 });
    expect(a!.seen).toHaveLength(3);
    expect(b!.seen).toEqual([]);
  });

  test('every replica down: the request fails naming every replica and why', async () => {
    const clock = new ManualClock();
    const replicas = await replicasOver(['http://a', 'http://b', 'http://c'], clock);
    for (const r of replicas) r.down = true;
    const got = await over(replicas, clock).send(acquire('agent-1', 'req-5'), {
      timeoutMs: 1_000,
    });
    expect(got).toEqual({
      kind: 'failed',
      reason:
        'no replica answered: http://a: connection refused; http://b: connection refused; ' +
        'http://c: connection refused',
    });
    // As a client's caller sees it: unavailable, every replica named.
    for (const r of replicas) r.down = false;
    const client = new HttpLeaseClient({
      transport: over(replicas, clock),
      holder: 'agent-1',
      clock,
    });
    const granted = await client.acquire('docs/b.md');
    if (granted.kind !== 'granted') throw new Error(granted.kind);
    for (const r of replicas) r.down = true;
    const outcome = await client.renew(granted.lease, { attemptsMax: 1 });
    expect(outcome).toMatchObject({ kind: 'unavailable', attempts: 1 });
    for (const name of ['http://a', 'http://b', 'http://c'])
      expect(outcome.kind === 'unavailable' && outcome.reason).toContain(name);
  });

  test('every replica answers 503: the answer is a 503 naming every replica', async () => {
    const clock = new ManualClock();
    const replicas = await replicasOver(['http://a', 'http://b'], clock);
    for (const r of replicas) r.storeDown = true;
    const got = await over(replicas, clock).send(acquire('agent-1', 'req-6'), {
      timeoutMs: 1_000,
    });
    expect(got).toMatchObject({ kind: 'reply', status: 503, body: { error: 'unavailable' } });
    const message = (got as { body: { message: string } }).body.message;
    expect(message).toMatch(
      /^no replica could serve it: http:\/\/a answered 503: .*; http:\/\/b answered 503: /,
    );
    // Still a reply the API declares.
    const api = new LeaseApi(over(replicas, clock));
    const input = { body: acquire('agent-1', 'req-7').body };
    expect(await api.call('acquire', input, 1_000)).toMatchObject({
      kind: 'reply',
      status: 503,
    });
  });

  test("the request's time spans every attempt: a replica that used it up leaves none to the next, which the next request starts at", async () => {
    const clock = new ManualClock();
    const [a, b] = await replicasOver(['http://a', 'http://b'], clock);
    a!.hang = true;
    const transport = over([a!, b!], clock);
    const first = await transport.send(acquire('agent-1', 'req-8'), { timeoutMs: 1_000 });
    expect(first).toEqual({
      kind: 'failed',
      reason:
        "no replica answered: http://a: no answer in time; http://b: not tried, the request's time ran out",
    });
    expect(b!.seen).toEqual([]);
    const again = await transport.send(acquire('agent-1', 'req-8'), { timeoutMs: 1_000 });
    expect(again).toMatchObject({ kind: 'reply', status: 201 });
    expect(b!.seen).toHaveLength(1);
  });

  test('each attempt is given whole milliseconds, whatever the clock reads (a timer takes no fraction)', async () => {
    let monoMs = 0.25;
    const given: number[] = [];
    // Replicas where nothing listens, each refusing 100.5 ms after the attempt.
    const nothingListens = (name: string): FailoverReplica => ({
      name,
      transport: {
        async send(_request, { timeoutMs }) {
          given.push(timeoutMs);
          monoMs += 100.5;
          return { kind: 'failed', reason: 'connection refused' };
        },
      },
    });
    const transport = failoverTransport(
      [nothingListens('a'), nothingListens('b'), nothingListens('c')],
      { monoMs: () => monoMs },
    );
    await transport.send({ route: 'status', params: { resource: 'x' } }, { timeoutMs: 1_000 });
    expect(given).toEqual([1_000, 899, 799]);
  });

  test('a failed replica is tried again when a later request comes round to it', async () => {
    const clock = new ManualClock();
    const [a, b] = await replicasOver(['http://a', 'http://b'], clock);
    const transport = over([a!, b!], clock);
    const status: ApiRequest = { route: 'status', params: { resource: 'x' } };
    a!.down = true;
    await transport.send(status, { timeoutMs: 1_000 });
    b!.down = true;
    a!.down = false;
    expect(await transport.send(status, { timeoutMs: 1_000 })).toMatchObject({ status: 200 });
    expect(a!.seen).toHaveLength(1);
  });

  test('HttpLeaseClient over failover: the belief counts from before the first attempt, not from the replica that granted', async () => {
    const clock = new ManualClock(1_700_000_000_000, 5_000);
    const [a, b] = await replicasOver(['http://a', 'http://b'], clock);
    // The first replica answers the client's status read, then takes 300 ms to refuse its
    // acquire; the second grants it.
    const slowRefusal: Transport = {
      async send(request, options) {
        if (request.route !== 'acquire') return a!.transport.send(request, options);
        clock.advance(300);
        return { kind: 'failed', reason: 'connection refused' };
      },
    };
    const transport = failoverTransport(
      [
        { name: 'http://a', transport: slowRefusal },
        { name: 'http://b', transport: b!.transport },
      ],
      { monoMs: () => clock.monoMs() },
    );
    const client = new HttpLeaseClient({
      transport,
      holder: 'agent-1',
      clock,
      ids: counterIds('t'),
      config: DEFAULT_CONFIG,
    });
    const got = await client.acquire('docs/a.md', { ttlMs: 60_000 });
    expect(got.kind).toBe('granted');
    if (got.kind !== 'granted') return;
    expect(a!.seen.map((r) => r.route)).toEqual(['status']);
    expect(b!.seen.map((r) => r.route)).toEqual(['acquire']);
    // Sent at mono 5000 (to a, which refused 300 ms later): b's grant counts from 5000, not 5300.
    expect(got.lease.validUntilMonoMs).toBe(beliefEndsAtMonoMs(5_000, 60_000, DEFAULT_CONFIG));
  });

  test('no replica, or more than SERVICE_URLS_MAX, is a programmer error', () => {
    const monoMs = () => 0;
    expect(() => failoverTransport([], { monoMs })).toThrow('at least one replica');
    const many = Array.from({ length: SERVICE_URLS_MAX + 1 }, (_, i) => ({
      name: `r${i}`,
      transport: { send: async () => ({ kind: 'failed', reason: 'down' }) as const },
    }));
    expect(() => failoverTransport(many, { monoMs })).toThrow(`${SERVICE_URLS_MAX} at most`);
  });
});
