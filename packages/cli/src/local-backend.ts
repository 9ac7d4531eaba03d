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
import type { AgentBackend } from './agent-backend.js';

/*
 * Loaded only for a command on a local file, and then as a module of its own (the installed CLI
 * runs the agent commands from one bundled file and imports this beside it): it shares no class
 * with its caller, so a refusal comes back as a value, not a thrown error.
 */

/** Why the local file cannot be the lease space. */
export interface Refused {
  readonly refused: string;
}

/** The local SQLite file at `path` as the agent commands' backend. */
export async function localFileBackend(
  path: string,
  description: string,
): Promise<AgentBackend | Refused> {
  const opened = openSqliteStore(path);
  if (opened.kind === 'refused') return { refused: opened.reason };
  const backend = await localBackend(opened.store, description);
  return 'refused' in backend ? backend : { ...backend, file: path };
}

/** The service's request path in this process, over `store` (closed with the backend). */
async function localBackend(
  store: LeaseStore,
  description: string,
): Promise<AgentBackend | Refused> {
  const settingsStore = storeSettings(store);
  const opened = await LeaseService.open({
    store,
    clock: systemServiceClock(),
    random: systemRandom,
    ...(settingsStore === null ? {} : { settingsStore }),
  });
  if (opened.kind === 'refused') {
    await store.close();
    return { refused: opened.reason };
  }
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
