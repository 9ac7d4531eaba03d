import type { LeaseRecord } from '@leasehold/core';
import type { Op } from '@leasehold/step';

/**
 * How long the holder of a resource's current grant may believe, as the checker computes it: the
 * latest end the belief rule gives any write that applied the grant or renewed it.
 */
export interface BeliefBound {
  readonly node: string;
  readonly token: number;
  /** The first true instant (absolute ms) at which the belief must have ended. */
  endsByMs: number;
  /** The send (absolute ms) and TTL of the write that gave `endsByMs` (for messages). */
  sendTrueMs: number;
  ttlMs: number;
}

/**
 * What the checker knows of one resource, built only from the world's own observations: the
 * store's record as read back after every step, the highest token it ever held, which node's
 * call applied each grant, and the fenced resource's accepted tokens as the checker saw them.
 */
export interface ResourceLedger {
  record: LeaseRecord | null;
  version: number;
  /** Highest token the store ever held for this resource, forgotten commits included (I-5). */
  tokenMax: number;
  /** token -> the node whose call applied that grant, and the op (I-6, I-8). */
  readonly grants: Map<number, { readonly node: string; readonly op: number | null }>;
  /** How long the current grant's holder may believe (I-2). */
  belief: BeliefBound | null;
  /** Latest claimable point (wall = true time once clocks are resynced) of any write (I-4). */
  claimFromMs: number;
  /** The last grant: who got it, when it applied, and the claimable point before it (I-4). */
  lastGrant: {
    readonly node: string;
    readonly appliedAtMs: number;
    readonly claimFromBeforeMs: number;
  } | null;
  /**
   * The highest token an admin force-released: that holder (and any older one still believing,
   * such as the forgotten grants a recovery's quarantine stood for) is evicted on purpose and
   * stopped by fencing (I-6), not protected by I-1/I-2.
   */
  forcedTokenMax: number;
  /** Tokens at or below this were issued before the store lost commits (I-2 not claimed). */
  floorToken: number;
  /** Highest token the fenced resource accepted, as the checker saw it (I-6). */
  fenceMax: number;
}

export function newLedger(): ResourceLedger {
  return {
    record: null,
    version: 0,
    tokenMax: 0,
    grants: new Map(),
    belief: null,
    claimFromMs: -Infinity,
    lastGrant: null,
    forcedTokenMax: 0,
    floorToken: 0,
    fenceMax: 0,
  };
}

/** A request in flight, as its node sent it. */
export interface CallFacts {
  readonly node: string;
  readonly op: Op | null;
  /** True time (absolute ms) the request was sent. */
  readonly atMs: number;
  readonly wallMs: number;
}

/** The last read a node received: what it decided on (I-4). */
export interface ReadSeen {
  readonly op: number | null;
  readonly resource: string;
  readonly record: LeaseRecord | null;
  readonly wallMs: number;
}

/** Two records are the same store state (records are frozen values; compared field by field). */
export function sameRecord(a: LeaseRecord | null, b: LeaseRecord | null): boolean {
  return sameValue(a, b);
}

/**
 * Plain data (what a record is made of: objects, arrays, strings, numbers, booleans, null) equal
 * field by field, whatever the order of the fields. A field set to `undefined` counts as absent,
 * as it does in the record's JSON.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let fields = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    if (!sameValue(x[key], y[key])) return false;
    fields += 1;
  }
  for (const key in y) if (y[key] !== undefined) fields -= 1;
  return fields === 0;
}
