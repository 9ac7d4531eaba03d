import { DEFAULT_CONFIG, resolveConfig, TTL_MS_LIMIT_MAX } from '@leasehold/core';
import { describe, expect, it } from 'vitest';

describe('resolveConfig', () => {
  it('defaults: TTL 5 min, documented min and max, unlimited renewals', () => {
    expect(resolveConfig()).toEqual({ kind: 'ok', config: DEFAULT_CONFIG });
    expect(DEFAULT_CONFIG).toMatchObject({
      ttlMsDefault: 300_000,
      ttlMsMin: 1_000,
      ttlMsMax: 86_400_000,
      maxRenewals: null,
    });
  });

  it('accepts valid overrides', () => {
    const r = resolveConfig({ graceMs: 0, maxClockSkewMs: 0, maxRenewals: 3 });
    expect(r).toMatchObject({ kind: 'ok', config: { graceMs: 0, maxRenewals: 3 } });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['unknown key', { ttl: 5 }, /config\.ttl is not a setting/],
    ['not an object', 42, /config must be an object/],
    ['negative grace', { graceMs: -1 }, /config\.graceMs must be at least 0 ms/],
    [
      'fractional skew',
      { maxClockSkewMs: 1.5 },
      /config\.maxClockSkewMs must be a whole number of ms/,
    ],
    ['NaN default ttl', { ttlMsDefault: Number.NaN }, /config\.ttlMsDefault must be a number/],
    [
      'default ttl above max',
      { ttlMsDefault: 90_000_000 },
      /config\.ttlMsDefault must be at most 86400000 ms/,
    ],
    [
      'max above the timer limit',
      { ttlMsMax: TTL_MS_LIMIT_MAX + 1 },
      /config\.ttlMsMax must be at most 2147483647 ms/,
    ],
    [
      'margin not below min ttl',
      { safetyMarginMs: 1_000 },
      /config\.safetyMarginMs must be at most 999 ms/,
    ],
    [
      'drift above 10%',
      { clockDriftPpmMax: 200_000 },
      /config\.clockDriftPpmMax must be at most 100000/,
    ],
    ['negative maxRenewals', { maxRenewals: -1 }, /config\.maxRenewals must be at least 0/],
    ['string ttl', { ttlMsMin: '5' }, /config\.ttlMsMin must be a number \(got "5"\)/],
  ];
  for (const [label, overrides, reason] of bad) {
    it(`refuses ${label} with a reason naming the field and limit`, () => {
      const r = resolveConfig(overrides);
      expect(r.kind).toBe('invalid');
      if (r.kind === 'invalid') expect(r.reason).toMatch(reason);
    });
  }
});
