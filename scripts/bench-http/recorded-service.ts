import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock, HistoryEvent, LeaseRecord } from '@leasehold/core';
import {
  buildHttpApp,
  LeaseService,
  serviceMetrics,
  systemRandom,
  systemServiceClock,
} from '@leasehold/server';
import type { Op } from '@leasehold/step';
import type {
  CasResult,
  HistoryOptions,
  HistoryResult,
  LeaseStore,
  ListOptions,
  ListResult,
  PruneResult,
  ReadResult,
} from '@leasehold/store';
import type { Journal } from '../chaos/journal';
import { sharedNowMs } from '../chaos/shared-clock';
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
export class RequestRecordingStore implements LeaseStore {
  readonly #inner: LeaseStore;
  readonly #journal: Journal;
  readonly #clock: Clock;
  readonly #facts: AsyncLocalStorage<RequestFacts>;
  readonly #casCounts = new Map<string, number>();
  readonly watch?: (resource: string, signal: AbortSignal) => Promise<void>;

  constructor(
    inner: LeaseStore,
    journal: Journal,
    clock: Clock,
    facts: AsyncLocalStorage<RequestFacts>,
  ) {
    this.#inner = inner;
    this.#journal = journal;
    this.#clock = clock;
    this.#facts = facts;
    const watch = inner.watch?.bind(inner);
    if (watch !== undefined) this.watch = watch;
  }

  /** Store calls outside any agent's request (probes, metrics) are the service's own. */
  #node(): RequestFacts {
    return this.#facts.getStore() ?? { node: 'service', op: null };
  }

  async read(resource: string): Promise<ReadResult> {
    const read = await this.#inner.read(resource);
    const { node } = this.#node();
    if (read.kind === 'ok' && node !== 'service') {
      const wallMs = this.#clock.wallMs();
      const { record, version } = read;
      this.#journal.append({ e: 'read', node, resource, record, version, wallMs });
    }
    return read;
  }

  async compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    const { node, op } = this.#node();
    const id = (this.#casCounts.get(node) ?? 0) + 1;
    this.#casCounts.set(node, id);
    const decidedAtSharedMs = sharedNowMs();
    const wallMs = this.#clock.wallMs();
    this.#journal.append({
      e: 'cas',
      node,
      id,
      resource,
      expectedVersion,
      record,
      event,
      decidedAtSharedMs,
      wallMs,
      op,
    });
    const result = await this.#inner.compareAndSet(resource, expectedVersion, record, event);
    const maybeApplied = result.kind === 'unavailable' && result.maybeApplied;
    this.#journal.append({ e: 'casResult', node, id, kind: result.kind, maybeApplied });
    return result;
  }

  list(options?: ListOptions): Promise<ListResult> {
    return this.#inner.list(options);
  }

  listByHolder(holder: string, options?: ListOptions): Promise<ListResult> {
    return this.#inner.listByHolder(holder, options);
  }

  history(resource: string, options?: HistoryOptions): Promise<HistoryResult> {
    return this.#inner.history(resource, options);
  }

  pruneHistory(beforeMs: number): Promise<PruneResult> {
    return this.#inner.pruneHistory(beforeMs);
  }

  close(): Promise<void> {
    return this.#inner.close();
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
