import type { Transport } from '@leasehold/api';
import { fetchFailoverTransport } from '@leasehold/api';
import { requestOnce } from './http-request.js';
import { monoNowMs } from './system-clock.js';

/**
 * The lease API an agent command talks to: the HTTP service at a URL, or the service's own request
 * path run in this process over a local SQLite file (no socket, no HTTP server: `local-backend.ts`,
 * loaded only then), so a command behaves the same either way.
 */
export interface AgentBackend {
  readonly description: string;
  /** The local file's full path, when the lease space is one. */
  readonly file?: string;
  readonly transport: Transport;
  close(): Promise<void>;
}

/** Any failure to reach the service: the command exits 69. */
export class BackendUnavailable extends Error {
  override readonly name = 'BackendUnavailable';
}

/**
 * The service at `urls` (several: replicas, failed over between), called as `agent` if one is
 * named (with `apiKey` if it checks keys).
 */
export function httpBackend(
  urls: readonly string[],
  apiKey: string | undefined,
  agent: string | null,
): AgentBackend {
  return {
    description: urls.map((url) => url.replace(/\/+$/, '')).join(','),
    transport: fetchFailoverTransport({
      urls,
      monoMs: () => Math.floor(monoNowMs()),
      apiKey,
      fetch: requestOnce,
      ...(agent === null ? {} : { holder: agent }),
    }),
    close: async () => {},
  };
}
