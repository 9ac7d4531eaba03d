import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { safetyMarginMsFor } from '@leasehold/core';
import { DEFAULT_SETTINGS } from '@leasehold/server';
import type { Op, OpKind } from '@leasehold/step';
import { openSqliteStore } from '@leasehold/store-sqlite';
import { checkChaosRun, type ChaosCheck } from '../chaos/check-chaos-run';
import { JOURNAL_SUFFIX, MemoryJournal, readJournalDir } from '../chaos/journal';
import { readStoreEvidence } from '../chaos/read-store-evidence';
import { sharedNowMs } from '../chaos/shared-clock';
import { keepAliveAgent, postJson, type JsonReply } from './http-json';
import {
  SOAK_ABANDON_EVERY,
  SOAK_AGENTS,
  SOAK_DRAIN_MS_MAX,
  SOAK_HOLD_MS_MAX,
  SOAK_JITTER_MS_MAX,
  SOAK_RENEWALS_MAX,
  SOAK_REQUEST_TIMEOUT_MS,
  SOAK_RESOURCES,
  SOAK_RETRY_SLEEP_MS_MAX,
  SOAK_TTL_MS,
  SOAK_WAIT_MS,
} from './limits';
import { NODE_HEADER, OP_HEADER } from './recorded-service';
import { startServiceChild } from './service-child';

export interface SoakResult {
  readonly seconds: number;
  /** Answers by HTTP status, over every agent. */
  readonly statuses: ReadonlyMap<number, number>;
  readonly status5xx: number;
  /** Requests that got no answer (connection error or SOAK_REQUEST_TIMEOUT_MS). */
  readonly failedRequests: number;
  readonly abandoned: number;
  readonly check: ChaosCheck;
}

const CONFIG = DEFAULT_SETTINGS.lease;
/** Resource names of the soak: ASCII, so a logical operation travels in a header. */
const RESOURCES = Array.from({ length: SOAK_RESOURCES }, (_, i) => `soak/hot-${i}`);

interface SoakCounts {
  readonly statuses: Map<number, number>;
  failedRequests: number;
  abandoned: number;
}

const randomInt = (below: number) => Math.floor(Math.random() * below);

/**
 * One agent: acquire a random hot resource (even agents block with `wait_ms`, odd ones retry
 * after `retry_after_ms`), hold it a little, renew it up to SOAK_RENEWALS_MAX times, release it
 * (one grant in SOAK_ABANDON_EVERY is abandoned and must expire). It journals what the chaos
 * nodes journal about their beliefs, on the host's monotonic clock: a belief from each 201/200
 * until its send + TTL - margin, and where it stopped acting on the lease.
 */
async function runAgent(
  url: string,
  index: number,
  endSharedMs: number,
  journal: MemoryJournal,
  counts: SoakCounts,
): Promise<void> {
  const node = `a${index}`;
  const agent = keepAliveAgent();
  const marginMs = safetyMarginMsFor(SOAK_TTL_MS, CONFIG);
  let ops = 0;
  const newOp = (kind: OpKind, resource: string, leaseOp: number | null): Op => ({
    id: (index + 1) * 1_000_000 + ++ops,
    kind,
    node,
    resource,
    ttlMs: kind === 'release' ? null : SOAK_TTL_MS,
    leaseOp,
    expectedHolder: null,
    requestId: kind === 'acquire' ? `${node}-${ops}` : null,
  });
  const send = async (path: string, body: unknown, op: Op): Promise<JsonReply | null> => {
    const headers = { [NODE_HEADER]: node, [OP_HEADER]: encodeURIComponent(JSON.stringify(op)) };
    try {
      const reply = await postJson(agent, `${url}${path}`, body, SOAK_REQUEST_TIMEOUT_MS, headers);
      counts.statuses.set(reply.status, (counts.statuses.get(reply.status) ?? 0) + 1);
      return reply;
    } catch {
      counts.failedRequests += 1;
      return null;
    }
  };
  const stop = (resource: string, token: number) =>
    journal.append({ e: 'stop', node, resource, token, atSharedMs: sharedNowMs() });
  const believe = (resource: string, token: number, sentSharedMs: number) =>
    journal.append({
      e: 'believe',
      node,
      resource,
      token,
      fromSharedMs: sharedNowMs(),
      untilSharedMs: sentSharedMs + SOAK_TTL_MS - marginMs,
    });
  while (sharedNowMs() < endSharedMs) {
    const resource = RESOURCES[randomInt(RESOURCES.length)]!;
    const acquireOp = newOp('acquire', resource, null);
    const sentSharedMs = sharedNowMs();
    const reply = await send(
      '/v1/leases/acquire',
      {
        resource,
        holder: node,
        ttl_ms: SOAK_TTL_MS,
        request_id: acquireOp.requestId,
        ...(index % 2 === 0 ? { wait_ms: SOAK_WAIT_MS } : {}),
      },
      acquireOp,
    );
    if (reply?.status !== 201) {
      const retryAfterMs = Number(reply?.body.retry_after_ms ?? SOAK_RETRY_SLEEP_MS_MAX);
      await sleep(Math.min(retryAfterMs, SOAK_RETRY_SLEEP_MS_MAX) + randomInt(SOAK_JITTER_MS_MAX));
      continue;
    }
    const lease = { lease_id: reply.body.lease_id, owner_key: reply.body.owner_key };
    const token = Number(reply.body.token);
    believe(resource, token, sentSharedMs);
    let holding = true;
    const renewals = randomInt(SOAK_RENEWALS_MAX + 1);
    for (let r = 0; r < renewals && holding; r++) {
      await sleep(randomInt(SOAK_HOLD_MS_MAX));
      const renewSentSharedMs = sharedNowMs();
      const renewed = await send(
        '/v1/leases/renew',
        { ...lease, ttl_ms: SOAK_TTL_MS },
        newOp('renew', resource, acquireOp.id),
      );
      if (renewed?.status === 200) believe(resource, token, renewSentSharedMs);
      else holding = false;
    }
    await sleep(randomInt(SOAK_HOLD_MS_MAX));
    stop(resource, token);
    if (!holding) continue;
    if (randomInt(SOAK_ABANDON_EVERY) === 0) {
      counts.abandoned += 1;
      continue;
    }
    await send('/v1/leases/release', lease, newOp('release', resource, acquireOp.id));
  }
  agent.destroy();
}

/**
 * SOAK_AGENTS agents on SOAK_RESOURCES hot resources for `soakMs` against the lease service in
 * its own process (over a recording store, recorded-service.ts); then the service stops, the
 * whole history of each resource is read back from the SQLite file, and the run is checked with
 * the chaos runs' checker (scripts/chaos/check-chaos-run.ts: the simulator's Checker over the
 * replayed history, the agents' beliefs on the host's one clock, the held answers).
 */
export async function runSoak(dir: string, soakMs: number): Promise<SoakResult> {
  const db = join(dir, 'soak.db');
  const service = await startServiceChild(['soak', db, join(dir, `service${JOURNAL_SUFFIX}`)]);
  const journal = new MemoryJournal();
  const counts: SoakCounts = { statuses: new Map(), failedRequests: 0, abandoned: 0 };
  const startedMs = sharedNowMs();
  const endSharedMs = startedMs + soakMs;
  const agents = Array.from({ length: SOAK_AGENTS }, (_, i) =>
    runAgent(service.url, i, endSharedMs, journal, counts),
  );
  const drained = await Promise.race([
    Promise.all(agents).then(() => true),
    sleep(soakMs + SOAK_DRAIN_MS_MAX).then(() => false),
  ]);
  const seconds = (sharedNowMs() - startedMs) / 1_000;
  const exit = await service.stop();
  if (!drained) throw new Error(`soak agents did not finish within ${SOAK_DRAIN_MS_MAX} ms`);
  if (exit !== 0) throw new Error(`the soak's service exited ${exit}`);
  const opened = openSqliteStore(db);
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  const store = await readStoreEvidence(opened.store, RESOURCES);
  await opened.store.close();
  if (store.kind !== 'ok') throw new Error(`reading the soak's store: ${store.reason}`);
  const recorded = readJournalDir(dir);
  if (recorded.cutLines > 0)
    throw new Error(`the service journal has ${recorded.cutLines} cut lines`);
  const check = checkChaosRun(
    {
      resources: RESOURCES,
      ...store,
      journal: [...recorded.entries, ...journal.entries],
      fencedLog: [],
      probes: [],
    },
    CONFIG,
  );
  let status5xx = 0;
  for (const [status, n] of counts.statuses) if (status >= 500) status5xx += n;
  return {
    seconds,
    statuses: counts.statuses,
    status5xx,
    failedRequests: counts.failedRequests,
    abandoned: counts.abandoned,
    check,
  };
}
