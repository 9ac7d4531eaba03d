import { invariantName, type InvariantId } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import {
  actionLabel,
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
  stateViolations,
} from '../src/model-invariants';
import { withinBounds } from '../src/state';

const safe = findModelConfig('safe')!;
const service = findModelConfig('service')!;

/** The successor of `state` by the action labelled `label` (as in a counterexample). */
function step(state: ModelState, config: ModelConfig, label: string): ModelState {
  const t = successors(state, config).find((s) => actionLabel(s) === label);
  expect(t, `${label} is enabled`).toBeDefined();
  return t!.state;
}

function steps(state: ModelState, config: ModelConfig, ...labels: string[]): ModelState {
  return labels.reduce((s, label) => step(s, config, label), state);
}

function labels(state: ModelState, config: ModelConfig): string[] {
  return successors(state, config).map(actionLabel);
}

describe('model: the safe configuration explores with no violation', () => {
  it('I-1..I-8 hold in every state of safe, 2 nodes x 1 resource, standard bounds', () => {
    const result = explore(safe);
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.distinctStates).toBeGreaterThan(1_000_000);
    expect(result.depth).toBeGreaterThan(30);
  }, 180_000);

  it('I-1..I-8 hold in every state of service: 2 agents, replicas r1 (lagging) and r2 (leading) decide', () => {
    const result = explore(service);
    expect(service.replicas).toBe(2);
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.distinctStates).toBeGreaterThan(3_000_000);
    expect(result.depth).toBeGreaterThan(30);
  }, 300_000);

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

  it('I-2 force-release-keeps-token: the evicted holder still believes, and nothing fences it', () => {
    const result = explore(findModelConfig('force-release-keeps-token')!, { stopAt: 'I-2' });
    const trace = result.violations[0]!.trace;
    expect(trace.at(-1)!.action).toMatch(/^ForceRelease\(/);
    const evicted = Object.values(trace.at(-1)!.state.nodes).find((n) => n.believesUntil !== null)!;
    expect(evicted.evicted).toBe(false);
    expect(trace.at(-1)!.state.record).toMatchObject({ status: 'free', token: evicted.leaseToken });
  });

  it('I-3 expire-before-claimable and force-release-ignores-expected-holder: the step itself is judged', () => {
    const expire = explore(findModelConfig('expire-before-claimable')!, { stopAt: 'I-3' });
    expect(expire.violations[0]!.trace.at(-1)!.action).toMatch(/^Expire\(n\d\)$/);
    expect(expire.violations[0]!.message).toMatch(/before the lease .* was claimable/);
    const force = explore(findModelConfig('force-release-ignores-expected-holder')!, {
      stopAt: 'I-3',
    });
    expect(force.violations[0]!.trace.at(-1)!.action).toMatch(/^ForceRelease\(n\d\)$/);
    expect(force.violations[0]!.message).toMatch(
      /force-release expecting n\d applied while n\d held/,
    );
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
    'service',
    'unknown-outcome-as-grant',
    'renew-without-owner-check',
    'acquire-ignores-request-id',
    'force-release-keeps-token',
    'force-release-ignores-expected-holder',
    'expire-before-claimable',
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
      if (name === 'safe' || name === 'service') expect(flagged).toBe(0);
      else expect(flagged).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('model: the service decides on a replica clock, the agent believes from its own send', () => {
  /** n2 held the lease (token 1, expiry 2) and left it; now = 4: n1 reads 3, r1 3, r2 5. */
  function expiredAt4(config: ModelConfig): ModelState {
    const init = initialStates(config)[0]!;
    return { ...init, now: 4, rec: { status: 'held', holder: 1, token: 1, expiresAt: 2, rids: 0 } };
  }

  it('I-4 an acquire decided on the leading replica r2 takes over where n1 could not on its own lagging clock', () => {
    // Claimable from 2 + grace 1 + skew 2 = 5 on the deciding clock.
    const library = expiredAt4(safe);
    expect(labels(library, safe)).toContain('AcquireRead(n1, n1)');
    expect(step(library, safe, 'AcquireRead(n1, n1)').nodes[0]!.pc).toBe('idle');
    const state = expiredAt4(service);
    expect(labels(state, service).filter((l) => l.startsWith('AcquireRead(n1'))).toEqual([
      'AcquireRead(n1, r1)',
      'AcquireRead(n1, r2)',
    ]);
    const lagging = successors(state, service).find(
      (t) => actionLabel(t) === 'AcquireRead(n1, r1)',
    )!;
    expect(lagging.effect).toMatchObject({ kind: 'held', node: 0, wall: 3 });
    expect(lagging.state.nodes[0]!.pc).toBe('idle');
    const sent = step(state, service, 'AcquireRead(n1, r2)');
    // The expiry it writes is r2's wall clock plus TTL; the send is at true time 4.
    expect(sent.nodes[0]).toMatchObject({ pc: 'acqWrite', pendingExp: 5 + 3, sendAt: 4 });
    const held = steps(sent, service, 'AcquireWrite(n1)', 'AcquireReply(n1)');
    expect(held.rec).toMatchObject({ status: 'held', holder: 0, token: 2, expiresAt: 8 });
    // Belief ends at send + TTL = 7, one tick before the expiry r2's clock wrote.
    expect(held.nodes[0]).toMatchObject({ pc: 'holding', leaseToken: 2, beliefEnd: 7 });
    expect(stateViolations(held, service)).toEqual([]);
  });

  it('I-3 renew and expire decide on a replica clock too (renewal refused on r2, allowed on r1)', () => {
    const init = initialStates(service)[0]!;
    const holding = steps(
      init,
      service,
      'AcquireRead(n1, r1)',
      'AcquireWrite(n1)',
      'AcquireReply(n1)',
    );
    // Granted at true 0 on r1 (wall -1): expiry 2; n1 believes until 3.
    expect(holding.rec).toMatchObject({ status: 'held', holder: 0, expiresAt: 2 });
    const at1 = steps(holding, service, 'Tick');
    // True 1: r1 reads 0 (before the expiry), r2 reads 2 (at it): only r1 may renew.
    expect(step(at1, service, 'RenewRead(n1, r1)').nodes[0]!.pc).toBe('renWrite');
    expect(step(at1, service, 'RenewRead(n1, r2)').nodes[0]!.pc).toBe('idle');
    // A cleanup decides on replica clocks only; claimable from 2 + 3 = 5, which r2 reads at 4.
    const at4 = steps(at1, service, 'Abandon(n1)', 'Tick', 'Tick', 'Tick');
    expect(labels(at4, service).filter((l) => l.startsWith('Expire'))).toEqual(['Expire(r2)']);
    // r1 reads 5 only at true 6.
    const at6 = steps(at4, service, 'Tick', 'Tick');
    expect(labels(at6, service).filter((l) => l.startsWith('Expire'))).toEqual([
      'Expire(r1)',
      'Expire(r2)',
    ]);
  });
});

describe('model: force-release and expire are atomic writes of the admin and the cleanup', () => {
  it('I-1 I-2 I-6 after a force-release the next holder believes beside the evicted one (MaxToken 3, MaxTime 2)', () => {
    // The standard bounds allow no grant after a force-release (its token is MaxToken).
    const config = { ...safe, tokenMax: 3, timeTicksMax: 2 };
    const result = explore(config);
    expect(result.complete).toBe(true);
    expect(result.violations).toEqual([]);
    let together = 0;
    let rejected = 0;
    const seen = new Set<string>();
    const queue = initialStates(config);
    for (let i = 0; i < queue.length; i++) {
      for (const t of successors(queue[i]!, config)) {
        if (!withinBounds(t.state, config)) continue;
        const from = queue[i]!;
        const evicted = (n: ModelState['nodes'][number], s: ModelState) =>
          n.beliefEnd > s.now && n.leaseToken < s.evictedBelow;
        const believers = t.state.nodes.filter((n) => n.beliefEnd > t.state.now);
        if (believers.length === 2 && believers.some((n) => evicted(n, t.state))) together += 1;
        if (t.effect.kind === 'fenced' && !t.effect.accepted && from.evictedBelow > t.effect.token)
          rejected += 1;
        const key = stateKey(t.state);
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push(t.state);
      }
    }
    expect(together).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  }, 120_000);

  const init = initialStates(safe)[0]!;
  const holding = steps(init, safe, 'AcquireRead(n1, n1)', 'AcquireWrite(n1)', 'AcquireReply(n1)');

  it('a force-release or an expire of a record nobody holds is not enabled', () => {
    expect(labels(init, safe).filter((l) => /^(ForceRelease|Expire)/.test(l))).toEqual([]);
    const released = steps(holding, safe, 'ReleaseRead(n1)', 'ReleaseWrite(n1)');
    expect(released.rec.status).toBe('free');
    expect(labels(released, safe).filter((l) => /^(ForceRelease|Expire)/.test(l))).toEqual([]);
  });

  it("I-3 ForceRelease(e) applies to e's lease only, or to whoever holds it with None", () => {
    expect(labels(holding, safe).filter((l) => l.startsWith('ForceRelease'))).toEqual([
      'ForceRelease(None)',
      'ForceRelease(n1)',
    ]);
  });

  it('I-1 I-6 a force-released holder is evicted: it may still believe, fencing stops it', () => {
    // n1 has a fenced write and a renewal in flight when the admin frees its lease.
    const renewing = steps(holding, safe, 'FencedWriteSend(n1)', 'RenewRead(n1, n1)');
    const forced = step(renewing, safe, 'ForceRelease(None)');
    expect(forced.rec).toMatchObject({ status: 'free', holder: 0, token: 2 });
    expect(forced.nodes[0]).toMatchObject({ pc: 'renWrite', dirty: true });
    expect(forced.evictedBelow).toBe(2);
    expect(forced.nodes[0]!.beliefEnd).toBeGreaterThan(forced.now);
    expect(stateViolations(forced, safe)).toEqual([]);
    // n2 is granted token 3 (past MaxToken: the explorer would stop here) while n1 still
    // believes; n1's renewal is refused, n2's fenced write lands first, n1's late one is rejected.
    const both = steps(forced, safe, 'AcquireRead(n2, n2)', 'AcquireWrite(n2)', 'AcquireReply(n2)');
    expect(step(both, safe, 'RenewWrite(n1)').nodes[0]).toMatchObject({
      pc: 'renReply',
      replyApplied: false,
    });
    expect(both.nodes.map((n) => n.beliefEnd > both.now)).toEqual([true, true]);
    expect(stateViolations(both, safe)).toEqual([]);
    const n2Fenced = steps(both, safe, 'FencedWriteSend(n2)', 'FencedWriteArrive(n2)');
    expect(n2Fenced.fenceMax).toBe(3);
    const late = successors(n2Fenced, safe).find(
      (t) => actionLabel(t) === 'FencedWriteArrive(n1)',
    )!;
    expect(late.effect).toMatchObject({ kind: 'fenced', token: 1, accepted: false });
  });

  it("I-3 Expire(d) frees a lease claimable on d's clock, keeps its token, overtakes writes in flight", () => {
    // Granted at true 0 on n1's lagging clock (wall -1): expiry 2, claimable from 5.
    const abandoned = steps(holding, safe, 'Abandon(n1)', 'Tick', 'Tick', 'Tick');
    expect(labels(abandoned, safe).filter((l) => l.startsWith('Expire'))).toEqual([]);
    const at4 = step(abandoned, safe, 'Tick');
    // n2 reads 5, n1 reads 3.
    expect(labels(at4, safe).filter((l) => l.startsWith('Expire'))).toEqual(['Expire(n2)']);
    const racing = step(at4, safe, 'AcquireRead(n2, n2)');
    const expired = step(racing, safe, 'Expire(n2)');
    expect(expired.rec).toMatchObject({ status: 'free', holder: 0, token: 1 });
    expect(expired.nodes[1]).toMatchObject({ pc: 'acqWrite', dirty: true });
    expect(expired.evictedBelow).toBe(0);
  });
});
