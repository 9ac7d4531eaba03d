import {
  buildHttpApp,
  storeSettings,
  LeaseService,
  serviceMetrics,
  systemRandom,
  systemServiceClock,
} from '@leasehold/server';
import type { LeaseStore } from '@leasehold/store';

/** One answer of the lease API: the HTTP status and the JSON body. */
export interface ApiAnswer {
  readonly status: number;
  // Bodies of many shapes; each command reads the fields its route answers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * The lease API an agent command talks to: the HTTP service at a URL, or the same routes run in
 * this process over a local SQLite file (the service's own app, reached without a socket), so a
 * command behaves the same either way.
 */
export interface AgentBackend {
  readonly description: string;
  request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** Any failure to reach the service: the command exits 69. */
export class BackendUnavailable extends Error {
  override readonly name = 'BackendUnavailable';
}

/** Longest one request to the service may take. */
const REQUEST_MS_MAX = 90_000;

export function httpBackend(url: string, apiKey: string | undefined): AgentBackend {
  const base = url.replace(/\/+$/, '');
  return {
    description: base,
    async request(method, path, body) {
      const headers: Record<string, string> = {};
      if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(base + path, {
          method,
          headers,
          signal: AbortSignal.timeout(REQUEST_MS_MAX),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        throw new BackendUnavailable(`cannot reach ${base}: ${cause ?? (error as Error).message}`);
      }
      return { status: response.status, body: await parseBody(response) };
    },
    close: async () => {},
  };
}

async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { error: 'not_json', message: text.slice(0, 200) };
  }
}

/** The service's routes in this process, over `store` (closed with the backend). */
export async function localBackend(store: LeaseStore, description: string): Promise<AgentBackend> {
  const made: { service?: LeaseService } = {};
  const metrics = serviceMetrics({
    activeLeases: async () => null,
    waiters: () => made.service?.waiting ?? 0,
  });
  const settingsStore = storeSettings(store);
  const opened = await LeaseService.open({
    store,
    clock: systemServiceClock(),
    random: systemRandom,
    observer: metrics.observer,
    ...(settingsStore === null ? {} : { settingsStore }),
  });
  if (opened.kind === 'refused') throw new BackendUnavailable(opened.reason);
  made.service = opened.service;
  const app = await buildHttpApp({
    service: opened.service,
    metrics,
    rateLimitPerMinute: 1_000_000_000,
  });
  return {
    description,
    async request(method, path, body) {
      const answer = await app.inject({
        method,
        url: path,
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: answer.statusCode, body: answer.json() };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
