import type { FastifyServerOptions } from 'fastify';
import type { LeaseStore } from '@leasehold/store';
import type { ApiKeys } from './auth.js';
import type { App } from './fastify-app.js';
import { buildHttpApp } from './http-app.js';
import { LeaseService } from './lease-service.js';
import { PORT_DEFAULT, SHUTDOWN_MS_MAX } from './limits.js';
import { serviceMetrics } from './metrics.js';
import type { SettingsStore } from './service-types.js';
import { storeSettings } from './store-settings.js';
import { systemRandom, systemServiceClock } from './system-clock.js';

export interface ServerOptions {
  readonly store: LeaseStore;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly apiKeys?: ApiKeys;
  /** Where runtime settings are kept (default: the store's own settings, if it keeps any). */
  readonly settingsStore?: SettingsStore;
  readonly logger?: FastifyServerOptions['logger'];
  readonly rateLimitPerMinute?: number;
  /** Adds the test route that moves the service's clock forward. Never in production. */
  readonly testClock?: boolean;
}

export interface RunningServer {
  readonly app: App;
  readonly service: LeaseService;
  /** `http://host:port` */
  readonly url: string;
  /**
   * Graceful shutdown: waiting acquires answer 503, new requests are refused, in-flight ones
   * finish (up to SHUTDOWN_MS_MAX), then the store is closed. Every lease stays in the store.
   */
  close(): Promise<void>;
}

export type StartResult =
  { kind: 'ok'; server: RunningServer } | { kind: 'refused'; reason: string };

/** Opens the service over `store` and listens. The store belongs to the server from here on. */
export async function startServer(options: ServerOptions): Promise<StartResult> {
  const clock = systemServiceClock();
  // The metrics read the service, which reports to the metrics: one is made before the other.
  const made: { service?: LeaseService } = {};
  const metrics = serviceMetrics({
    activeLeases: async () => (made.service === undefined ? 0 : made.service.queries.countActive()),
    waiters: () => made.service?.waiting ?? 0,
  });
  const settingsStore = options.settingsStore ?? storeSettings(options.store);
  const opened = await LeaseService.open({
    store: options.store,
    clock,
    random: systemRandom,
    observer: metrics.observer,
    ...(settingsStore === null ? {} : { settingsStore }),
  });
  if (opened.kind === 'refused') return opened;
  const service = opened.service;
  made.service = service;
  const app = await buildHttpApp({
    service,
    metrics,
    logger: options.logger ?? false,
    ready: async () => (await options.store.read('leasehold/readiness-probe')).kind === 'ok',
    ...(options.apiKeys === undefined ? {} : { apiKeys: options.apiKeys }),
    ...(options.rateLimitPerMinute === undefined
      ? {}
      : { rateLimitPerMinute: options.rateLimitPerMinute }),
    ...(options.testClock === true ? { advanceClock: (ms: number) => clock.advance(ms) } : {}),
  });
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? PORT_DEFAULT });
  } catch (error) {
    await app.close();
    return { kind: 'refused', reason: `cannot listen: ${(error as Error).message}` };
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      service.closeWaiters();
      const timeout = new AbortController();
      await Promise.race([app.close(), clock.sleep(SHUTDOWN_MS_MAX, timeout.signal)]);
      timeout.abort();
      await options.store.close();
    })();
    return closing;
  };
  return { kind: 'ok', server: { app, service, url, close } };
}
