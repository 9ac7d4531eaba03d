import seedrandom from 'seedrandom';

/** What a draw of a world takes its integers from: a seed's PRNG stream, or a fast-check tape. */
export interface Draws {
  /** An integer in [0, bound). */
  int(bound: number): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  /** True with probability numerator / denominator. */
  chance(numerator: number, denominator: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/**
 * One named stream of pseudo-random integers (Alea). Each concern (scheduler, faults, clocks,
 * workload, per node) draws from its own stream derived from the seed and the stream's name, so
 * adding a consumer to one stream never shifts another. Integers and ratios only: no floats leak
 * into decisions (TigerBeetle's PRNG habit).
 */
export class Prng implements Draws {
  readonly #next: seedrandom.PRNG;

  constructor(seed: string, stream: string) {
    this.#next = seedrandom.alea(`leasehold:${seed}:${stream}`);
  }

  /** Uniform integer in [0, bound). */
  int(bound: number): number {
    if (bound <= 1) return 0;
    return (this.#next.int32() >>> 0) % bound;
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability numerator / denominator. */
  chance(numerator: number, denominator: number): boolean {
    return this.int(denominator) < numerator;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick needs at least one item');
    return items[this.int(items.length)]!;
  }
}
