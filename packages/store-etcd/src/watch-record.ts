import type { Etcd3, Watcher } from 'etcd3';
import { boundedCall, pause } from './bounded-call.js';

/**
 * Resolves when the etcd key `key` is written (put or delete) at revision `fromRevision` or later,
 * or when `signal` aborts. The caller passes the revision after the newest reply it has had, so a
 * write it has not read yet is never missed, however late the watch is set up; etcd replays
 * writes from that revision on. A watch etcd cancels (its start revision compacted away) resolves:
 * the caller re-reads, which is what a spurious wake costs. A watch that cannot be set up is tried
 * again every `retryMs` until `signal` aborts, from the same revision, so a slow or briefly
 * unreachable cluster delays the wake-up but never loses it, and never spins the caller.
 */
export async function watchRecord(
  pool: Etcd3,
  key: Buffer,
  fromRevision: bigint,
  signal: AbortSignal,
  timeoutMs: number,
  retryMs: number,
): Promise<void> {
  while (!signal.aborted) {
    const created = pool.watch().key(key).startRevision(fromRevision.toString()).create();
    const bounded = await boundedCall(timeoutMs, 'watch', () => created);
    if (bounded.kind === 'failed') {
      // Set up after its time ran out: cancel it then (one more request; nobody waits for it).
      created.then(
        (late) => late.cancel().catch(() => undefined),
        () => undefined,
      );
      await pause(retryMs, signal);
      continue;
    }
    await changed(bounded.value, signal);
    return;
  }
}

async function changed(watcher: Watcher, signal: AbortSignal): Promise<void> {
  let onAbort = (): void => undefined;
  try {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
      watcher.on('put', () => resolve());
      watcher.on('delete', () => resolve());
      watcher.on('error', () => resolve());
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Cancelling is one more request; nobody waits for it (a dead cluster must not hold us).
    watcher.cancel().catch(() => undefined);
  }
}
