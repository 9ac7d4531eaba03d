import type { InvariantId } from '@leasehold/core';
import { leaseholdImplementation } from '../implementation.js';
import { runSeed, type RunResult } from '../run.js';
import { findScenario } from '../scenario.js';
import { sweepSeed } from '../seed.js';
import { sweepSeeds } from '../sweep-order.js';
import { shrinkRun, type ShrinkResult } from '../shrink.js';
import type { ZooVariant } from './zoo.js';

export interface ZooOptions {
  readonly variants: readonly ZooVariant[];
  /** Seeds tried per base seed before a variant counts as not detected there. */
  readonly budget: number;
  /** Base seeds (sweeps) per variant: detection must happen in every one. */
  readonly bases: number;
  /** Milliseconds from some fixed point; the simulator never reads real time itself (C-4). */
  readonly nowMs: () => number;
  readonly onProgress?: (line: string) => void;
}

export interface ZooVariantReport {
  readonly id: string;
  readonly title: string;
  readonly scenario: string;
  /** Detected within the budget in every base sweep, with one of its expected invariants. */
  readonly detected: boolean;
  readonly basesDetected: number;
  readonly invariant: InvariantId | 'crash' | 'spec' | null;
  readonly expectedInvariant: boolean;
  readonly expected: readonly (InvariantId | 'spec')[];
  /** Per base: seeds run until the first failure (budget + 1 when none failed). */
  readonly seedsToDetect: readonly number[];
  readonly seedsToDetectMedian: number;
  readonly msToDetectMedian: number;
  readonly firstFailure: {
    readonly seed: string;
    readonly events: number;
    /** Logical operations begun before the failure. */
    readonly ops: number;
  } | null;
  readonly shrunkEvents: number | null;
  /** Logical operations the shrunk run began before its failure. */
  readonly shrunkOps: number | null;
  /** No single node, resource, kind of fault, operation or fault event of it can go. */
  readonly shrunkMinimal: boolean | null;
  readonly shrinkMs: number | null;
  readonly shrink: ShrinkResult | null;
}

export interface ZooReport {
  readonly variants: ZooVariantReport[];
  /** The correct implementation over the same scenarios, bases and budget. */
  readonly correct: {
    readonly runs: number;
    readonly failures: readonly { seed: string; scenario: string; invariant: string }[];
  };
  readonly ok: boolean;
}

/** Base seed k of a zoo sweep: far apart, so bases never overlap. */
export function zooBase(k: number): string {
  return sweepSeed('1', k * 1_000_000);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Runs the bug zoo: each variant is swept from several base seeds until its first failure, the
 * first failure is shrunk, and the correct implementation must pass the same seeds.
 */
export async function runZoo(options: ZooOptions): Promise<ZooReport> {
  const reports: ZooVariantReport[] = [];
  for (const variant of options.variants) reports.push(await runVariant(variant, options));
  const correct = await runCorrect(options);
  const ok = reports.every((r) => r.detected) && correct.failures.length === 0;
  return { variants: reports, correct, ok };
}

async function runVariant(variant: ZooVariant, options: ZooOptions): Promise<ZooVariantReport> {
  const scenario = findScenario(variant.scenario);
  if (scenario === undefined)
    throw new Error(`zoo ${variant.id}: unknown scenario ${variant.scenario}`);
  const seedsToDetect: number[] = [];
  const msToDetect: number[] = [];
  let first: RunResult | null = null;
  let basesDetected = 0;
  let expectedEverywhere = true;
  for (let k = 0; k < options.bases; k++) {
    const started = options.nowMs();
    const { found, seeds } = await firstFailure(variant, k, options.budget);
    seedsToDetect.push(seeds);
    msToDetect.push(options.nowMs() - started);
    if (found === null) continue;
    basesDetected += 1;
    const what = found.violation?.invariant ?? (found.conformance === null ? 'crash' : 'spec');
    if (!variant.expected.includes(what as InvariantId | 'spec')) expectedEverywhere = false;
    first ??= found;
  }
  const invariant =
    first === null
      ? null
      : (first.violation?.invariant ?? (first.conformance === null ? 'crash' : 'spec'));
  const shrinkStarted = options.nowMs();
  const shrink =
    first === null
      ? null
      : await shrinkRun({ scenario, seed: first.seed, implementation: variant.implementation });
  const shrinkMs = first === null ? null : options.nowMs() - shrinkStarted;
  const report: ZooVariantReport = {
    id: variant.id,
    title: variant.title,
    scenario: variant.scenario,
    detected: basesDetected === options.bases && expectedEverywhere,
    basesDetected,
    invariant,
    expectedInvariant: expectedEverywhere && first !== null,
    expected: variant.expected,
    seedsToDetect,
    seedsToDetectMedian: median(seedsToDetect),
    msToDetectMedian: Math.round(median(msToDetect)),
    firstFailure:
      first === null ? null : { seed: first.seed, events: first.events, ops: first.opsToFailure },
    shrunkEvents: shrink?.shrunk.events ?? null,
    shrunkOps: shrink?.shrunk.opsToFailure ?? null,
    shrunkMinimal: shrink?.minimal ?? null,
    shrinkMs: shrinkMs === null ? null : Math.round(shrinkMs),
    shrink,
  };
  options.onProgress?.(
    `${variant.id} ${report.detected ? 'detected' : 'NOT detected'} (${basesDetected}/${options.bases}) ${invariant ?? '-'} ` +
      `seeds-to-detect ${seedsToDetect.join(',')} shrunk ${report.firstFailure?.events ?? '-'} -> ${report.shrunkEvents ?? '-'} events, ${report.shrunkOps ?? '-'} ops${report.shrunkMinimal === true ? ', 1-minimal' : ''}`,
  );
  return report;
}

/**
 * Base sweep k of a variant, seed after seed, until the first run that does not pass: that run
 * (null when none failed within the budget) and the seeds it took (budget + 1 when none failed).
 */
export async function firstFailure(
  variant: ZooVariant,
  k: number,
  budget: number,
): Promise<{ found: RunResult | null; seeds: number }> {
  const scenario = findScenario(variant.scenario);
  if (scenario === undefined)
    throw new Error(`zoo ${variant.id}: unknown scenario ${variant.scenario}`);
  const seeds = sweepSeeds(scenario, zooBase(k), budget);
  for (const [i, seed] of seeds.entries()) {
    const run = await runSeed({ scenario, seed, implementation: variant.implementation });
    if (run.status !== 'passed') return { found: run, seeds: i + 1 };
  }
  return { found: null, seeds: budget + 1 };
}

async function runCorrect(options: ZooOptions): Promise<ZooReport['correct']> {
  const scenarios = [...new Set(options.variants.map((v) => v.scenario))];
  const failures: { seed: string; scenario: string; invariant: string }[] = [];
  let runs = 0;
  for (const id of scenarios) {
    const scenario = findScenario(id)!;
    for (let k = 0; k < options.bases; k++) {
      for (const seed of sweepSeeds(scenario, zooBase(k), options.budget)) {
        const run = await runSeed({ scenario, seed, implementation: leaseholdImplementation });
        runs += 1;
        if (run.status !== 'passed')
          failures.push({
            seed,
            scenario: id,
            invariant: run.violation?.invariant ?? (run.conformance === null ? 'crash' : 'spec'),
          });
      }
    }
  }
  options.onProgress?.(`correct implementation: ${runs} runs, ${failures.length} failures`);
  return { runs, failures };
}
