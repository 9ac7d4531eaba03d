import type { Transport } from '@leasehold/api';
import { fetchTransport } from '@leasehold/api';
import { requestOnce } from './http-request.js';

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

/** The service at `url`, called as `agent` if one is named (with `apiKey` if it checks keys). */
export function httpBackend(
  url: string,
  apiKey: string | undefined,
  agent: string | null,
): AgentBackend {
  return {
    description: url.replace(/\/+$/, ''),
    transport: fetchTransport({
      url,
      apiKey,
      fetch: requestOnce,
      ...(agent === null ? {} : { holder: agent }),
    }),
    close: async () => {},
  };
}
