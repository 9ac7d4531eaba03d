import type { HistoryEvent } from '@leasehold/core';

/** One history row, appended in the same transaction as the record it describes. */
export const APPEND_HISTORY_SQL = `INSERT INTO lease_history
  (key, kind, holder, token, at_ms, request_id, previous_holder) VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** The parameters of APPEND_HISTORY_SQL for `event` under the resource key `key`. */
export function historyParams(key: Buffer, event: HistoryEvent) {
  return [
    key,
    event.kind,
    event.holder,
    event.token,
    event.atMs,
    event.requestId,
    event.previousHolder,
  ] as const;
}
