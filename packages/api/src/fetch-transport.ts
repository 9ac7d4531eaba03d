import { requestPath, ROUTE_TABLE } from './route-table.js';
import type { Transport, TransportReply } from './transport.js';
import { NOT_JSON_TEXT_MAX } from './limits.js';

export interface FetchTransportOptions {
  /** The lease service, e.g. `http://127.0.0.1:8105`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <apiKey>` when the service checks API keys. */
  readonly apiKey?: string | undefined;
  /**
   * The holder making the requests, sent percent-encoded as `Leasehold-Holder` with every request
   * (a header carries no UTF-8): a service that checks no API keys counts its rate limit per
   * holder by it (per API key's holder otherwise).
   */
  readonly holder?: string | undefined;
  /** How a request is sent (default the global `fetch`); what the transport reads of its answer. */
  readonly fetch?: FetchLike;
  /** A signal aborted after `ms` (default `AbortSignal.timeout`: the one real timer here). */
  readonly timeoutSignal?: (ms: number) => AbortSignal;
}

/** What `fetchTransport` needs of `fetch`: the global one fits, and so does a plainer client. */
export type FetchLike = (
  url: string,
  init: {
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly signal: AbortSignal;
    readonly body?: string;
  },
) => Promise<{ readonly status: number; text(): Promise<string> }>;

/** The header naming the holder that makes a request (lower case, as Node's HTTP server reads it). */
export const HOLDER_HEADER = 'leasehold-holder';

/** The lease API over HTTP, with `fetch`. */
export function fetchTransport(options: FetchTransportOptions): Transport {
  const base = options.url.replace(/\/+$/, '');
  const send = options.fetch ?? globalThis.fetch;
  const timeoutSignal = options.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));
  return {
    async send(request, { timeoutMs }): Promise<TransportReply> {
      const spec = ROUTE_TABLE[request.route];
      const headers: Record<string, string> = {};
      if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
      if (options.holder !== undefined) headers[HOLDER_HEADER] = encodeURIComponent(options.holder);
      const hasBody = spec.method !== 'GET';
      if (hasBody) headers['content-type'] = 'application/json';
      try {
        const response = await send(base + requestPath(request), {
          method: spec.method,
          headers,
          signal: timeoutSignal(timeoutMs),
          ...(hasBody ? { body: JSON.stringify(request.body ?? {}) } : {}),
        });
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = { error: 'not_json', message: text.slice(0, NOT_JSON_TEXT_MAX) };
        }
        return { kind: 'reply', status: response.status, body };
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        return {
          kind: 'failed',
          reason: `cannot reach ${base}: ${cause ?? (error as Error).message}`,
        };
      }
    },
  };
}
