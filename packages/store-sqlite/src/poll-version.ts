import { unrefTimer } from './system-time.js';

/** A version read by a poll: a number, or why there is none. */
export type PolledVersion = number | 'unavailable' | 'closed';

/**
 * Resolves once `read()` answers something other than `from` (a write committed, or the store
 * closed), after `pollsMax` polls, or when `signal` aborts; reads every `intervalMs` in between.
 * An unavailable read (a busy file) is polled again. The timer does not keep the process alive.
 */
export function pollUntilChanged(
  read: () => PolledVersion,
  from: PolledVersion,
  signal: AbortSignal,
  intervalMs: number,
  pollsMax: number,
): Promise<void> {
  return new Promise((resolve) => {
    let polls = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const tick = (): void => {
      polls += 1;
      const now = read();
      if (now === 'closed' || polls >= pollsMax) return finish();
      if (now !== 'unavailable' && now !== from) return finish();
      timer = unrefTimer(tick, intervalMs);
    };
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', finish, { once: true });
    timer = unrefTimer(tick, intervalMs);
  });
}
