import { DEFAULT_CONFIG, resolveConfig, TTL_MS_LIMIT_MAX } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { configAnswerProblem, configProblems } from '../src/config-validation';

describe('the model’s own statement of the configuration rules', () => {
  it.each<[string, unknown, readonly string[]]>([
    ['no overrides', {}, []],
    ['not an object', null, ['config']],
    ['an array', [], ['config']],
    ['a misspelt key', { ttlMS: 5 }, ['config.ttlMS']],
    ['a TTL minimum of 0', { ttlMsMin: 0 }, ['config.ttlMsMin', 'config.safetyMarginMs']],
    [
      'a maximum below the minimum',
      { ttlMsMin: 5_000, ttlMsMax: 4_999, ttlMsDefault: 5_000 },
      ['config.ttlMsMax', 'config.ttlMsDefault'],
    ],
    [
      'a margin equal to the minimum TTL',
      { ttlMsMin: 250, ttlMsDefault: 250 },
      ['config.safetyMarginMs'],
    ],
    [
      'a drift margin that eats a 1 ms minimum TTL',
      { ttlMsMin: 1, safetyMarginMs: 0 },
      ['config.ttlMsMin'],
    ],
    [
      'no drift and a 1 ms minimum TTL',
      { ttlMsMin: 1, safetyMarginMs: 0, clockDriftPpmMax: 0 },
      [],
    ],
    ['renewals as text', { maxRenewals: '3' }, ['config.maxRenewals']],
    ['unlimited renewals', { maxRenewals: null }, []],
    ['grace above the TTL limit', { graceMs: TTL_MS_LIMIT_MAX + 1 }, ['config.graceMs']],
    ['NaN skew', { maxClockSkewMs: Number.NaN }, ['config.maxClockSkewMs']],
  ])('%s', (_title, offer, fields) => {
    expect(configProblems(offer).map((p) => p.field)).toEqual(fields);
  });

  it('agrees with the core on each of those offers', () => {
    for (const offer of [
      {},
      null,
      { ttlMsMin: 0 },
      { ttlMsMin: 1, safetyMarginMs: 0 },
      { maxRenewals: null },
    ]) {
      expect(configAnswerProblem(offer, resolveConfig(offer))).toBeNull();
    }
  });

  it('reports an answer that breaks the rules', () => {
    const ok = { kind: 'ok', config: DEFAULT_CONFIG } as const;
    expect(configAnswerProblem({ graceMs: -1 }, ok)).toMatch(/was accepted/);
    expect(configAnswerProblem({ graceMs: 7 }, ok)).toMatch(/resolved graceMs to 1000, not 7/);
    const refused = {
      kind: 'invalid',
      field: 'config.graceMs',
      reason: 'config.graceMs must be at least 1 ms',
    } as const;
    expect(configAnswerProblem({ graceMs: 7 }, refused)).toMatch(
      /valid configuration .* was refused/,
    );
    expect(configAnswerProblem({ graceMs: -1 }, refused)).toMatch(/does not name the limit 0/);
    expect(
      configAnswerProblem({ graceMs: -1 }, { ...refused, field: 'config.maxClockSkewMs' }),
    ).toMatch(/naming config.maxClockSkewMs/);
  });

  it('holds the defaults to the documented ones, not to whatever the core declares', () => {
    const moved = { kind: 'ok', config: { ...DEFAULT_CONFIG, graceMs: 999 } } as const;
    expect(configAnswerProblem({}, moved)).toMatch(/\{\} resolved graceMs to 999, not 1000/);
    const emptied = { kind: 'ok', config: {} as typeof DEFAULT_CONFIG } as const;
    expect(configAnswerProblem({}, emptied)).not.toBeNull();
  });
});
