import {
  decideAcquire,
  decideForceRelease,
  decideRelease,
  decideRenew,
  HOLDER_BYTES_MAX,
  LEASE_AGE_MS_LIMIT_MAX,
  RESOURCE_BYTES_MAX,
  utf8ByteLength,
} from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { acquireReq, config, held, ownerReq, T0 } from './fixtures';

/** User input never throws: every bad value is a typed invalid naming the field and the limit. */
describe('bad input is a typed invalid', () => {
  const acquireCases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['empty resource', { resource: '' }, 'resource', /resource must not be empty/],
    [
      'resource over the limit',
      { resource: 'x'.repeat(RESOURCE_BYTES_MAX + 1) },
      'resource',
      /at most 1024 UTF-8 bytes \(got 1025\)/,
    ],
    [
      'resource over the limit in bytes, not characters',
      { resource: 'é'.repeat(513) },
      'resource',
      /got 1026/,
    ],
    ['resource not a string', { resource: 42 }, 'resource', /resource must be a string \(got 42\)/],
    ['resource undefined', { resource: undefined }, 'resource', /got undefined/],
    ['resource with a lone surrogate', { resource: 'a\ud800b' }, 'resource', /valid UTF-8/],
    ['empty holder', { holder: '' }, 'holder', /holder must not be empty/],
    [
      'holder over the limit',
      { holder: 'h'.repeat(HOLDER_BYTES_MAX + 1) },
      'holder',
      /at most 256 UTF-8 bytes/,
    ],
    ['ttl 0', { ttlMs: 0 }, 'ttlMs', /ttlMs must be at least 100 ms \(got 0\)/],
    ['negative ttl', { ttlMs: -5 }, 'ttlMs', /at least 100 ms/],
    ['NaN ttl', { ttlMs: Number.NaN }, 'ttlMs', /ttlMs must be a number \(got NaN\)/],
    ['fractional ttl', { ttlMs: 1_000.5 }, 'ttlMs', /whole number of ms/],
    ['ttl above max', { ttlMs: 60_001 }, 'ttlMs', /ttlMs must be at most 60000 ms/],
    ['ttl as a string', { ttlMs: '60m' }, 'ttlMs', /must be a number \(got "60m"\)/],
    ['empty requestId', { requestId: '' }, 'requestId', /requestId must not be empty/],
    ['object ownerKey', { ownerKey: {} }, 'ownerKey', /got object/],
    ['negative maxRenewals', { maxRenewals: -1 }, 'maxRenewals', /maxRenewals must be at least 0/],
    ['fractional maxRenewals', { maxRenewals: 1.5 }, 'maxRenewals', /whole number \(got 1.5\)/],
    ['maxRenewals as text', { maxRenewals: '3' }, 'maxRenewals', /must be a number/],
    [
      'maxRenewals above the limit',
      { maxRenewals: Number.MAX_SAFE_INTEGER + 2 },
      'maxRenewals',
      /at most 9007199254740991/,
    ],
    [
      'maxAgeMs below the TTL',
      { ttlMs: 1_000, maxAgeMs: 999 },
      'maxAgeMs',
      /maxAgeMs must be at least the lease's TTL \(1000 ms\) \(got 999\)/,
    ],
    ['maxAgeMs 0', { maxAgeMs: 0 }, 'maxAgeMs', /maxAgeMs must be at least 1 ms/],
    [
      'maxAgeMs above the limit',
      { maxAgeMs: LEASE_AGE_MS_LIMIT_MAX + 1 },
      'maxAgeMs',
      /at most 31536000000 ms/,
    ],
    ['maxAgeMs NaN', { maxAgeMs: Number.NaN }, 'maxAgeMs', /must be a number \(got NaN\)/],
  ];
  for (const [label, patch, field, reason] of acquireCases) {
    it(`acquire: ${label}`, () => {
      const request = { ...acquireReq('a'), ...patch } as Parameters<typeof decideAcquire>[1];
      const d = decideAcquire(null, request, T0, config);
      expect(d.write).toBeNull();
      expect(d.result).toMatchObject({ kind: 'invalid', field });
      if (d.result.kind === 'invalid') expect(d.result.reason).toMatch(reason);
    });
  }

  it('accepts a resource of exactly the limit, including multi-byte characters', () => {
    expect(
      decideAcquire(null, acquireReq('a', { resource: '🚀'.repeat(256) }), T0, config).result.kind,
    ).toBe('granted');
    expect(utf8ByteLength('🚀'.repeat(256))).toBe(RESOURCE_BYTES_MAX);
  });

  it('renew: a non-integer token is invalid', () => {
    const record = held('a');
    const d = decideRenew(record, { ...ownerReq(record), token: 1.5, ttlMs: 1_000 }, T0, config);
    expect(d.result).toMatchObject({ kind: 'invalid', field: 'token' });
  });

  it('renew: a bad ttl is invalid', () => {
    const record = held('a');
    const d = decideRenew(record, { ...ownerReq(record), ttlMs: 0 }, T0, config);
    expect(d.result).toMatchObject({ kind: 'invalid', field: 'ttlMs' });
  });

  it('release: a missing token is invalid', () => {
    const record = held('a');
    const request = { ...ownerReq(record), token: undefined } as unknown as Parameters<
      typeof decideRelease
    >[1];
    expect(decideRelease(record, request, T0).result).toMatchObject({
      kind: 'invalid',
      field: 'token',
    });
  });

  it('forceRelease: an empty expected holder is invalid', () => {
    const d = decideForceRelease(
      held('a'),
      { resource: 'res', expectedHolder: '', requestId: 'f', by: 'admin' },
      T0,
    );
    expect(d.result).toMatchObject({ kind: 'invalid', field: 'expectedHolder' });
  });
});
