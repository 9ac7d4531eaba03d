import type { Clock, Expired, Held, Invalid, MaxRenewalsReached } from '@leasehold/core';

/**
 * The service's clock, injected (CONSTRAINTS.md C-4 in spirit: the simulator runs this service on
 * its own clock). Its wall clock decides expiry for every lease the service grants; `sleep` can be
 * cut short by a signal so a woken wait leaves no timer behind.
 */
export interface ServiceClock extends Clock {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A granted or renewed lease as the service answers it. The owner key goes to the holder only. */
export interface LeaseView {
  readonly leaseId: string;
  readonly resource: string;
  readonly holder: string;
  readonly token: number;
  readonly ownerKey: string;
  readonly ttlMs: number;
  readonly acquiredAtMs: number;
  readonly expiresAtMs: number;
  readonly renewals: number;
  /** The lease's own limits, given at acquire (null: none). */
  readonly maxRenewals: number | null;
  readonly maxAgeMs: number | null;
}

/** A resource's lease as anyone may see it: never the owner key. */
export interface LeaseStatus {
  readonly resource: string;
  readonly status: 'free' | 'held' | 'expired';
  readonly holder: string | null;
  readonly token: number;
  readonly leaseId: string | null;
  readonly expiresAtMs: number | null;
  readonly ttlMs: number | null;
  readonly acquiredAtMs: number | null;
  readonly renewals: number | null;
  /** A held lease's own limits, given at acquire (null: none, or not held). */
  readonly maxRenewals: number | null;
  readonly maxAgeMs: number | null;
  readonly lastHolder: string | null;
  readonly freedBy: 'released' | 'forceReleased' | 'expired' | null;
  readonly updatedAtMs: number | null;
}

export interface ServiceUnavailable {
  readonly kind: 'unavailable';
  readonly reason: string;
  /**
   * An acquire none of whose writes may have applied: the lowest token a later grant of its
   * request may have (its caller's next floor).
   */
  readonly tokenFloor?: number;
}
/** No grant with this lease id was ever issued here. */
export interface NotFound {
  readonly kind: 'notFound';
}
/** The caller is not the lease's owner (wrong owner key, or its API key names another holder). */
export interface Forbidden {
  readonly kind: 'forbidden';
  readonly reason: string;
}
/** The grant ended (expired, released, force-released, superseded): it is never resurrected. */
export interface Gone {
  readonly kind: 'gone';
  readonly token: number;
  readonly reason: Expired['reason'];
  /** Who holds the lease now, if anyone (another grant, or this holder's own newer one). */
  readonly holder: string | null;
  /** The record is free: who held it last (this grant's holder, or another since). */
  readonly lastHolder: string | null;
}

export type AcquireAnswer =
  | { readonly kind: 'granted'; readonly lease: LeaseView; readonly replayed: boolean }
  | Held
  | Gone
  | Invalid
  | ServiceUnavailable;

export type RenewAnswer =
  | { readonly kind: 'renewed'; readonly lease: LeaseView; readonly replayed: boolean }
  | { readonly kind: 'skipped'; readonly lease: LeaseView }
  | NotFound
  | Forbidden
  | Gone
  | MaxRenewalsReached
  | Invalid
  | ServiceUnavailable;

export type ReleaseAnswer =
  | { readonly kind: 'released'; readonly token: number; readonly replayed: boolean }
  | NotFound
  | Forbidden
  | Gone
  | Invalid
  | ServiceUnavailable;

export type ForceReleaseAnswer =
  | { readonly kind: 'forceReleased'; readonly previousHolder: string; readonly token: number }
  | { readonly kind: 'notHeld' }
  | { readonly kind: 'holderMismatch'; readonly holder: string }
  | Invalid
  | ServiceUnavailable;

/** What the service did, for metrics; called after the write committed. */
export interface ServiceObserver {
  granted?(resource: string): void;
  conflict?(resource: string): void;
  renewed?(resource: string): void;
  released?(resource: string): void;
  expired?(resource: string): void;
  forceReleased?(resource: string): void;
}

/** Where the service keeps its settings (the store's own settings table or key). */
export interface SettingsStore {
  /** The saved settings patch, or null when none was ever saved. */
  load(): Promise<{ readonly kind: 'ok'; readonly settings: unknown } | ServiceUnavailable>;
  save(settings: object): Promise<{ readonly kind: 'ok' } | ServiceUnavailable>;
}

export type { Invalid };
