import { invariantName, type InvariantId } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import {
  BUGS,
  explore,
  findModelConfig,
  initialStates,
  MODEL_CONFIGS,
  stateKey,
  successors,
  targetInvariant,
  type ModelConfig,
  type ModelState,
} from '../src/index';
import {
  coreStateViolations,
  coreStepViolations,
  mayViolateState,
  mayViolateStep,
} from '../src/model-invariants';

const safe = findModelConfig('safe')!;

describe('model: the safe configuration explores with no violation', () => {
  it('I-1..I-8 hold in every state of safe, 2 nodes x 1 resource, standard bounds', () => {
    const result = explore(safe);
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.distinctStates).toBeGreaterThan(1_000_000);
    expect(result.depth).toBeGreaterThan(30);
  }, 180_000);

  it('safe with 1 node: I-1..I-8 hold, and the space is small and finite', () => {
    const result = explore({ ...safe, nodes: 1 });
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
  });
});

describe('model: every buggy configuration yields a shortest counterexample for its own invariant', () => {
  for (const config of MODEL_CONFIGS.filter((c) => c.bug !== 'none')) {
    const target = targetInvariant(config)!;
    it(`${target} ${invariantName(target)}: ${config.name}`, () => {
      const result = explore(config, { stopAt: target });
      const ids = result.violations.map((v) => v.invariant);
      expect(ids).toContain(target);
      if (target === 'I-1') {
        // Two believers cannot both be the store's holder: every I-1 state violates I-2, and
        // a lone wrong belief (I-2) comes first on the shortest path.
        expect(ids[0]).toBe('I-2');
        const last = result.violations.find((v) => v.invariant === 'I-1')!.trace.at(-1)!;
        const believers = Object.values(last.state.nodes).filter((n) => n.believesUntil !== null);
        expect(believers.length).toBe(2);
      } else {
        expect(ids).toEqual([target]);
      }
      const trace = result.violations.find((v) => v.invariant === target)!.trace;
      expect(trace[0]!.action).toBe('Init');
      expect(trace.length).toBeGreaterThan(2);
    });
  }

  it('every invariant I-1..I-8 has a buggy configuration', () => {
    const ids = BUGS.map((b) => b.invariant).filter((i): i is InvariantId => i !== null);
    expect(new Set(ids)).toEqual(new Set(['I-1', 'I-2', 'I-3', 'I-4', 'I-5', 'I-6', 'I-7', 'I-8']));
  });

  it('I-2 claim-without-skew-margin needs clocks that lag and lead: with equal clocks it is safe', () => {
    const config = { ...findModelConfig('claim-without-skew-margin')!, timeTicksMax: 4 };
    expect(explore(config, { stopAt: 'I-2' }).violations.map((v) => v.invariant)).toEqual(['I-2']);
    expect(explore({ ...config, skewTicksMax: 0 }).violations).toEqual([]);
  }, 60_000);
});

/** Breadth-first over at most `limit` states, calling `visit` on every state and step. */
function walk(
  config: ModelConfig,
  limit: number,
  visit: (from: ModelState, to: ReturnType<typeof successors>[number]) => void,
): void {
  const seen = new Set<string>();
  const queue = initialStates(config);
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    for (const t of successors(queue[i]!, config)) {
      visit(queue[i]!, t);
      const key = stateKey(t.state);
      if (seen.has(key) || t.state.now > config.timeTicksMax) continue;
      seen.add(key);
      queue.push(t.state);
    }
  }
}

describe("model: the explorer's fast formulas agree with the model's predicates", () => {
  const configs = [
    'safe',
    'unknown-outcome-as-grant',
    'renew-without-owner-check',
    'acquire-ignores-request-id',
  ];
  for (const name of configs) {
    it(`I-1..I-8 verdicts agree on every state and step of ${name} (first 30,000 states)`, () => {
      const config = findModelConfig(name)!;
      let flagged = 0;
      walk(config, 30_000, (_from, t) => {
        const state = mayViolateState(t.state, config);
        expect(state).toBe(coreStateViolations(t.state, config).length > 0);
        const step = mayViolateStep(t.effect, config);
        expect(step).toBe(coreStepViolations(t.effect, config).length > 0);
        if (state || step) flagged += 1;
      });
      if (name === 'safe') expect(flagged).toBe(0);
      else expect(flagged).toBeGreaterThan(0);
    }, 60_000);
  }
});
