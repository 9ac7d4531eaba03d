import { invalid, type Invalid } from './invalid.js';
import {
  CLOCK_DRIFT_PPM_LIMIT_MAX,
  RENEWALS_LIMIT_MAX,
  TTL_MS_LIMIT_MAX,
  TTL_MS_LIMIT_MIN,
} from './limits.js';
import { checkInteger, checkIntegerMs } from './validate.js';

/**
 * Runtime lease configuration. All times are integer milliseconds; drift is in parts per million.
 * See spec/README.md ("Why belief is safe") for why each margin exists.
 */
export interface LeaseConfig {
  /** TTL used when a request names none. */
  readonly ttlMsDefault: number;
  /** Smallest TTL a request may ask for. */
  readonly ttlMsMin: number;
  /** Largest TTL a request may ask for. */
  readonly ttlMsMax: number;
  /** Extra wait past expiry before anyone may take a lease over (tolerates in-flight work). */
  readonly graceMs: number;
  /** Bound on how far any two nodes' wall clocks may differ. */
  readonly maxClockSkewMs: number;
  /** How much earlier than its TTL a holder stops believing it holds the lease. */
  readonly safetyMarginMs: number;
  /** Bound on clock rate error; the belief margin grows with it (see `safetyMarginMsFor`). */
  readonly clockDriftPpmMax: number;
  /**
   * Renewals allowed per grant; null means unlimited. A lease may be given a tighter limit of its
   * own at acquire (`AcquireRequest.maxRenewals`), never a wider one: the tighter applies.
   */
  readonly maxRenewals: number | null;
}

export const DEFAULT_CONFIG: LeaseConfig = Object.freeze({
  ttlMsDefault: 300_000,
  ttlMsMin: 1_000,
  ttlMsMax: 86_400_000,
  graceMs: 1_000,
  maxClockSkewMs: 500,
  safetyMarginMs: 250,
  clockDriftPpmMax: 1_000,
  maxRenewals: null,
});

export type ConfigResult = { readonly kind: 'ok'; readonly config: LeaseConfig } | Invalid;

const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.keys(DEFAULT_CONFIG));

/**
 * Builds a configuration from user-supplied overrides. Every value is checked; unknown keys are
 * refused so a typo never silently falls back to a default.
 */
export function resolveConfig(overrides: unknown = {}): ConfigResult {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    return invalid('config', 'must be an object');
  }
  for (const key of Object.keys(overrides)) {
    if (!KNOWN_KEYS.has(key)) {
      return invalid(`config.${key}`, `is not a setting (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  const merged = { ...DEFAULT_CONFIG, ...(overrides as Partial<LeaseConfig>) };
  const problem = checkConfig(merged);
  if (problem) return problem;
  return { kind: 'ok', config: Object.freeze(merged) };
}

function checkConfig(config: LeaseConfig): Invalid | null {
  return (
    checkIntegerMs('config.ttlMsMin', config.ttlMsMin, TTL_MS_LIMIT_MIN, TTL_MS_LIMIT_MAX) ??
    checkIntegerMs('config.ttlMsMax', config.ttlMsMax, config.ttlMsMin, TTL_MS_LIMIT_MAX) ??
    checkIntegerMs('config.ttlMsDefault', config.ttlMsDefault, config.ttlMsMin, config.ttlMsMax) ??
    checkIntegerMs('config.graceMs', config.graceMs, 0, TTL_MS_LIMIT_MAX) ??
    checkIntegerMs('config.maxClockSkewMs', config.maxClockSkewMs, 0, TTL_MS_LIMIT_MAX) ??
    checkIntegerMs('config.safetyMarginMs', config.safetyMarginMs, 0, config.ttlMsMin - 1) ??
    checkInteger(
      'config.clockDriftPpmMax',
      config.clockDriftPpmMax,
      0,
      CLOCK_DRIFT_PPM_LIMIT_MAX,
    ) ??
    (config.maxRenewals === null
      ? null
      : checkInteger('config.maxRenewals', config.maxRenewals, 0, RENEWALS_LIMIT_MAX)) ??
    checkMarginFitsMinTtl(config)
  );
}

function checkMarginFitsMinTtl(config: LeaseConfig): Invalid | null {
  const marginMs = safetyMarginMsFor(config.ttlMsMin, config);
  if (marginMs < config.ttlMsMin) return null;
  return invalid(
    'config.ttlMsMin',
    `must exceed the safety margin (${marginMs} ms for drift ${config.clockDriftPpmMax} ppm)`,
  );
}

/**
 * The margin a holder subtracts from a TTL. It is at least `safetyMarginMs` and at least the
 * drift allowance 2 * drift * ttl, which makes the belief end before any claimant's wall clock can
 * pass `expiresAtMs + graceMs + maxClockSkewMs` when both clocks drift within the bound
 * (derivation in spec/README.md, "Why belief is safe").
 */
export function safetyMarginMsFor(ttlMs: number, config: LeaseConfig): number {
  const driftMarginMs = Math.ceil((2 * ttlMs * config.clockDriftPpmMax) / 1_000_000);
  return Math.max(config.safetyMarginMs, driftMarginMs);
}
