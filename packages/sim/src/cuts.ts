import type { FaultKind } from './faults.js';
import { CUT_UNITS_MAX } from './limits.js';

/**
 * What a run leaves out, by number: workload operations (the `n`-th operation any node of the
 * world started, counted in the order they start) and fault events (the `n`-th fault that struck).
 * Shrinking removes them one at a time, so a shrunk run shows only what its failure needs; a
 * number's draws are made either way, so leaving one out changes nothing before it.
 */
export interface Cut {
  readonly ops: readonly number[];
  readonly faults: readonly number[];
}

export const NO_CUT: Cut = { ops: [], faults: [] };

export function isEmptyCut(cut: Cut): boolean {
  return cut.ops.length === 0 && cut.faults.length === 0;
}

/** One operation or fault a run went through: its number, what it was, the trace lines before it. */
export interface CutUnit {
  readonly n: number;
  readonly what: string;
  readonly node: string | null;
  readonly events: number;
}

/**
 * The run's count of operations and faults, and the cut it was asked to make. An operation is one
 * the workload can leave out on its own: a plain turn's acquire (with all that follows from it), a
 * renewal, a release (the lease is then left to expire), a late release or renewal, a
 * force-release, a cleanup, and a composite, agent or configuration turn as a whole (its own
 * operations come from the helper it calls, not from the workload).
 */
export class Cuts {
  readonly #ops: ReadonlySet<number>;
  readonly #faults: ReadonlySet<number>;
  #opNo = 0;
  #faultNo = 0;
  readonly opsSeen: CutUnit[] = [];
  readonly faultsSeen: CutUnit[] = [];

  constructor(cut: Cut) {
    this.#ops = new Set(cut.ops);
    this.#faults = new Set(cut.faults);
  }

  /** The next operation starts: false when it is cut (left out), true when it runs. */
  op(what: string, node: string, events: number): boolean {
    this.#opNo += 1;
    if (this.#ops.has(this.#opNo)) return false;
    if (this.opsSeen.length < CUT_UNITS_MAX)
      this.opsSeen.push({ n: this.#opNo, what, node, events });
    return true;
  }

  /** The next fault strikes: false when it is cut, true when it happens. */
  fault(kind: FaultKind, node: string | null, events: number): boolean {
    this.#faultNo += 1;
    if (this.#faults.has(this.#faultNo)) return false;
    if (this.faultsSeen.length < CUT_UNITS_MAX)
      this.faultsSeen.push({ n: this.#faultNo, what: kind, node, events });
    return true;
  }

  /** The last number given out (operations, faults). */
  counts(): { readonly ops: number; readonly faults: number } {
    return { ops: this.#opNo, faults: this.#faultNo };
  }
}

/** `3,7,12` as the flags take a cut's numbers; `none` for none. */
export function formatCutList(numbers: readonly number[]): string {
  return numbers.length === 0 ? 'none' : numbers.join(',');
}

export type CutListResult =
  | { readonly kind: 'ok'; readonly numbers: readonly number[] }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Reads `3,7,12` (or `none`) back: distinct positive integers, at most CUT_UNITS_MAX of them. */
export function parseCutList(text: string): CutListResult {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return { kind: 'ok', numbers: [] };
  const parts = trimmed.split(/[\s,]+/);
  if (parts.length > CUT_UNITS_MAX)
    return { kind: 'invalid', reason: `at most ${CUT_UNITS_MAX} numbers (got ${parts.length})` };
  const numbers: number[] = [];
  for (const part of parts) {
    if (!/^[1-9]\d{0,8}$/.test(part))
      return {
        kind: 'invalid',
        reason: `must be positive whole numbers separated by commas, e.g. 3,7 (got ${JSON.stringify(part)})`,
      };
    numbers.push(Number(part));
  }
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  return { kind: 'ok', numbers: sorted };
}
