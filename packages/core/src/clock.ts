/**
 * Time, injected (CONSTRAINTS.md C-4). `wallMs` may be offset, drift and jump; `monoMs` drifts but
 * never jumps and never goes back. `sleep` waits on the monotonic clock; the simulator controls it.
 * A sleep given a `signal` ends at once when it aborts, and leaves nothing behind: code that races
 * a sleep against something else aborts the loser (the simulator needs every wake-up it schedules
 * to be awaited, and a real timer should not outlive its purpose).
 */
export interface Clock {
  wallMs(): number;
  monoMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
