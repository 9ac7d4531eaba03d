import type { ApiRequest } from '@leasehold/api';
import {
  handleRequest,
  LeaseService,
  storeSettings,
  systemRandom,
  systemServiceClock,
} from '@leasehold/server/service';
import type { LeaseStore } from '@leasehold/store';
import { openSqliteStore } from '@leasehold/store-sqlite';
import { BackendUnavailable, type AgentBackend } from './agent-backend.js';

/** The local SQLite file at `path` as the agent commands' backend. */
export async function localFileBackend(path: string, description: string): Promise<AgentBackend> {
  const opened = openSqliteStore(path);
  if (opened.kind === 'refused') throw new BackendUnavailable(opened.reason);
  return { ...(await localBackend(opened.store, description)), file: path };
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
