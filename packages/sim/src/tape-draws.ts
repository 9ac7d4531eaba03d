import type { Draws } from './prng.js';

/**
 * Draws read from a tape of integers fast-check generated: the same draw functions a seed's
 * streams feed (`drawShapeFrom`, `drawSwarm`, `drawSettings`) give the same kinds of worlds, and
 * fast-check shrinks the world by shrinking the tape. Every integer shrinks towards 0, and 0
 * is the least choice of every draw: the low end of a range, the first item, a chance not taken
 * (so a shrunk world has fewer faults, not more). Past its end the tape reads 0.
 */
export class TapeDraws implements Draws {
  readonly #tape: readonly number[];
  #at = 0;

  constructor(tape: readonly number[]) {
    this.#tape = tape;
  }

  int(bound: number): number {
    const next = this.#tape[this.#at] ?? 0;
    this.#at += 1;
    return bound <= 1 ? 0 : next % bound;
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** Taken only in the top `numerator` of `denominator` values, so 0 never takes a chance. */
  chance(numerator: number, denominator: number): boolean {
    return this.int(denominator) >= denominator - numerator;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('TapeDraws.pick needs at least one item');
    return items[this.int(items.length)]!;
  }
}
