import {
  CLOCK_DRIFT_PPM_LIMIT_MAX,
  LEASE_AGE_MS_LIMIT_MAX,
  RENEWALS_LIMIT_MAX,
  REQUEST_ID_BYTES_MAX,
  RESOURCE_BYTES_MAX,
  TTL_MS_LIMIT_MAX,
  type LeaseConfig,
} from '@leasehold/core';
import type { Prng } from './prng.js';

/**
 * Inputs a careless caller sends: just outside a documented limit (or exactly on it). The client
 * must refuse the invalid ones as `invalid` naming the field, writing nothing, and serve the ones on
 * the limit; the model's trace validation holds it to that (C-3: user input never reaches an
 * assertion). A four-byte character makes a name long in bytes but short in UTF-16 units.
 */
export type BadInput =
  | { readonly kind: 'resource'; readonly resource: string }
  | { readonly kind: 'ttl'; readonly ttlMs: number }
  | { readonly kind: 'requestId'; readonly requestId: string }
  /** A lease's own renewal limit, given at acquire. */
  | { readonly kind: 'maxRenewals'; readonly maxRenewals: number }
  /** A lease's own maximum age: `maxAgeMs`, plus the acquire's TTL when `fromTtl`. */
  | { readonly kind: 'maxAgeMs'; readonly maxAgeMs: number; readonly fromTtl: boolean };

/**
 * A bad (or boundary) input for an operation that takes `fields`, drawn from `prng`; `unique` (ASCII)
 * starts any request id, so that no two operations share one.
 */
export function drawBadInput(
  prng: Prng,
  config: LeaseConfig,
  fields: readonly BadInput['kind'][],
  unique: string,
): BadInput {
  const field = prng.pick(fields);
  switch (field) {
    case 'resource':
      return { kind: 'resource', resource: prng.pick(badResources()) };
    case 'ttl':
      return {
        kind: 'ttl',
        ttlMs: prng.pick([
          config.ttlMsMin - 1,
          config.ttlMsMax + 1,
          config.ttlMsMin + 0.5,
          config.ttlMsMin,
          config.ttlMsMax,
        ]),
      };
    case 'maxRenewals':
      return {
        kind: 'maxRenewals',
        maxRenewals: prng.pick([-1, 0.5, 0, RENEWALS_LIMIT_MAX, RENEWALS_LIMIT_MAX + 2]),
      };
    case 'maxAgeMs':
      // Just below the lease's TTL, on it; none at all, a fraction, on and past the longest.
      return prng.pick([
        { kind: 'maxAgeMs', maxAgeMs: -1, fromTtl: true },
        { kind: 'maxAgeMs', maxAgeMs: 0, fromTtl: true },
        { kind: 'maxAgeMs', maxAgeMs: 0, fromTtl: false },
        { kind: 'maxAgeMs', maxAgeMs: 0.5, fromTtl: true },
        { kind: 'maxAgeMs', maxAgeMs: LEASE_AGE_MS_LIMIT_MAX, fromTtl: false },
        { kind: 'maxAgeMs', maxAgeMs: LEASE_AGE_MS_LIMIT_MAX + 1, fromTtl: false },
      ] as const);
    case 'requestId':
      // A request id names one intended operation: even a bad one is this operation's own.
      return {
        kind: 'requestId',
        requestId: prng.pick([
          '',
          padTo(unique, REQUEST_ID_BYTES_MAX + 1, 'r'),
          padTo(unique, REQUEST_ID_BYTES_MAX, 'é'),
          `${unique}\udfff`,
          `${unique}\udc00`,
        ]),
      };
  }
}

/**
 * Names just outside or on the byte limit, each built of the characters at an edge of a UTF-8
 * length class (the last one-byte, the first and the last two-byte, the first and the last
 * three-byte, the first and the last four-byte code point), so a length count off by one code
 * point at any edge changes the verdict; and broken UTF-16: a lone high surrogate, alone or
 * followed by the last three-byte code point (just above the low surrogates).
 */
function badResources(): readonly string[] {
  return [
    '',
    'x'.repeat(RESOURCE_BYTES_MAX + 1),
    '\u007f'.repeat(RESOURCE_BYTES_MAX),
    '\u{10000}'.repeat(RESOURCE_BYTES_MAX / 4 + 1),
    '\u{10FFFF}'.repeat(RESOURCE_BYTES_MAX / 4),
    '\u0080'.repeat(RESOURCE_BYTES_MAX / 2 + 1),
    '\u07ff'.repeat(RESOURCE_BYTES_MAX / 2),
    '\u0800'.repeat(Math.floor(RESOURCE_BYTES_MAX / 3) + 1),
    // Longer in UTF-16 units than a third of the limit, so the bytes must be counted.
    '\uffff'.repeat(Math.floor(RESOURCE_BYTES_MAX / 3) - 1) +
      'x'.repeat((RESOURCE_BYTES_MAX % 3) + 3),
    'half a pair \ud800 of surrogates',
    'half a pair \ud800\uffff of surrogates',
  ];
}

/** `head` followed by `fill` (one or two UTF-8 bytes) up to exactly `bytes` UTF-8 bytes. */
function padTo(head: string, bytes: number, fill: 'r' | 'é'): string {
  const room = bytes - head.length;
  const fillBytes = fill === 'r' ? 1 : 2;
  return head + 'x'.repeat(room % fillBytes) + fill.repeat(Math.floor(room / fillBytes));
}

/**
 * A configuration a careless user passes to `resolveConfig`: the run's own (`base`) with one
 * setting just outside its documented range, exactly on it, of the wrong type, or with a misspelt
 * key; or no object at all. The model's statement of the rules (`configAnswerProblem`) decides
 * which are valid; the core must resolve the valid ones to exactly what was asked and refuse the
 * others naming the setting and its limit.
 */
export function drawConfigOffer(prng: Prng, base: LeaseConfig): unknown {
  const key = prng.pick(CONFIG_OFFER_KEYS);
  if (key === 'notAnObject') return prng.pick<unknown>([null, [], 'ttlMsMin=1000', 42]);
  if (key === 'misspelt') return { ...base, [prng.pick(['ttlMS', 'grace', 'maxRenewal'])]: 1 };
  return { ...base, [key]: prng.pick(configValues(key, base)) };
}

const CONFIG_OFFER_KEYS = [
  'ttlMsMin',
  'ttlMsMax',
  'ttlMsDefault',
  'graceMs',
  'maxClockSkewMs',
  'safetyMarginMs',
  'clockDriftPpmMax',
  'maxRenewals',
  'misspelt',
  'notAnObject',
] as const;

function configValues(key: keyof LeaseConfig, c: LeaseConfig): readonly unknown[] {
  const typos: readonly unknown[] = [Number.NaN, 0.5, '1000', undefined];
  switch (key) {
    case 'ttlMsMin':
      return [0, 1, 2, TTL_MS_LIMIT_MAX + 1, c.ttlMsMax + 1, c.safetyMarginMs, c.ttlMsMin + 0.5];
    case 'ttlMsMax':
      return [
        c.ttlMsMin - 1,
        c.ttlMsMin,
        c.ttlMsDefault - 1,
        TTL_MS_LIMIT_MAX,
        TTL_MS_LIMIT_MAX + 1,
        Infinity,
      ];
    case 'ttlMsDefault':
      return [c.ttlMsMin - 1, c.ttlMsMin, c.ttlMsMax, c.ttlMsMax + 1, ...typos];
    case 'graceMs':
    case 'maxClockSkewMs':
      return [-1, 0, TTL_MS_LIMIT_MAX, TTL_MS_LIMIT_MAX + 1, ...typos];
    case 'safetyMarginMs':
      return [-1, 0, c.ttlMsMin - 1, c.ttlMsMin, ...typos];
    case 'clockDriftPpmMax':
      return [-1, 0, CLOCK_DRIFT_PPM_LIMIT_MAX, CLOCK_DRIFT_PPM_LIMIT_MAX + 1, ...typos];
    case 'maxRenewals':
      return [-1, 0, null, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, ...typos];
  }
}
