import { resolveConfig, type LeaseConfig } from '@leasehold/core';
import { STORE_TIMEOUT_MS_MAX, STORE_TIMEOUT_MS_MIN, TTL_PICKS_MAX } from './limits.js';
import type { Draws } from './prng.js';

/**
 * Everything a seed draws besides its faults and world shape: the lease configuration, the
 * simulated store's request timeout, and the workload's knobs. Swarm testing over settings, not
 * only faults: one generous constant for every seed would hide a broken safety margin behind the
 * grace period, so each seed draws its own, with real weight on the edges (grace 0, the smallest
 * margin the rule allows, the largest drift and skew).
 */
export interface SimSettings {
  /** TTLs the workload asks for (the lease configuration's min and max follow them). */
  readonly ttlMs: readonly number[];
  readonly graceMs: number;
  /** Bound on how far two wall clocks may differ; even, so each clock stays within half of it. */
  readonly skewMs: number;
  /** `safetyMarginMs` of the configuration (the drift allowance may make the margin larger). */
  readonly marginMs: number;
  readonly driftPpm: number;
  /** Renewals per grant; null: unlimited. */
  readonly renewals: number | null;
  /** The simulated store's request timeout: a reply later than this never reaches the client. */
  readonly timeoutMs: number;
  /** Think time between leases, at most (ms). */
  readonly thinkMs: number;
  /** Fenced writes per lease, at most. */
  readonly writes: number;
  /** Work between two fenced writes, at most (ms). */
  readonly workMs: number;
  /** Percent of leases a node abandons (stops using without releasing). */
  readonly abandonPct: number;
  /** Percent of acquires that block (wait for the lease) instead of returning at once. */
  readonly blockingPct: number;
  /** A blocking acquire's wait, at most (ms). */
  readonly waitMs: number;
  /** Percent of a node's turns spent as an admin force-releasing a lease. */
  readonly adminPct: number;
  /** Percent of a node's turns spent expiring a lease that is past its claimable point. */
  readonly cleanupPct: number;
  /**
   * Percent of ended leases whose holder renews once more (a keep-alive timer firing late), and
   * (drawn apart) releases once more (a finally block running after the lease was lost).
   */
  readonly stalePct: number;
  /** Percent of operations sent with one input just outside (or on) a documented limit. */
  readonly badPct: number;
  /**
   * Percent of a node's turns spent on a composite client call: `withLease` (a keep-alive renews
   * beside the work), `acquireAll` over several resources (held together, half the time kept
   * alive, then `releaseAll`), or `forceClaim` of a resource.
   */
  readonly composePct: number;
}

type Key = keyof SimSettings;

/** Each setting's range when given by hand (the draw stays inside it too). */
const RANGES: Readonly<Record<Exclude<Key, 'ttlMs' | 'renewals'>, readonly [number, number]>> = {
  graceMs: [0, 1_000],
  skewMs: [0, 1_000],
  marginMs: [0, 1_000],
  driftPpm: [0, 100_000],
  timeoutMs: [STORE_TIMEOUT_MS_MIN, STORE_TIMEOUT_MS_MAX],
  thinkMs: [0, 1_000],
  writes: [1, 10],
  workMs: [1, 1_000],
  abandonPct: [0, 100],
  blockingPct: [0, 100],
  waitMs: [1, 5_000],
  adminPct: [0, 100],
  cleanupPct: [0, 100],
  stalePct: [0, 100],
  badPct: [0, 100],
  composePct: [0, 100],
};

/** TTLs a seed picks from (ms); each is above the largest margin any drawn setting gives it. */
const TTL_MENU_MS = [100, 200, 300, 500, 800, 1_000, 1_500, 2_000, 3_000] as const;
const TTL_MS_RANGE = [10, 60_000] as const;
const RENEWALS_MAX = 100;

/** The names `--settings` takes, in print order. */
const NAMES: readonly (readonly [Key, string])[] = [
  ['ttlMs', 'ttl'],
  ['graceMs', 'grace'],
  ['skewMs', 'skew'],
  ['marginMs', 'margin'],
  ['driftPpm', 'drift'],
  ['renewals', 'renewals'],
  ['timeoutMs', 'timeout'],
  ['thinkMs', 'think'],
  ['writes', 'writes'],
  ['workMs', 'work'],
  ['abandonPct', 'abandon'],
  ['blockingPct', 'blocking'],
  ['waitMs', 'wait'],
  ['adminPct', 'admin'],
  ['cleanupPct', 'cleanup'],
  ['stalePct', 'stale'],
  ['badPct', 'bad'],
  ['composePct', 'compose'],
];

/** Picks a band by weight, then a value in it: edges get real weight, not one chance in a range. */
function weighted(prng: Draws, bands: readonly (readonly [number, number, number])[]): number {
  let total = 0;
  for (const [weight] of bands) total += weight;
  let pick = prng.int(total);
  for (const [weight, low, high] of bands) {
    if (pick < weight) return prng.between(low, high);
    pick -= weight;
  }
  const last = bands[bands.length - 1]!;
  return prng.between(last[1], last[2]);
}

/** The settings of one seed, drawn from its `settings` stream. */
export function drawSettings(prng: Draws): SimSettings {
  const ttlCount = prng.between(1, 3);
  const ttl = new Set<number>();
  // Bounded: a seed's stream fills the set within a few picks, a shrunk fast-check tape may
  // repeat one TTL forever.
  for (let i = 0; i < TTL_PICKS_MAX && ttl.size < ttlCount; i++) ttl.add(prng.pick(TTL_MENU_MS));
  const ttlMs = [...ttl].sort((a, b) => a - b);
  const ttlMin = ttlMs[0]!;
  return {
    ttlMs,
    graceMs: weighted(prng, [
      [35, 0, 0],
      [35, 1, 50],
      [30, 51, 500],
    ]),
    skewMs:
      2 *
      weighted(prng, [
        [20, 0, 0],
        [50, 1, 50],
        [30, 51, 200],
      ]),
    // The smallest margin the rule allows is 0 here: the drift allowance then sets it alone.
    marginMs: weighted(prng, [
      [50, 0, 0],
      [30, 1, 20],
      [20, 21, Math.floor(ttlMin / 4)],
    ]),
    driftPpm: weighted(prng, [
      [20, 0, 0],
      [30, 1, 10_000],
      [30, 10_001, 50_000],
      [20, 100_000, 100_000],
    ]),
    renewals: prng.chance(3, 5) ? null : prng.between(0, 4),
    timeoutMs: weighted(prng, [
      [50, 200, STORE_TIMEOUT_MS_MAX],
      [50, STORE_TIMEOUT_MS_MIN, 199],
    ]),
    thinkMs: weighted(prng, [
      [30, 0, 0],
      [70, 1, 300],
    ]),
    writes: prng.between(1, 8),
    workMs: prng.between(10, 400),
    abandonPct: prng.between(0, 30),
    blockingPct: prng.between(0, 100),
    waitMs: prng.between(100, 3_000),
    adminPct: prng.chance(3, 10) ? 0 : prng.between(1, 10),
    cleanupPct: prng.chance(3, 10) ? 0 : prng.between(1, 15),
    stalePct: weighted(prng, [
      [30, 0, 0],
      [40, 1, 20],
      [30, 21, 100],
    ]),
    badPct: prng.chance(1, 2) ? 0 : prng.between(1, 5),
    // Drawn last, so the draws above are what they were before composite calls existed.
    composePct: prng.chance(1, 2) ? 0 : prng.between(1, 20),
  };
}

/** The lease configuration every node of the run uses. */
export function leaseConfigOf(settings: SimSettings): LeaseConfig {
  const resolved = resolveConfig(configOfferOf(settings));
  if (resolved.kind !== 'ok') throw new Error(`simulator settings: ${resolved.reason}`);
  return resolved.config;
}

/** The configuration a run's settings ask for, as a user would pass it to `resolveConfig`. */
export function configOfferOf(settings: SimSettings): LeaseConfig {
  const ttlMs = settings.ttlMs;
  return {
    ttlMsDefault: ttlMs[0]!,
    ttlMsMin: Math.min(...ttlMs),
    ttlMsMax: Math.max(...ttlMs),
    graceMs: settings.graceMs,
    maxClockSkewMs: settings.skewMs,
    safetyMarginMs: settings.marginMs,
    clockDriftPpmMax: settings.driftPpm,
    maxRenewals: settings.renewals,
  };
}

/**
 * `ttl=100/500 grace=0 skew=100 ...`: what `--settings` takes and reports print (the settings
 * given, in a fixed order; all of them for a run's settings).
 */
export function formatSettings(settings: Partial<SimSettings>): string {
  return NAMES.filter(([key]) => settings[key] !== undefined)
    .map(([key, name]) => `${name}=${valueText(settings, key)}`)
    .join(' ');
}

function valueText(settings: Partial<SimSettings>, key: Key): string {
  if (key === 'ttlMs') return settings.ttlMs!.join('/');
  if (key === 'renewals') return settings.renewals === null ? 'none' : String(settings.renewals);
  return String(settings[key]);
}

export type SettingsResult =
  | { readonly kind: 'ok'; readonly settings: Partial<SimSettings> }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Reads `--settings` back: any subset of the names, each checked against its range. */
export function parseSettings(text: string): SettingsResult {
  const out: { -readonly [K in Key]?: SimSettings[K] } = {};
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'default') return { kind: 'ok', settings: out };
  for (const part of trimmed.split(/[\s,]+/)) {
    const match = /^(\w+)=(\S+)$/.exec(part);
    const entry = NAMES.find(([, name]) => name === match?.[1]);
    if (match === null || entry === undefined) {
      return {
        kind: 'invalid',
        reason: `a setting is name=value with name one of ${NAMES.map(([, n]) => n).join(', ')} (got ${JSON.stringify(part)})`,
      };
    }
    const problem = readValue(out, entry[0], entry[1], match[2]!);
    if (problem !== null) return { kind: 'invalid', reason: problem };
  }
  if (out.marginMs !== undefined && out.ttlMs !== undefined && out.marginMs >= out.ttlMs[0]!) {
    return { kind: 'invalid', reason: `margin must be below the smallest ttl (${out.ttlMs[0]})` };
  }
  return { kind: 'ok', settings: out };
}

function readValue(
  out: { -readonly [K in Key]?: SimSettings[K] },
  key: Key,
  name: string,
  text: string,
): string | null {
  if (key === 'ttlMs') {
    const values = text.split('/').map(Number);
    const [low, high] = TTL_MS_RANGE;
    if (values.some((v) => !Number.isSafeInteger(v) || v < low || v > high))
      return `ttl must be TTLs in ms (${low}..${high}) joined by '/' (got ${JSON.stringify(text)})`;
    out.ttlMs = [...new Set(values)].sort((a, b) => a - b);
    return null;
  }
  if (key === 'renewals') {
    if (text === 'none') {
      out.renewals = null;
      return null;
    }
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0 || value > RENEWALS_MAX)
      return `renewals must be none or 0..${RENEWALS_MAX} (got ${JSON.stringify(text)})`;
    out.renewals = value;
    return null;
  }
  const [low, high] = RANGES[key];
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < low || value > high)
    return `${name} must be a whole number in ${low}..${high} (got ${JSON.stringify(text)})`;
  if (key === 'skewMs' && value % 2 !== 0) return `skew must be even (got ${value})`;
  out[key] = value;
  return null;
}

/** A seed's settings with some of them given by hand (`--settings`, shrunk runs). */
export function withSettings(drawn: SimSettings, given: Partial<SimSettings>): SimSettings {
  const merged = { ...drawn, ...given };
  const ttlMin = Math.min(...merged.ttlMs);
  // A hand-given TTL may sit below a drawn margin: the margin yields, never the TTL.
  const marginMs = given.marginMs ?? Math.min(merged.marginMs, Math.floor(ttlMin / 4));
  return { ...merged, marginMs };
}

/**
 * One fixed set of settings, for runs that do not draw from a seed (the chaos runs against real
 * stores, hand-made checker tests): the simulator's former defaults.
 */
export const FIXED_SETTINGS: SimSettings = Object.freeze({
  ttlMs: [500, 1_000, 2_000],
  graceMs: 100,
  skewMs: 100,
  marginMs: 50,
  driftPpm: 10_000,
  renewals: null,
  timeoutMs: 1_000,
  thinkMs: 150,
  writes: 6,
  workMs: 300,
  abandonPct: 15,
  blockingPct: 50,
  waitMs: 2_500,
  adminPct: 0,
  cleanupPct: 0,
  stalePct: 0,
  badPct: 0,
  composePct: 0,
});
