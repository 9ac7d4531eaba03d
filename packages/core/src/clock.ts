/**
 * Time, injected (STYLE.md habit 1). `wallMs` may be offset, drift and jump; `monoMs` drifts but
 * never jumps and never goes back. `sleep` waits on the monotonic clock; the simulator controls it.
 */
export interface Clock {
  wallMs(): number;
  monoMs(): number;
  sleep(ms: number): Promise<void>;
}
