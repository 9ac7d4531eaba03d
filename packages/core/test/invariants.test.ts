import {
  decideFencedWrite,
  FencedResource,
  INVARIANTS,
  invariantName,
  violation,
} from '@leasehold/core';
import { describe, expect, it } from 'vitest';

describe('the invariant table and the fenced resource', () => {
  it('the table lists I-1..I-8 with the names of CONSTRAINTS.md C-6', () => {
    expect(INVARIANTS.map((i) => `${i.id} ${i.name}`)).toEqual([
      'I-1 LeaseUniqueness',
      'I-2 BeliefConsistency',
      'I-3 RenewalRequiresOwnership',
      'I-4 ExpiredLeaseClaimable',
      'I-5 FencingMonotonic',
      'I-6 FencedResourceSafety',
      'I-7 NoResurrection',
      'I-8 IdempotentAcquire',
    ]);
    expect(invariantName('I-6')).toBe('FencedResourceSafety');
    expect(violation('I-3', 'x')).toEqual({
      invariant: 'I-3',
      name: 'RenewalRequiresOwnership',
      message: 'x',
    });
  });

  it('I-6: the fenced-write decision rejects lower tokens and accepts equal or higher', () => {
    expect(decideFencedWrite(3, 2)).toEqual({ kind: 'rejected', tokenAcceptedMax: 3 });
    expect(decideFencedWrite(3, 3)).toEqual({ kind: 'accepted', tokenAcceptedMax: 3 });
    expect(decideFencedWrite(3, 4)).toEqual({ kind: 'accepted', tokenAcceptedMax: 4 });
  });

  it('I-6: a fenced resource remembers the highest token it accepted and refuses anything below', () => {
    const fence = new FencedResource();
    expect(fence.write(2).kind).toBe('accepted');
    expect(fence.write(5).kind).toBe('accepted');
    expect(fence.write(5).kind).toBe('accepted');
    expect(fence.write(4).kind).toBe('rejected');
    expect(fence.tokenAcceptedMax).toBe(5);
  });
});
