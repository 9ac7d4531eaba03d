import type { ModelConfig } from './model-config.js';
import { clockName, NONE, NONE_NAME, wallOf, type ModelRecord, type ModelState } from './state.js';
import { nodeParams, overtakeWrites, type Transition } from './transition.js';

/**
 * The point from which a cleanup expires a held lease, as the (possibly buggy) cleanup decides
 * it; the spec's rule is the claimable point, `expiresAt + Grace + MaxClockSkew` on its clock.
 */
export function expireFrom(expiresAt: number, config: ModelConfig): number {
  if (config.bug === 'expireBeforeClaimable') return expiresAt;
  return expiresAt + config.graceTicks + config.skewTicksMax;
}

/** The record a force-release or a cleanup leaves: free, last holder kept, recent grants kept. */
function freed(rec: ModelRecord, token: number): ModelRecord {
  return { status: 'free', holder: rec.holder, token, expiresAt: 0, rids: rec.rids };
}

/**
 * ForceRelease(e), for every `e`: an admin (not one of the nodes) frees a held lease and raises
 * its token by one, so the evicted holder is fenced; with an expected holder (`e` a node) only
 * that holder's lease, with `None` whoever holds it. One atomic step (the admin's compare-and-set
 * applied on the record it read): every node's compare-and-set in flight is overtaken. Not enabled
 * on a record nobody holds. The ghost `evictedBelow` rises to the token written: the evicted
 * holder's belief is no longer protected by I-1 and I-2 (only if that token is above its own).
 * Every enabled `e` leads to the same state, made once.
 */
export function forceReleases(state: ModelState, config: ModelConfig): Transition[] {
  const before = state.rec;
  if (before.status !== 'held') return [];
  const token = config.bug === 'forceReleaseKeepsToken' ? before.token : before.token + 1;
  const after = freed(before, token);
  const next = overtakeWrites(
    { ...state, rec: after, evictedBelow: Math.max(state.evictedBelow, token) },
    NONE,
  );
  const out: Transition[] = [];
  // e ranges over None (NONE = -1), then every node.
  for (let expected = NONE; expected < state.nodes.length; expected++) {
    const matches =
      expected === NONE ||
      before.holder === expected ||
      config.bug === 'forceReleaseIgnoresExpectedHolder';
    if (!matches) continue;
    out.push({
      action: 'ForceRelease',
      params: expected === NONE ? NONE_PARAMS : nodeParams(expected),
      state: next,
      effect: { kind: 'forceReleased', expectedHolder: expected, before, after },
    });
  }
  return out;
}

const NONE_PARAMS = [NONE_NAME] as const;

/**
 * Expire(d): a cleanup deciding on the wall clock of `decider` (a node in the library, a replica
 * in the service) frees a held lease once it is claimable on that clock, and keeps its token. One
 * atomic step; every compare-and-set in flight is overtaken. Not enabled on a record nobody holds
 * or one not yet claimable there.
 */
export function expire(state: ModelState, decider: number, config: ModelConfig): Transition | null {
  const before = state.rec;
  if (before.status !== 'held') return null;
  const wall = wallOf(state, decider);
  if (wall < expireFrom(before.expiresAt, config)) return null;
  const after = freed(before, before.token);
  const next = overtakeWrites({ ...state, rec: after }, NONE);
  return {
    action: 'Expire',
    params: [clockName(state, decider)],
    state: next,
    effect: { kind: 'expired', decider, wall, before, after },
  };
}
