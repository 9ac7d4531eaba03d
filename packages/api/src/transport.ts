import type { ApiRequest } from './route-table.js';

/** What came back for one request: an answer, or a failure whose outcome is unknown. */
export type TransportReply =
  | { readonly kind: 'reply'; readonly status: number; readonly body: unknown }
  /** No answer (the connection failed, the time ran out): the request may have been applied. */
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Carries requests of the lease API to a service and its answers back: HTTP in production
 * (`fetchTransport`), the service's request path in the same process (the agent CLI over a local
 * file), or a simulated network to simulated replicas (`@leasehold/sim`).
 */
export interface Transport {
  send(request: ApiRequest, options: { readonly timeoutMs: number }): Promise<TransportReply>;
}
