import type { Etcd3, Watcher } from 'etcd3';
import { boundedCall } from './bounded-call.js';

/**
 * Resolves when the etcd key `key` is written (put or delete) after this call's first read, or
 * when `signal` aborts. The watch starts at the revision after a read of the key, sent before any
 * await, so a write that lands between a caller's own read and the watch's creation is not missed.
 * If the watch cannot be set up or fails, it ends only with `signal` (the caller's timer paces
 * it), never at once: a watch that resolved at once while etcd is down would spin the caller.
 */
export async function watchRecord(
  pool: Etcd3,
  key: Buffer,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  if (signal.aborted) return;
  const aborted = new Promise<void>((resolve) => {
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const start = await boundedCall(timeoutMs, 'watch start', (deadline) =>
    pool.get(key).options({ deadline }).exec(),
  );
  if (start.kind === 'failed') return aborted;
  const fromRevision = (BigInt(start.value.header.revision) + 1n).toString();
  const created = await boundedCall(timeoutMs, 'watch', () =>
    pool.watch().key(key).startRevision(fromRevision).create(),
  );
  if (created.kind === 'failed') return aborted;
  const watcher: Watcher = created.value;
  try {
    if (signal.aborted) return;
    await Promise.race([
      aborted,
      new Promise<void>((resolve) => {
        watcher.on('put', () => resolve());
        watcher.on('delete', () => resolve());
      }),
    ]);
  } finally {
    // Cancelling is one more request; nobody waits for it (a dead cluster must not hold us).
    watcher.cancel().catch(() => undefined);
  }
}
