import { SMALL_WORLD_PCT } from './limits.js';
import { Prng, type Draws } from './prng.js';
import type { Scenario } from './scenario.js';
import { sweepSeed } from './seed.js';

/**
 * The first draw of a world's shape (run.ts `drawShapeFrom`): whether it is a small world. A
 * scenario without small worlds draws nothing here.
 */
export function smallWorldDrawn(scenario: Scenario, draws: Draws): boolean {
  return scenario.smallWorlds && draws.chance(SMALL_WORLD_PCT, 100);
}

/** Whether `seed` draws a small world in `scenario`, without drawing the rest of the run. */
export function drawsSmallWorld(scenario: Scenario, seed: string): boolean {
  return smallWorldDrawn(scenario, new Prng(seed, 'shape'));
}

/**
 * The `count` seeds of a sweep from `base`, in the order the sweep runs them: the seeds that draw
 * a small world first, then the rest, each group in seed order. The seeds are the consecutive ones
 * (`sweepSeed`) whatever the order, and each still determines its run alone; only what comes first
 * changes. Small worlds are a few hundred events where a large one is a few thousand, and most
 * bugs fail in one, so a sweep stopped at its first failure (`--max-failures 1`, the bug zoo)
 * meets it sooner and its first failure is a small world, quicker to shrink and to read (the size
 * growing over a run of tests, as QuickCheck and fast-check do).
 */
export function sweepSeeds(scenario: Scenario, base: string, count: number): string[] {
  const small: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < count; i++) {
    const seed = sweepSeed(base, i);
    (drawsSmallWorld(scenario, seed) ? small : rest).push(seed);
  }
  return [...small, ...rest];
}
