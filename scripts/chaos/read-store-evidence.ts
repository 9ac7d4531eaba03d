import type { HistoryEntry, LeaseStore } from '@leasehold/store';
import type { FinalRecord } from './chaos-evidence';
import { HISTORY_PAGE_LIMIT, HISTORY_PAGES_MAX } from './limits';

export type StoreEvidence =
  | {
      readonly kind: 'ok';
      readonly histories: Map<string, HistoryEntry[]>;
      readonly finals: Map<string, FinalRecord>;
    }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Every page of each resource's history, then its current record, straight from the store. */
export async function readStoreEvidence(
  store: LeaseStore,
  resources: readonly string[],
): Promise<StoreEvidence> {
  const histories = new Map<string, HistoryEntry[]>();
  const finals = new Map<string, FinalRecord>();
  for (const resource of resources) {
    const events: HistoryEntry[] = [];
    let afterSeq = 0;
    for (let page = 0; ; page++) {
      if (page >= HISTORY_PAGES_MAX) {
        return {
          kind: 'unavailable',
          reason: `history of ${resource} exceeds ${HISTORY_PAGES_MAX} pages`,
        };
      }
      const read = await store.history(resource, { afterSeq, limit: HISTORY_PAGE_LIMIT });
      if (read.kind !== 'ok') return { kind: 'unavailable', reason: `history: ${read.reason}` };
      events.push(...read.events);
      const last = read.events.at(-1);
      if (last === undefined || read.events.length < HISTORY_PAGE_LIMIT) break;
      afterSeq = last.seq;
    }
    histories.set(resource, events);
    const final = await store.read(resource);
    if (final.kind !== 'ok') return { kind: 'unavailable', reason: `read: ${final.reason}` };
    finals.set(resource, { record: final.record, version: final.version });
  }
  return { kind: 'ok', histories, finals };
}
