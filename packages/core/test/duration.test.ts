import { DURATION_MS_MAX, formatDuration, parseDuration } from '@leasehold/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('parseDuration', () => {
  const good: Array<[unknown, number]> = [
    ['500ms', 500],
    ['30s', 30_000],
    ['60m', 3_600_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1m500ms', 60_500],
    [' 45s ', 45_000],
    ['1500', 1_500],
    [0, 0],
    [250, 250],
  ];
  for (const [input, ms] of good) {
    it(`reads ${JSON.stringify(input)} as ${ms} ms`, () => {
      expect(parseDuration(input)).toEqual({ kind: 'ok', ms });
    });
  }

  const bad: Array<[unknown, RegExp]> = [
    ['', /ttl must not be empty/],
    ['5y', /could not read "5y"/],
    ['1.5s', /could not read/],
    ['-5s', /could not read/],
    ['10 s', /could not read "10 s"/],
    ['s', /could not read "s"/],
    [1.5, /whole, non-negative/],
    [-1, /whole, non-negative/],
    [Number.NaN, /whole, non-negative/],
    [null, /ttl must be a duration string/],
    ['9999999d', /at most 31536000000 ms/],
    ['1'.repeat(70), /at most 64 characters/],
  ];
  for (const [input, reason] of bad) {
    it(`refuses ${JSON.stringify(input) ?? String(input)} with a typed reason naming the field`, () => {
      const r = parseDuration(input, 'ttl');
      expect(r.kind).toBe('invalid');
      if (r.kind === 'invalid') {
        expect(r.field).toBe('ttl');
        expect(r.reason).toMatch(reason);
      }
    });
  }

  it('round-trips formatDuration for any duration (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DURATION_MS_MAX }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ kind: 'ok', ms });
      }),
    );
  });
});
