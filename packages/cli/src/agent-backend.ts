import type { ApiRequest, Transport } from '@leasehold/api';
import { fetchTransport } from '@leasehold/api';
import {
  handleRequest,
  LeaseService,
  storeSettings,
  systemRandom,
  systemServiceClock,
} from '@leasehold/server/service';
import type { LeaseStore } from '@leasehold/store';

/**
 * The lease API an agent command talks to: the HTTP service at a URL, or the service's own request
 * path run in this process over a local SQLite file (no socket, no HTTP server), so a command
 * behaves the same either way.
 */
export interface AgentBackend {
  readonly description: string;
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
    transport: fetchTransport({ url, apiKey, ...(agent === null ? {} : { holder: agent }) }),
    close: async () => {},
  };
}

/** The service's request path in this process, over `store` (closed with the backend). */
export async function localBackend(store: LeaseStore, description: string): Promise<AgentBackend> {
  const settingsStore = storeSettings(store);
  const opened = await LeaseService.open({
    store,
    clock: systemServiceClock(),
    random: systemRandom,
    ...(settingsStore === null ? {} : { settingsStore }),
  });
  if (opened.kind === 'refused') throw new BackendUnavailable(opened.reason);
  const service = opened.service;
  return {
    description,
    transport: {
      async send(request: ApiRequest) {
        // As JSON, both ways, exactly as over HTTP.
        const sent = JSON.parse(JSON.stringify(request)) as ApiRequest;
        const answer = await handleRequest(service, sent, null);
        return {
          kind: 'reply',
          status: answer.status,
          body: JSON.parse(JSON.stringify(answer.body)),
        };
      },
    },
    async close() {
      service.closeWaiters();
      await store.close();
    },
  };
}
