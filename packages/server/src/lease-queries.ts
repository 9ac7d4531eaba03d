import { checkHolder, checkResource, type Invalid, type LeaseRecord } from '@leasehold/core';
import type { HistoryEntry, LeaseStore, VersionedRecord } from '@leasehold/store';
import { encodeLeaseId } from './lease-id.js';
import {
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  METRICS_SCAN_RECORDS_MAX,
  RELEASE_HOLDER_LEASES_MAX,
  SCAN_RECORDS_MAX,
} from './limits.js';
import type { LeaseStatus, ServiceUnavailable } from './service-types.js';

/** The store's own page size; scans read in pages of this many records. */
const SCAN_PAGE_RECORDS = 500;

export interface ListFilter {
  readonly holder?: string;
  readonly prefix?: string;
  readonly status?: LeaseStatus['status'];
  readonly limit?: number;
  /** Resume after this resource (the `next` of the previous page). */
  readonly after?: string;
}

export type ListAnswer =
  | {
      readonly kind: 'ok';
      readonly leases: LeaseStatus[];
      /** Pass as `after` for the next page; null at the end (or when the scan bound was hit). */
      readonly next: string | null;
    }
  | Invalid
  | ServiceUnavailable;

/** Scans of many records, each bounded; used by listings, admin routes and metrics. */
export type Scan =
  | {
      readonly kind: 'ok';
      readonly records: LeaseRecord[];
      readonly scanned: number;
      readonly truncated: boolean;
    }
  | ServiceUnavailable;

/**
 * The read side of the service: what a lease looks like now, listings, history. Status is judged
 * on the service's wall clock, the one that decides expiry. Never shows an owner key.
 */
export class LeaseQueries {
  readonly #store: LeaseStore;
  readonly #wallMs: () => number;

  constructor(store: LeaseStore, wallMs: () => number) {
    this.#store = store;
    this.#wallMs = wallMs;
  }

  async get(
    resource: string,
  ): Promise<{ kind: 'ok'; lease: LeaseStatus } | Invalid | ServiceUnavailable> {
    const problem = checkResource(resource);
    if (problem !== null) return problem;
    const read = await this.#store.read(resource);
    if (read.kind === 'unavailable') return read;
    return { kind: 'ok', lease: leaseStatus(resource, read.record, this.#wallMs()) };
  }

  async list(filter: ListFilter): Promise<ListAnswer> {
    const limit = filter.limit ?? LIST_LIMIT_DEFAULT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
      return {
        kind: 'invalid',
        field: 'limit',
        reason: `limit must be an integer from 1 to ${LIST_LIMIT_MAX}`,
      };
    }
    if (filter.holder !== undefined) {
      const problem = checkHolder(filter.holder);
      if (problem !== null) return problem;
    }
    const nowMs = this.#wallMs();
    const leases: LeaseStatus[] = [];
    let after = filter.after;
    let scanned = 0;
    while (scanned < SCAN_RECORDS_MAX) {
      const options = {
        limit: SCAN_PAGE_RECORDS,
        ...(after === undefined ? {} : { afterResource: after }),
      };
      const page =
        filter.holder === undefined
          ? await this.#store.list(options)
          : await this.#store.listByHolder(filter.holder, options);
      if (page.kind === 'unavailable') return page;
      for (const { record } of page.records) {
        scanned += 1;
        after = record.resource;
        const lease = leaseStatus(record.resource, record, nowMs);
        if (matches(lease, filter)) leases.push(lease);
        if (leases.length === limit) return { kind: 'ok', leases, next: record.resource };
      }
      if (page.records.length < SCAN_PAGE_RECORDS) return { kind: 'ok', leases, next: null };
    }
    return { kind: 'ok', leases, next: after ?? null };
  }

  async history(
    resource: string,
    options: { limit?: number; afterSeq?: number } = {},
  ): Promise<{ kind: 'ok'; events: readonly HistoryEntry[] } | Invalid | ServiceUnavailable> {
    const problem = checkResource(resource);
    if (problem !== null) return problem;
    const limit = options.limit ?? HISTORY_LIMIT_DEFAULT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > HISTORY_LIMIT_MAX) {
      return {
        kind: 'invalid',
        field: 'limit',
        reason: `limit must be an integer from 1 to ${HISTORY_LIMIT_MAX}`,
      };
    }
    const read = await this.#store.history(resource, {
      limit,
      ...(options.afterSeq === undefined ? {} : { afterSeq: options.afterSeq }),
    });
    return read;
  }

  /** The leases `holder` holds (bounded by RELEASE_HOLDER_LEASES_MAX). */
  heldBy(holder: string): Promise<Scan> {
    return this.#scan(
      (options) => this.#store.listByHolder(holder, options),
      (record) => record.status === 'held' && record.holder === holder,
      RELEASE_HOLDER_LEASES_MAX,
    );
  }

  /** Held leases whose expiry has passed on the service's clock (candidates for cleanup). */
  pastExpiry(): Promise<Scan> {
    const nowMs = this.#wallMs();
    return this.#scan(
      (options) => this.#store.list(options),
      (record) => record.status === 'held' && record.expiresAtMs <= nowMs,
      SCAN_RECORDS_MAX,
    );
  }

  /** Held, unexpired leases, counting at most METRICS_SCAN_RECORDS_MAX records. */
  async countActive(): Promise<number | null> {
    const nowMs = this.#wallMs();
    const scan = await this.#scan(
      (options) => this.#store.list(options),
      (record) => record.status === 'held' && record.expiresAtMs > nowMs,
      METRICS_SCAN_RECORDS_MAX,
    );
    return scan.kind === 'ok' ? scan.records.length : null;
  }

  async #scan(
    page: (options: { limit: number; afterResource?: string }) => ReturnType<LeaseStore['list']>,
    keep: (record: LeaseRecord) => boolean,
    recordsMax: number,
  ): Promise<Scan> {
    const records: LeaseRecord[] = [];
    let after: string | undefined;
    let scanned = 0;
    while (scanned < recordsMax) {
      const limit = Math.min(SCAN_PAGE_RECORDS, recordsMax - scanned);
      const read = await page(after === undefined ? { limit } : { limit, afterResource: after });
      if (read.kind === 'unavailable') return read;
      for (const { record } of read.records as readonly VersionedRecord[]) {
        scanned += 1;
        after = record.resource;
        if (keep(record)) records.push(record);
      }
      if (read.records.length < limit) return { kind: 'ok', records, scanned, truncated: false };
    }
    return { kind: 'ok', records, scanned, truncated: true };
  }
}

function matches(lease: LeaseStatus, filter: ListFilter): boolean {
  if (filter.prefix !== undefined && !lease.resource.startsWith(filter.prefix)) return false;
  if (filter.status !== undefined && lease.status !== filter.status) return false;
  if (filter.holder !== undefined && lease.holder !== filter.holder) return false;
  return true;
}

/** A record as anyone may see it, judged on the service's wall clock `nowMs`. */
export function leaseStatus(
  resource: string,
  record: LeaseRecord | null,
  nowMs: number,
): LeaseStatus {
  if (record === null) {
    return {
      resource,
      status: 'free',
      holder: null,
      token: 0,
      leaseId: null,
      expiresAtMs: null,
      ttlMs: null,
      acquiredAtMs: null,
      renewals: null,
      maxRenewals: null,
      maxAgeMs: null,
      lastHolder: null,
      freedBy: null,
      updatedAtMs: null,
    };
  }
  if (record.status === 'free') {
    return {
      resource,
      status: 'free',
      holder: null,
      token: record.token,
      leaseId: null,
      expiresAtMs: null,
      ttlMs: null,
      acquiredAtMs: null,
      renewals: null,
      maxRenewals: null,
      maxAgeMs: null,
      lastHolder: record.lastHolder,
      freedBy: record.freedBy,
      updatedAtMs: record.updatedAtMs,
    };
  }
  return {
    resource,
    status: nowMs < record.expiresAtMs ? 'held' : 'expired',
    holder: record.holder,
    token: record.token,
    leaseId: encodeLeaseId(resource, record.token),
    expiresAtMs: record.expiresAtMs,
    ttlMs: record.ttlMs,
    acquiredAtMs: record.acquiredAtMs,
    renewals: record.renewals,
    maxRenewals: record.maxRenewals,
    maxAgeMs: record.maxAgeMs,
    lastHolder: null,
    freedBy: null,
    updatedAtMs: record.updatedAtMs,
  };
}
