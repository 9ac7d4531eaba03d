import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { BENCH_TTL_MS, CONNECTIONS, HOT_RESOURCES, LOAD_REQUEST_TIMEOUT_S } from './limits';

export type Workload = 'distinct' | 'hot';

/** One autocannon run: acquire+release cycles per second and the latency of every request. */
export interface LoadRun {
  readonly cyclesPerSec: number;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Acquires answered 409 (hot resources), per completed cycle. */
  readonly refusedPerCycle: number;
  /** Answers that were neither 201, 200 nor 409, connection errors and timeouts. */
  readonly failures: number;
  readonly status5xx: number;
}

interface Counts {
  cycles: number;
  refused: number;
  unexpected: number;
}

interface LeaseContext {
  lease?: { lease_id: string; owner_key: string };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The requests of one connection, in a loop: acquire its resource, read lease_id and owner_key
 * from the 201, release with them. After a 409 (another connection holds the hot resource) the
 * release is skipped: autocannon starts over at the acquire.
 */
function cycleRequests(resource: string, holder: string, counts: Counts): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path: '/v1/leases/acquire',
      headers: JSON_HEADERS,
      body: JSON.stringify({ resource, holder, ttl_ms: BENCH_TTL_MS }),
      onResponse: (status, body, context) => {
        const lease = context as LeaseContext;
        delete lease.lease;
        if (status === 201) {
          const granted = JSON.parse(body) as { lease_id: string; owner_key: string };
          lease.lease = { lease_id: granted.lease_id, owner_key: granted.owner_key };
        } else if (status === 409) counts.refused += 1;
        else counts.unexpected += 1;
      },
    },
    {
      method: 'POST',
      path: '/v1/leases/release',
      headers: JSON_HEADERS,
      setupRequest: (request, context) => {
        const lease = (context as LeaseContext).lease;
        // A falsy request sends autocannon back to the acquire.
        if (lease === undefined) return undefined as unknown as autocannon.Request;
        return { ...request, body: JSON.stringify(lease) };
      },
      onResponse: (status) => {
        if (status === 200) counts.cycles += 1;
        else counts.unexpected += 1;
      },
    },
  ];
}

/**
 * CONNECTIONS keep-alive connections for `durationMs` against `url`: 'distinct' gives every
 * connection its own resource, 'hot' spreads them over HOT_RESOURCES resources.
 */
export async function runLoad(
  url: string,
  workload: Workload,
  durationMs: number,
  tag: string,
): Promise<LoadRun> {
  const counts: Counts = { cycles: 0, refused: 0, unexpected: 0 };
  let connection = 0;
  const started = performance.now();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationMs / 1_000,
    timeout: LOAD_REQUEST_TIMEOUT_S,
    setupClient: (client) => {
      const n = connection++;
      const resource = workload === 'distinct' ? `${tag}/c${n}` : `${tag}/hot${n % HOT_RESOURCES}`;
      client.setRequests(cycleRequests(resource, `h${n}`, counts));
    },
  });
  const seconds = (performance.now() - started) / 1_000;
  let status5xx = 0;
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    if (Number(code) >= 500) status5xx += stat.count ?? 0;
  }
  return {
    cyclesPerSec: counts.cycles / seconds,
    requestsPerSec: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    refusedPerCycle: counts.cycles === 0 ? 0 : counts.refused / counts.cycles,
    failures: counts.unexpected + result.errors + result.timeouts,
    status5xx,
  };
}
