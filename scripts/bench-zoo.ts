/**
 * npm run bench:zoo — the bug zoo, measured: for every variant, detected or not, the invariant,
 * median seeds-to-detect (target <= 50), shrunk trace length (target <= 25 events) and shrink time
 * (target <= 10 s); side by side, the same zoo under an idiomatic fast-check fc.scheduler property
 * over the same client, store and checker (scripts/zoo-fast-check.ts), with the same budget, and
 * per variant the time to the first failure of each, as a ratio (leasehold / fast-check, medians
 * over the bases; target at most 1.0 on every variant fast-check detects). Times to the first
 * failure are taken warm on both sides, as a sweep or a property spends nearly all its runs: after
 * the zoo run (which warms leasehold) and one untimed fast-check pass over every variant, each
 * base is timed for leasehold and then for fast-check, alternating, in one process.
 *
 *   npm run bench:zoo [-- --budget N] [--bases K]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { firstFailure, median, runZoo, ZOO } from '@leasehold/sim/zoo';
import { fastCheckDetects } from './zoo-fast-check';
import { scriptFlags } from './bench-args';

const { budget: BUDGET, bases: BASES } = scriptFlags(
  'bench:zoo',
  'the bug zoo measured side by side with fast-check',
  {
    budget: { int: 50, help: 'seeds per base sweep before a variant counts as missed' },
    bases: { int: 5, help: 'base sweeps per variant' },
  },
);

console.log(
  `bench:zoo on ${os.availableParallelism()} cores, Node ${process.version}: budget ${BUDGET} seeds (runs) per base, ${BASES} bases`,
);
const report = await runZoo({
  variants: ZOO,
  budget: BUDGET,
  bases: BASES,
  nowMs: () => performance.now(),
  onProgress: (l) => console.log(`  ${l}`),
});

// Warm-up for fast-check: one untimed pass over every variant, seeds apart from the timed ones.
for (const variant of ZOO) await fastCheckDetects(variant.implementation, BUDGET, 999_999_999);

const rows: string[] = [];
let oursDetected = 0;
let theirsDetected = 0;
const ratios: number[] = [];
const slower: string[] = [];
for (const v of report.variants) {
  const variant = ZOO.find((z) => z.id === v.id)!;
  const theirs: { detected: boolean; runs: number; ms: number; message: string | null }[] = [];
  const ours: number[] = [];
  for (let k = 0; k < BASES; k++) {
    const oursStarted = performance.now();
    await firstFailure(variant, k, BUDGET);
    ours.push(performance.now() - oursStarted);
    const started = performance.now();
    const result = await fastCheckDetects(variant.implementation, BUDGET, 1 + k * 1_000_000);
    theirs.push({
      detected: result.detected,
      runs: result.runsToDetect ?? BUDGET + 1,
      ms: performance.now() - started,
      message: result.message,
    });
  }
  const theirDetected = theirs.filter((t) => t.detected).length;
  oursDetected += v.basesDetected;
  theirsDetected += theirDetected;
  const theirMs = median(theirs.map((t) => t.ms));
  const ourMs = median(ours);
  // Time to first failure, side by side: leasehold's median over fast-check's (both unshrunk).
  const ratio = theirDetected > 0 ? ourMs / Math.max(0.1, theirMs) : null;
  if (ratio !== null) {
    ratios.push(ratio);
    if (v.basesDetected < BASES || ratio > 1) slower.push(`${v.id} ${ratio.toFixed(2)}`);
  }
  rows.push(
    `| ${v.id} | ${v.invariant ?? '-'} | ${v.basesDetected}/${BASES} | ${v.seedsToDetectMedian} | ${ourMs.toFixed(1)} | ${v.shrunkEvents ?? '-'} (${v.firstFailure?.events ?? '-'}) | ${v.shrinkMs ?? '-'} | ` +
      `${theirDetected}/${BASES} | ${median(theirs.map((t) => t.runs)) > BUDGET ? `> ${BUDGET}` : median(theirs.map((t) => t.runs))} | ${theirMs.toFixed(1)} | ${ratio === null ? '-' : ratio.toFixed(2)} | ${theirs.find((t) => t.detected)?.message?.slice(0, 60) ?? '-'} |`,
  );
}
console.log('');
console.log(
  '| variant | invariant | leasehold detected | seeds-to-detect (median) | ms-to-detect (median) | shrunk events (from) | shrink ms | fast-check detected | runs-to-detect (median) | ms (median) | ms ratio leasehold / fast-check | fast-check first report |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
const total = ZOO.length * BASES;
console.log('');
console.log(
  `detection rate: leasehold ${oursDetected}/${total}, fast-check fc.scheduler ${theirsDetected}/${total}`,
);
console.log(
  `correct implementation under the same budget: ${report.correct.runs} runs, ${report.correct.failures.length} failures`,
);
if (ratios.length > 0) {
  console.log(
    `time to first failure, leasehold / fast-check, median over the ${ratios.length} variants fast-check detects: ${median(ratios).toFixed(2)}x`,
  );
  console.log(
    slower.length === 0
      ? 'target met: leasehold no slower than fast-check on every variant fast-check detects'
      : `target NOT met (ratio above 1.0, or not detected in every base): ${slower.join(', ')}`,
  );
}
