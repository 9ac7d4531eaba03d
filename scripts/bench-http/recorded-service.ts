import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '@leasehold/core';
import {
  buildHttpApp,
  LeaseService,
  serviceMetrics,
  systemRandom,
  systemServiceClock,
} from '@leasehold/server';
import type { Op } from '@leasehold/step';
import type { LeaseStore } from '@leasehold/store';
import type { Journal } from '../chaos/journal';
import { JournaledStore, type JournalCaller } from '../chaos/recording-store';
import { RATE_LIMIT_PER_MINUTE_BENCH } from './limits';

/** Who sent the HTTP request a store call serves: the agent's name and its logical operation. */
interface RequestFacts {
  readonly node: string;
  readonly op: Op | null;
}

/** The headers a soak agent sends with every request (facts of the world, not of the service). */
export const NODE_HEADER = 'x-bench-node';
export const OP_HEADER = 'x-bench-op';

/**
 * The real SQLite store, unchanged, with every read and compare-and-set journaled in the chaos
 * runs' format (scripts/chaos/journal.ts) under the agent whose HTTP request caused it: the
 * service makes the store calls, but the checker judges each write by the node and logical
 * operation that asked for it, as it judges the chaos nodes' own calls.
 */
export class RequestRecordingStore extends JournaledStore {
  readonly #facts: AsyncLocalStorage<RequestFacts>;
  readonly watch?: (resource: string, signal: AbortSignal) => Promise<void>;

  constructor(
    inner: LeaseStore,
    journal: Journal,
    clock: Clock,
    facts: AsyncLocalStorage<RequestFacts>,
  ) {
    super(inner, journal, clock);
    this.#facts = facts;
    const watch = inner.watch?.bind(inner);
    if (watch !== undefined) this.watch = watch;
  }

  /** Store calls outside any agent's request (probes, metrics) are the service's own. */
  protected caller(): JournalCaller {
    const facts = this.#facts.getStore();
    if (facts === undefined) return { node: 'service', op: null, journalReads: false };
    return { ...facts, journalReads: true };
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The lease service as `startServer` composes it (LeaseService on the system clock, metrics, the
 * fastify shell with schemas, rate limit and every route), over a recording store. One hook is
 * added: the handler of each request runs with the sending agent's facts (from its headers) in
 * an AsyncLocalStorage, and each 409 answer to an acquire is journaled as that agent's `held`
 * outcome, after the reads it was decided on (I-4).
 */
export async function startRecordedService(
  store: LeaseStore,
  journal: Journal,
  clock: Clock,
): Promise<{ url: string; close: () => Promise<void> }> {
  const facts = new AsyncLocalStorage<RequestFacts>();
  const recording = new RequestRecordingStore(store, journal, clock, facts);
  const made: { service?: LeaseService } = {};
  const metrics = serviceMetrics({
    activeLeases: async () => (made.service === undefined ? 0 : made.service.queries.countActive()),
    waiters: () => made.service?.waiting ?? 0,
  });
  const serviceClock = systemServiceClock();
  const opened = await LeaseService.open({
    store: recording,
    clock: serviceClock,
    random: systemRandom,
    observer: metrics.observer,
  });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  const service = opened.service;
  made.service = service;
  const app = await buildHttpApp({
    service,
    metrics,
    logger: false,
    rateLimitPerMinute: RATE_LIMIT_PER_MINUTE_BENCH,
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const node = headerText(request.headers[NODE_HEADER]);
    if (node === undefined) return done();
    const opText = headerText(request.headers[OP_HEADER]);
    const op = opText === undefined ? null : (JSON.parse(decodeURIComponent(opText)) as Op);
    facts.run({ node, op }, done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const node = headerText(request.headers[NODE_HEADER]);
    if (node === undefined || reply.statusCode !== 409) return;
    if (request.routeOptions.url !== '/v1/leases/acquire') return;
    const { resource } = request.body as { resource: string };
    journal.append({ e: 'outcome', node, op: 'acquire', resource, result: 'held', token: null });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      service.closeWaiters();
      await app.close();
      await store.close();
    },
  };
}
