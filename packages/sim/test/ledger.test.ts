import type { LeaseRecord } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { sameRecord } from '../src/checker/ledger';

const held: LeaseRecord = {
  resource: 'job',
  status: 'held',
  holder: 'n1',
  ownerKey: 'k1',
  token: 4,
  ttlMs: 1_000,
  acquiredAtMs: 10,
  expiresAtMs: 1_010,
  renewals: 0,
  maxRenewals: null,
  maxAgeMs: null,
  updatedAtMs: 10,
  requestId: 'n1-1',
  recentGrants: [{ requestId: 'n1-1', token: 4 }],
};

describe('sameRecord: one store state, compared field by field', () => {
  it('the same fields in another order, or a copy, are the same record', () => {
    const reordered = Object.fromEntries(Object.entries(held).reverse()) as LeaseRecord;
    expect(sameRecord(held, reordered)).toBe(true);
    expect(sameRecord(held, structuredClone(held))).toBe(true);
    expect(sameRecord(null, null)).toBe(true);
  });

  it('any field, grant mark or missing record tells them apart', () => {
    expect(sameRecord(held, null)).toBe(false);
    expect(sameRecord(null, held)).toBe(false);
    expect(sameRecord(held, { ...held, token: 5 })).toBe(false);
    expect(sameRecord(held, { ...held, maxAgeMs: 0 })).toBe(false);
    expect(sameRecord(held, { ...held, recentGrants: [] })).toBe(false);
    expect(sameRecord(held, { ...held, recentGrants: [{ requestId: 'n1-1', token: 3 }] })).toBe(
      false,
    );
    const extra = { ...held, freedBy: 'expired' } as unknown as LeaseRecord;
    expect(sameRecord(held, extra)).toBe(false);
    expect(sameRecord(extra, held)).toBe(false);
  });
});
