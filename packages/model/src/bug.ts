import type { InvariantId } from '@leasehold/core';

/**
 * One known lease bug per value; `none` is the protocol as specified. Each buggy configuration
 * switches on exactly one (spec/Lease.tla, constant `Bug`).
 */
export type Bug =
  | 'none'
  | 'unknownOutcomeAsGrant'
  | 'acquireBlindWrite'
  | 'releaseWithoutOwnerCheck'
  | 'claimWithoutSkewMargin'
  | 'forceReleaseKeepsToken'
  | 'renewWithoutOwnerCheck'
  | 'forceReleaseIgnoresExpectedHolder'
  | 'expireBeforeClaimable'
  | 'claimWaitsDoubleSkew'
  | 'tokenResetOnRelease'
  | 'fenceWithoutTokenCheck'
  | 'renewWithoutExpiryCheck'
  | 'acquireIgnoresRequestId';

export interface BugInfo {
  readonly bug: Bug;
  /** The invariant this bug violates first (its shortest counterexample). */
  readonly invariant: InvariantId | null;
  readonly description: string;
}

export const BUGS: readonly BugInfo[] = [
  { bug: 'none', invariant: null, description: 'the protocol as specified' },
  {
    bug: 'unknownOutcomeAsGrant',
    invariant: 'I-1',
    description:
      'the client takes an acquire whose write failed or whose reply was lost as granted, with the token it proposed',
  },
  {
    bug: 'acquireBlindWrite',
    invariant: 'I-2',
    description:
      'acquire decides on its first read, then re-reads the version just before the compare-and-set (check-then-act)',
  },
  {
    bug: 'releaseWithoutOwnerCheck',
    invariant: 'I-2',
    description: 'release frees a held lease without checking holder and token',
  },
  {
    bug: 'claimWithoutSkewMargin',
    invariant: 'I-2',
    description:
      'a claimant takes over at expiresAt + grace on its own clock, without the skew bound',
  },
  {
    bug: 'forceReleaseKeepsToken',
    invariant: 'I-2',
    description:
      'an admin force-release frees the lease but keeps its token, so the evicted holder is not fenced',
  },
  {
    bug: 'renewWithoutOwnerCheck',
    invariant: 'I-3',
    description: 'renew extends a held, unexpired lease without checking holder and token',
  },
  {
    bug: 'forceReleaseIgnoresExpectedHolder',
    invariant: 'I-3',
    description: "an admin force-release naming an expected holder frees another holder's lease",
  },
  {
    bug: 'expireBeforeClaimable',
    invariant: 'I-3',
    description:
      'a cleanup expires a lease at expiresAt on its clock, without the grace and the skew bound',
  },
  {
    bug: 'claimWaitsDoubleSkew',
    invariant: 'I-4',
    description:
      'a claimant waits for expiresAt + grace + 2 x skew, refusing a claimable lease as held',
  },
  {
    bug: 'tokenResetOnRelease',
    invariant: 'I-5',
    description: 'release resets the fencing token to 0',
  },
  {
    bug: 'fenceWithoutTokenCheck',
    invariant: 'I-6',
    description: 'the fenced resource accepts every write, whatever its token',
  },
  {
    bug: 'renewWithoutExpiryCheck',
    invariant: 'I-7',
    description: "renew succeeds for the holder even at or after the lease's expiry",
  },
  {
    bug: 'acquireIgnoresRequestId',
    invariant: 'I-8',
    description:
      "acquire ignores the record's recent grants, so a retry of an applied acquire is granted again",
  },
];
