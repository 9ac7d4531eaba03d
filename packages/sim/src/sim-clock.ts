import type { Clock } from '@leasehold/core';
import { SLEEP_WAKEUPS_MAX } from './limits.js';

/** What a simulated clock needs from the world: true time, and a way to wait on it. */
export interface ClockHost {
  nowMs(): number;
  /**
   * Resolves when true time reaches `trueMs` (a scheduling point the simulator controls), or at
   * once when `signal` aborts (the wake-up is then withdrawn).
   */
  sleepUntil(trueMs: number, signal?: AbortSignal): Promise<void>;
}

export interface ClockSettings {
  /** Initial wall-clock error (wall - true), ms. */
  readonly wallOffsetMs: number;
  /** Wall-clock rate error, parts per million (signed). */
  readonly wallDriftPpm: number;
  /** Monotonic-clock rate error, parts per million (signed). */
  readonly monoDriftPpm: number;
  /**
   * Bound on |wall - true|: the error is clamped into it (so any two nodes differ by at most twice
   * the bound). Null in assumption-breaking runs: the error is then unbounded.
   */
  readonly wallErrorMsMax: number | null;
}

const PPM = 1_000_000;

/**
 * A node's clocks, as pure functions of true time (C-4). The wall clock is true time plus an error
 * that drifts, jumps and is clamped into the skew bound; the monotonic clock runs at its own rate,
 * never jumps and never goes back, and stops while the node is suspended.
 */
export class SimClock implements Clock {
  readonly #host: ClockHost;
  readonly #errorMsMax: number | null;
  #wallDriftPpm: number;
  #errorBaseMs: number;
  #wallRefMs: number;
  readonly #monoRate: number;
  #monoBaseMs: number;
  #monoRefMs: number;
  #frozenUntilMs = -Infinity;

  constructor(host: ClockHost, settings: ClockSettings) {
    const now = host.nowMs();
    this.#host = host;
    this.#errorMsMax = settings.wallErrorMsMax;
    this.#wallDriftPpm = settings.wallDriftPpm;
    this.#errorBaseMs = this.#clamp(settings.wallOffsetMs);
    this.#wallRefMs = now;
    this.#monoRate = PPM + settings.monoDriftPpm;
    this.#monoBaseMs = 0;
    this.#monoRefMs = now;
  }

  wallMs(): number {
    return this.#host.nowMs() + this.wallErrorMs();
  }

  /** wall - true, now. */
  wallErrorMs(): number {
    const elapsedMs = this.#host.nowMs() - this.#wallRefMs;
    return this.#clamp(this.#errorBaseMs + Math.trunc((this.#wallDriftPpm * elapsedMs) / PPM));
  }

  monoMs(): number {
    return this.#monoAt(this.#host.nowMs());
  }

  /**
   * Waits until the monotonic clock reads `ms` more than now. The wake-up is set at the true
   * instant that reading is due; a suspension that strikes meanwhile stops the clock and makes that
   * instant too early, so a sleep woken before its reading sleeps again (a real timer on a
   * monotonic clock does not fire while the machine is suspended).
   */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const target = this.monoMs() + Math.max(0, Math.ceil(ms));
    for (let wakeup = 0; wakeup < SLEEP_WAKEUPS_MAX; wakeup++) {
      await this.#host.sleepUntil(this.trueMsAtMono(target), signal);
      if (signal?.aborted === true || this.monoMs() >= target) return;
    }
    throw new Error(`a sleep woke ${SLEEP_WAKEUPS_MAX} times before its monotonic reading`);
  }

  /** Steps the wall clock by `deltaMs` (NTP step, either direction), clamped into the bound. */
  jumpWall(deltaMs: number): void {
    this.#errorBaseMs = this.#clamp(this.wallErrorMs() + deltaMs);
    this.#wallRefMs = this.#host.nowMs();
  }

  /** Freezes the monotonic clock for `durationMs` of true time (a suspended VM or laptop). */
  suspend(durationMs: number): void {
    const now = this.#host.nowMs();
    this.#monoBaseMs = this.#monoAt(now);
    this.#monoRefMs = Math.max(now, this.#frozenUntilMs) + durationMs;
    this.#frozenUntilMs = this.#monoRefMs;
  }

  /** Heal: the wall clock is stepped back to true time and stops drifting. */
  resync(): void {
    this.#errorBaseMs = 0;
    this.#wallDriftPpm = 0;
    this.#wallRefMs = this.#host.nowMs();
  }

  #monoAt(trueMs: number): number {
    if (trueMs < this.#frozenUntilMs) return this.#monoBaseMs;
    return this.#monoBaseMs + Math.floor(((trueMs - this.#monoRefMs) * this.#monoRate) / PPM);
  }

  /** The first true instant (not before now) at which the monotonic clock reads at least `targetMono`. */
  trueMsAtMono(targetMono: number): number {
    const now = this.#host.nowMs();
    const neededMs = targetMono - this.#monoBaseMs;
    let trueMs = Math.max(now, this.#monoRefMs + Math.ceil((neededMs * PPM) / this.#monoRate));
    while (this.#monoAt(trueMs) < targetMono) trueMs += 1;
    return trueMs;
  }

  #clamp(errorMs: number): number {
    const bound = this.#errorMsMax;
    if (bound === null) return errorMs;
    return Math.max(-bound, Math.min(bound, errorMs));
  }
}
