/**
 * The one record a store keeps per resource. It is created on the first grant and never deleted
 * by release, so the fencing token keeps increasing (I-5). The status is the discriminant.
 */
export type LeaseRecord = HeldRecord | FreeRecord;

interface RecordBase {
  readonly resource: string;
  /** Fencing token: the highest epoch issued for this resource. */
  readonly token: number;
  /** Wall time (of the writing node) of the last write. */
  readonly updatedAtMs: number;
  /** Request id of the last write; a retry carrying it is recognised as already applied. */
  readonly requestId: string;
  /** The most recent grants, newest last (at most RECORD_GRANT_IDS_MAX). I-8. */
  readonly recentGrants: readonly GrantMark[];
}

/** Which request obtained which token: lets a retried acquire be recognised (I-8). */
export interface GrantMark {
  readonly requestId: string;
  readonly token: number;
}

export interface HeldRecord extends RecordBase {
  readonly status: 'held';
  readonly holder: string;
  /** Secret proof of ownership chosen by the holder at acquire; renew and release present it. */
  readonly ownerKey: string;
  readonly ttlMs: number;
  readonly acquiredAtMs: number;
  /** Absolute expiry on the wall clock of the node that wrote it. */
  readonly expiresAtMs: number;
  readonly renewals: number;
  /**
   * The lease's own renewal limit, given at acquire (null: none). The deployment's
   * (`LeaseConfig.maxRenewals`) applies beside it: the tighter of the two.
   */
  readonly maxRenewals: number | null;
  /**
   * The lease's own maximum age, given at acquire (null: none): no renewal moves its expiry past
   * `acquiredAtMs + maxAgeMs`.
   */
  readonly maxAgeMs: number | null;
}

export type FreedBy = 'released' | 'forceReleased' | 'expired';

export interface FreeRecord extends RecordBase {
  readonly status: 'free';
  /** Holder of the grant that ended last. */
  readonly lastHolder: string;
  readonly freedBy: FreedBy;
}
