import type { InvariantId, InvariantViolation } from '@leasehold/core';
import { EXPLORE_STATES_MAX } from './limits.js';
import { assertModelConfig, type ModelConfig } from './model-config.js';
import { stateViolations, stepViolations } from './model-invariants.js';
import { successors } from './next.js';
import { describeState, type StateView } from './describe-state.js';
import { initialStates, stateKey, withinBounds, type ModelState } from './state.js';
import type { Transition } from './transition.js';

export interface TraceStep {
  /**
   * `Init`, or the action with its arguments, as in the TLA+: `AcquireWrite(n1)`,
   * `AcquireRead(n1, r2)`, `ForceRelease(None)`.
   */
  readonly action: string;
  readonly state: StateView;
}

export interface Counterexample {
  readonly invariant: InvariantId;
  readonly name: string;
  readonly message: string;
  /** The shortest behaviour to the violation (breadth-first), Init first. */
  readonly trace: readonly TraceStep[];
}

export interface ExploreResult {
  readonly config: string;
  readonly distinctStates: number;
  /** Longest shortest path from Init: the BFS depth reached. */
  readonly depth: number;
  readonly transitions: number;
  /** False when the explorer hit its state limit before the space was exhausted. */
  readonly complete: boolean;
  /** The shortest counterexample of each violated invariant, in the order they were found. */
  readonly violations: readonly Counterexample[];
}

export interface ExploreOptions {
  /** Stop at the first violation, as TLC does (default: explore everything, one per invariant). */
  readonly stopAtFirst?: boolean;
  /** Stop once this invariant has a counterexample (a buggy configuration's target). */
  readonly stopAt?: InvariantId;
  readonly statesMax?: number;
}

export function actionLabel(t: Transition): string {
  return t.params.length === 0 ? t.action : `${t.action}(${t.params.join(', ')})`;
}

/**
 * Breadth-first exhaustive exploration with state hashing. A state that violates an invariant,
 * or is reached by a step that does, ends its behaviour there (it is a counterexample, not a
 * state to go on from), so each violation found has no earlier violation on its path. Only keys,
 * parents and the successor index that led to each state are kept; a counterexample is rebuilt
 * by replaying those choices from its initial state.
 */
export function explore(config: ModelConfig, options: ExploreOptions = {}): ExploreResult {
  assertModelConfig(config);
  const statesMax = Math.min(options.statesMax ?? EXPLORE_STATES_MAX, EXPLORE_STATES_MAX);
  const inits = initialStates(config);
  const parent: number[] = [];
  const choice: number[] = [];
  const index = new Map<string, number>();
  const found = new Map<InvariantId, Counterexample>();
  let transitions = 0;
  let complete = true;
  let depth = 0;

  const path = (end: number, last: Transition | null): TraceStep[] =>
    rebuildTrace(end, last, parent, choice, inits, config);
  const report = (v: InvariantViolation, trace: () => TraceStep[]) => {
    if (!found.has(v.invariant))
      found.set(v.invariant, {
        invariant: v.invariant,
        name: v.name,
        message: v.message,
        trace: trace(),
      });
  };
  const done = () =>
    (options.stopAtFirst === true && found.size > 0) ||
    (options.stopAt !== undefined && found.has(options.stopAt));

  let frontier: { readonly state: ModelState; readonly at: number }[] = [];
  inits.forEach((init, i) => {
    const key = stateKey(init);
    if (index.has(key)) return;
    index.set(key, parent.length);
    parent.push(-1);
    choice.push(i);
    const bad = stateViolations(init, config);
    for (const v of bad) report(v, () => path(parent.length - 1, null));
    if (bad.length === 0) frontier.push({ state: init, at: parent.length - 1 });
  });
  while (frontier.length > 0 && complete && !done()) {
    const next: typeof frontier = [];
    for (const { state, at } of frontier) {
      const succ = successors(state, config);
      for (let c = 0; c < succ.length; c++) {
        const t = succ[c]!;
        transitions += 1;
        if (!withinBounds(t.state, config)) continue;
        const badStep = stepViolations(t.effect, config);
        if (badStep.length > 0) {
          for (const v of badStep) report(v, () => path(at, t));
          continue;
        }
        const key = stateKey(t.state);
        if (index.has(key)) continue;
        if (parent.length >= statesMax) {
          complete = false;
          break;
        }
        const id = parent.length;
        index.set(key, id);
        parent.push(at);
        choice.push(c);
        const bad = stateViolations(t.state, config);
        for (const v of bad) report(v, () => path(id, null));
        if (bad.length === 0) next.push({ state: t.state, at: id });
      }
      if (!complete || done()) break;
    }
    if (next.length > 0) depth += 1;
    frontier = next;
  }
  return {
    config: config.name,
    distinctStates: parent.length,
    depth,
    transitions,
    complete: complete && !done(),
    violations: [...found.values()],
  };
}

/** Replays the recorded successor choices from the initial state to rebuild a behaviour. */
function rebuildTrace(
  end: number,
  last: Transition | null,
  parent: readonly number[],
  choice: readonly number[],
  inits: readonly ModelState[],
  config: ModelConfig,
): TraceStep[] {
  const chain: number[] = [];
  for (let i = end; i >= 0; i = parent[i]!) chain.push(i);
  chain.reverse();
  let state = inits[choice[chain[0]!]!]!;
  const steps: TraceStep[] = [{ action: 'Init', state: describeState(state, config) }];
  for (const id of chain.slice(1)) {
    const t = successors(state, config)[choice[id]!]!;
    state = t.state;
    steps.push({ action: actionLabel(t), state: describeState(state, config) });
  }
  if (last !== null)
    steps.push({ action: actionLabel(last), state: describeState(last.state, config) });
  return steps;
}
