import type {
  Belief,
  HistoryEvent,
  InvariantId,
  InvariantViolation,
  LeaseConfig,
  LeaseRecord,
} from '@leasehold/core';
import { DOCUMENTED_CONFIG } from './documented-config.js';
import { checkBeliefConsistency } from './invariants/belief-consistency.js';
import { checkExpiredLeaseClaimable } from './invariants/expired-lease-claimable.js';
import { checkFencedResourceSafety } from './invariants/fenced-resource-safety.js';
import { checkFencingMonotonic } from './invariants/fencing-monotonic.js';
import { checkIdempotentAcquire } from './invariants/idempotent-acquire.js';
import { checkLeaseUniqueness } from './invariants/lease-uniqueness.js';
import { checkNoResurrection } from './invariants/no-resurrection.js';
import {
  checkExpireClaimable,
  checkForceReleaseCondition,
  checkRenewalOwnership,
} from './invariants/renewal-requires-ownership.js';
import { claimableBySpec } from './claimability.js';
import type { ModelConfig } from './model-config.js';
import {
  clockCount,
  clockNameAmong,
  nodeName,
  NONE,
  wallOf,
  type ModelRecord,
  type ModelState,
} from './state.js';
import type { StepEffect } from './transition.js';

/**
 * The spec's invariants, each evaluated by the model's predicate over core records
 * (`./invariants/`, one per invariant, CONSTRAINTS.md C-6), on the model's state converted to core
 * records. I-1 and I-2
 * are state invariants; I-3..I-8 judge one step (TLA+: action properties `[][...]_vars`).
 */
export const MODEL_INVARIANTS: readonly {
  readonly id: InvariantId;
  readonly kind: 'state' | 'step';
}[] = [
  { id: 'I-1', kind: 'state' },
  { id: 'I-2', kind: 'state' },
  { id: 'I-3', kind: 'step' },
  { id: 'I-4', kind: 'step' },
  { id: 'I-5', kind: 'step' },
  { id: 'I-6', kind: 'step' },
  { id: 'I-7', kind: 'step' },
  { id: 'I-8', kind: 'step' },
];

/** The one resource of the model, under a name the predicates print. */
export const MODEL_RESOURCE = 'r';

/** Core's time rules over model ticks: grace and skew are what claimability reads. */
export function leaseConfigOf(config: ModelConfig): LeaseConfig {
  return {
    ...DOCUMENTED_CONFIG,
    ttlMsDefault: config.ttlTicks,
    ttlMsMin: 1,
    ttlMsMax: config.ttlTicks,
    graceMs: config.graceTicks,
    maxClockSkewMs: config.skewTicksMax,
    safetyMarginMs: config.marginTicks,
    clockDriftPpmMax: 0,
  };
}

/** A model record as the core's record type (fields the model abstracts away are fixed). */
export function coreRecord(rec: ModelRecord, config: ModelConfig): LeaseRecord | null {
  const base = {
    resource: MODEL_RESOURCE,
    token: rec.token,
    updatedAtMs: 0,
    requestId: '',
    recentGrants: [],
  };
  switch (rec.status) {
    case 'none':
      return null;
    case 'held':
      return {
        ...base,
        status: 'held',
        holder: nodeName(rec.holder),
        ownerKey: '',
        ttlMs: config.ttlTicks,
        acquiredAtMs: 0,
        expiresAtMs: rec.expiresAt,
        renewals: 0,
        maxRenewals: null,
        maxAgeMs: null,
      };
    case 'free':
      return { ...base, status: 'free', lastHolder: nodeName(rec.holder), freedBy: 'released' };
  }
}

/**
 * The beliefs I-1 and I-2 protect (spec: `Protected(n)`): every node that believes, except one an
 * admin evicted (its token is below the token a force-release wrote, `evictedBelow`): fencing
 * stops that one, not uniqueness.
 */
export function beliefsOf(state: ModelState): Belief[] {
  const beliefs: Belief[] = [];
  state.nodes.forEach((n, i) => {
    if (n.beliefEnd > state.now && n.leaseToken >= state.evictedBelow)
      beliefs.push({ node: nodeName(i), resource: MODEL_RESOURCE, token: n.leaseToken });
  });
  return beliefs;
}

/** The largest wall clock reading of every clock that can decide: the nodes' and the replicas'. */
function wallMaxOf(state: ModelState): number {
  let wallMax = -Infinity;
  for (let c = 0; c < clockCount(state); c++) wallMax = Math.max(wallMax, wallOf(state, c));
  return wallMax;
}

/**
 * I-1 LeaseUniqueness and I-2 BeliefConsistency on one state. The explorer calls this on every
 * state, so it first asks the spec's formulas directly (cheap) and only then asks the
 * predicates for the verdict and message; a test checks both agree on every explored state.
 */
export function stateViolations(state: ModelState, config: ModelConfig): InvariantViolation[] {
  if (!mayViolateState(state, config)) return [];
  return coreStateViolations(state, config);
}

/** The spec's LeaseUniqueness /\ BeliefConsistency, negated, over model values. */
export function mayViolateState(state: ModelState, config: ModelConfig): boolean {
  let believers = 0;
  let wallMax = -Infinity;
  const rec = state.rec;
  for (let i = 0; i < state.nodes.length; i++) {
    const n = state.nodes[i]!;
    if (n.beliefEnd <= state.now || n.leaseToken < state.evictedBelow) continue;
    if (wallMax === -Infinity) wallMax = wallMaxOf(state);
    believers += 1;
    if (rec.status !== 'held' || rec.holder !== i || rec.token !== n.leaseToken) return true;
    if (wallMax >= rec.expiresAt + config.graceTicks + config.skewTicksMax) return true;
  }
  return believers > 1;
}

export function coreStateViolations(state: ModelState, config: ModelConfig): InvariantViolation[] {
  const beliefs = beliefsOf(state);
  if (beliefs.length === 0) return [];
  const out: InvariantViolation[] = [];
  const unique = checkLeaseUniqueness(beliefs);
  if (unique) out.push(unique);
  const wallMax = wallMaxOf(state);
  const record = coreRecord(state.rec, config);
  const leaseConfig = leaseConfigOf(config);
  for (const belief of beliefs) {
    const consistent = checkBeliefConsistency(belief, record, wallMax, leaseConfig);
    if (consistent) {
      out.push(consistent);
      break;
    }
  }
  return out;
}

function event(
  kind: HistoryEvent['kind'],
  node: number,
  token: number,
  atMs: number,
): HistoryEvent {
  return {
    kind,
    resource: MODEL_RESOURCE,
    holder: nodeName(node),
    token,
    atMs,
    requestId: `${nodeName(node)}:current`,
    previousHolder: null,
  };
}

/** I-3..I-8 on one step: the spec's formulas first (cheap), then the predicates of ./invariants/ */
export function stepViolations(effect: StepEffect, config: ModelConfig): InvariantViolation[] {
  if (!mayViolateStep(effect, config)) return [];
  return coreStepViolations(effect, config);
}

/** The spec's step properties (RenewalRequiresOwnership ... IdempotentAcquire), negated. */
export function mayViolateStep(effect: StepEffect, config: ModelConfig): boolean {
  switch (effect.kind) {
    case 'none':
      return false;
    case 'held':
      return claimableBySpec(effect.seen, effect.wall, config);
    case 'fenced':
      return effect.accepted && effect.token < effect.fenceMaxBefore;
    case 'forceReleased': {
      const { before, after, expectedHolder } = effect;
      if (after.token < before.token) return true;
      return (
        expectedHolder !== NONE && (before.status !== 'held' || before.holder !== expectedHolder)
      );
    }
    case 'expired': {
      const { before, after } = effect;
      if (after.token < before.token) return true;
      return before.status !== 'held' || !claimableBySpec(before, effect.wall, config);
    }
    case 'write': {
      const { before, after } = effect;
      if (after.token < before.token) return true;
      if (effect.op === 'granted') return after.token <= before.token || effect.opGrantedBefore;
      if (effect.op !== 'renewed') return false;
      const owner =
        before.status === 'held' &&
        before.holder === effect.node &&
        before.token === effect.requestToken &&
        after.holder === before.holder &&
        after.token === before.token;
      const live = before.status === 'held' && effect.wall < before.expiresAt;
      return !owner || !live;
    }
  }
}

export function coreStepViolations(effect: StepEffect, config: ModelConfig): InvariantViolation[] {
  switch (effect.kind) {
    case 'none':
      return [];
    case 'held': {
      const v = checkExpiredLeaseClaimable(
        coreRecord(effect.seen, config),
        effect.wall,
        'held',
        leaseConfigOf(config),
      );
      return v ? [v] : [];
    }
    case 'fenced': {
      const v = checkFencedResourceSafety({
        resource: MODEL_RESOURCE,
        writer: nodeName(effect.node),
        token: effect.token,
        accepted: effect.accepted,
        tokenAcceptedMaxBefore: effect.fenceMaxBefore,
        // A node's token comes only from its own grant (or replay) in the model, so the
        // "really granted to the writer" half holds by construction here; the simulator's
        // checker and the trace validator keep the grant history that checks it.
        grantedTo: nodeName(effect.node),
      });
      return v ? [v] : [];
    }
    case 'forceReleased':
    case 'expired':
      return adminViolations(effect, config);
    case 'write':
      return writeViolations(effect, config);
  }
}

/** I-5 and I-3 on an admin's force-release or a cleanup (spec: `ForceRelease(e)`, `Expire(d)`). */
function adminViolations(
  effect: StepEffect & { kind: 'forceReleased' | 'expired' },
  config: ModelConfig,
): InvariantViolation[] {
  const before = coreRecord(effect.before, config);
  const after = coreRecord(effect.after, config)!;
  const out: InvariantViolation[] = [];
  const fencing = checkFencingMonotonic(before, after, effect.before.token);
  if (fencing) out.push(fencing);
  const ownership =
    effect.kind === 'forceReleased'
      ? checkForceReleaseCondition(
          effect.expectedHolder === NONE ? null : nodeName(effect.expectedHolder),
          before,
        )
      : checkExpireClaimable(
          clockNameAmong(config.nodes, effect.decider),
          before,
          effect.wall,
          leaseConfigOf(config),
        );
  if (ownership) out.push(ownership);
  return out;
}

function writeViolations(
  effect: StepEffect & { kind: 'write' },
  config: ModelConfig,
): InvariantViolation[] {
  const before = coreRecord(effect.before, config);
  const after = coreRecord(effect.after, config)!;
  const out: InvariantViolation[] = [];
  // The record's token is the highest ever granted as long as I-5 held on the way here.
  const fencing = checkFencingMonotonic(before, after, effect.before.token);
  if (fencing) out.push(fencing);
  if (effect.op === 'granted') {
    const granted = event('granted', effect.node, effect.after.token, effect.wall);
    const earlier = new Map<string, number>(
      effect.opGrantedBefore ? [[granted.requestId, effect.before.token]] : [],
    );
    const idempotent = checkIdempotentAcquire(earlier, granted);
    if (idempotent) out.push(idempotent);
  }
  if (effect.op === 'renewed') {
    // I-3 judges who renewed with which token; I-7 judges which grant was extended.
    const byRequester = event('renewed', effect.node, effect.requestToken, effect.wall);
    const ownership = checkRenewalOwnership(before, after, byRequester);
    if (ownership) out.push(ownership);
    const grantToken = effect.before.status === 'held' ? effect.before.token : effect.requestToken;
    const resurrection = checkNoResurrection(
      before,
      event('renewed', effect.node, grantToken, effect.wall),
    );
    if (resurrection) out.push(resurrection);
  }
  return out;
}
