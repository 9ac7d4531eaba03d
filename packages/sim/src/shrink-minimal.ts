import type { Cut, CutUnit } from './cuts.js';
import { FAULT_KINDS, type Swarm } from './faults.js';
import type { RunResult } from './run.js';
import type { RunShape } from './run-shape.js';

/** One thing a shrunk run may still do without, and the shape without it. */
export interface Removal {
  readonly shape: RunShape;
  /** What goes, in words: `nodes 3 -> 2`, `without op 7 (renew on n2)`. */
  readonly step: string;
}

/**
 * Every single thing `shape` (whose run is `run`) may do without, each as the shape that leaves
 * it out: one node or one resource fewer, one kind of fault off, one of the operations the
 * workload started before the failure, one of the fault events that struck before it. A run is
 * 1-minimal when none of these fails the same way.
 */
export function singleRemovals(shape: RunShape, run: RunResult): Removal[] {
  const removals: Removal[] = [];
  if (shape.nodes > 1)
    removals.push({
      shape: { ...shape, nodes: shape.nodes - 1 },
      step: `nodes ${shape.nodes} -> ${shape.nodes - 1}`,
    });
  if (shape.resources > 1)
    removals.push({
      shape: { ...shape, resources: shape.resources - 1 },
      step: `resources ${shape.resources} -> ${shape.resources - 1}`,
    });
  for (const kind of FAULT_KINDS) {
    if (shape.swarm[kind] === undefined) continue;
    const swarm = Object.fromEntries(
      Object.entries(shape.swarm).filter(([k]) => k !== kind),
    ) as Swarm;
    removals.push({ shape: { ...shape, swarm }, step: `without ${kind}` });
  }
  // Latest first: leaving out a late one changes least of what came before it.
  for (const unit of [...run.units.ops].reverse())
    removals.push({ shape: withCut(shape, 'ops', unit), step: `without op ${describe(unit)}` });
  for (const unit of [...run.units.faults].reverse())
    removals.push({
      shape: withCut(shape, 'faults', unit),
      step: `without fault ${describe(unit)}`,
    });
  return removals;
}

function withCut(shape: RunShape, list: keyof Cut, unit: CutUnit): RunShape {
  const numbers = [...shape.cut[list], unit.n].sort((a, b) => a - b);
  return { ...shape, cut: { ...shape.cut, [list]: numbers } };
}

function describe(unit: CutUnit): string {
  return `${unit.n} (${unit.what}${unit.node === null ? '' : ` on ${unit.node}`})`;
}

export interface MinimalResult {
  readonly shape: RunShape;
  readonly run: RunResult;
  readonly path: readonly string[];
  readonly runs: number;
  /** True when no single removal fails the same way (false: the run budget ran out first). */
  readonly minimal: boolean;
}

/**
 * Leaves out one thing at a time, keeping each removal after which the run still fails the same
 * way, until a whole round of single removals finds none (the run is then 1-minimal) or `runsMax`
 * runs were tried. Deterministic: removals are tried in `singleRemovals`' order.
 */
export async function minimize(
  shape: RunShape,
  best: RunResult,
  run: (shape: RunShape) => Promise<RunResult>,
  sameFailure: (run: RunResult) => boolean,
  runsMax: number,
): Promise<MinimalResult> {
  const path: string[] = [];
  let runs = 0;
  for (;;) {
    let kept: { shape: RunShape; run: RunResult; step: string } | null = null;
    for (const removal of singleRemovals(shape, best)) {
      if (runs >= runsMax) return { shape, run: best, path, runs, minimal: false };
      runs += 1;
      const result = await run(removal.shape);
      if (!sameFailure(result)) continue;
      kept = { shape: removal.shape, run: result, step: removal.step };
      break;
    }
    if (kept === null) return { shape, run: best, path, runs, minimal: true };
    shape = kept.shape;
    best = kept.run;
    path.push(kept.step);
  }
}
