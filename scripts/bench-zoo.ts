/**
 * npm run bench:zoo — the bug zoo, measured: for every variant, detected or not, the invariant,
 * median seeds-to-detect (target <= 50), shrunk trace length (target <= 25 events) and shrink time
 * (target <= 10 s); side by side, the same zoo under an idiomatic fast-check fc.scheduler property
 * over the same client, store and checker (scripts/zoo-fast-check.ts), with the same budget, and
 * per variant the time to the first failure of each, as a ratio (leasehold / fast-check, medians
 * over the bases; target at most 1.0 on every variant fast-check detects).
 *
 * Times to the first failure are taken warm on both sides, as a sweep or a property spends nearly
 * all of its runs: both JIT-compile their code as it runs, and the simulator, the larger of the
 * two, takes longer to (one seed of 292 events: about 15 ms the first time, 1.1 to 1.3 ms after 30
 * runs). So each variant is first run `--warm` rounds untimed, a round being every base of it on
 * each side; then `--reps` rounds are timed, each timing every base on leasehold's side and then
 * every base on fast-check's, in one process. A base's time is its median over the rounds.
 *
 *   npm run bench:zoo [-- --budget N] [--bases K] [--warm W] [--reps R]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { firstFailure, median, runZoo, ZOO } from '@leasehold/sim/zoo';
import { fastCheckDetects } from './zoo-fast-check';
import { scriptFlags } from './bench-args';

const {
  budget: BUDGET,
  bases: BASES,
  warm: WARM,
  reps: REPS,
} = scriptFlags('bench:zoo', 'the bug zoo measured side by side with fast-check', {
  budget: { int: 50, help: 'seeds per base sweep before a variant counts as missed' },
  bases: { int: 5, help: 'base sweeps per variant' },
  warm: { int: 20, help: 'untimed rounds per variant before the timed ones (JIT warm-up)' },
  reps: { int: 5, help: 'timed rounds per variant; a base takes the median of its times' },
});

console.log(
  `bench:zoo on ${os.availableParallelism()} cores, Node ${process.version}: budget ${BUDGET} seeds (runs) per base, ${BASES} bases, ${WARM} warm-up and ${REPS} timed rounds per variant`,
);
const report = await runZoo({
  variants: ZOO,
  budget: BUDGET,
  bases: BASES,
  nowMs: () => performance.now(),
  onProgress: (l) => console.log(`  ${l}`),
});

const rows: string[] = [];
let oursDetected = 0;
let theirsDetected = 0;
const ratios: number[] = [];
const slower: string[] = [];
for (const v of report.variants) {
  const variant = ZOO.find((z) => z.id === v.id)!;
  const theirs: { detected: boolean; runs: number; message: string | null }[] = [];
  const ourTimes: number[][] = Array.from({ length: BASES }, () => []);
  const theirTimes: number[][] = Array.from({ length: BASES }, () => []);
  for (let round = -WARM; round < REPS; round++) {
    for (let k = 0; k < BASES; k++) {
      const started = performance.now();
      await firstFailure(variant, k, BUDGET);
      if (round >= 0) ourTimes[k]!.push(performance.now() - started);
    }
    for (let k = 0; k < BASES; k++) {
      const started = performance.now();
      const result = await fastCheckDetects(variant.implementation, BUDGET, 1 + k * 1_000_000);
      if (round >= 0) theirTimes[k]!.push(performance.now() - started);
      if (round === 0)
        theirs.push({
          detected: result.detected,
          runs: result.runsToDetect ?? BUDGET + 1,
          message: result.message,
        });
    }
  }
  const theirDetected = theirs.filter((t) => t.detected).length;
  oursDetected += v.basesDetected;
  theirsDetected += theirDetected;
  const theirMs = median(theirTimes.map(median));
  const ourMs = median(ourTimes.map(median));
  console.log(
    `  ${v.id} timed: leasehold ${ourMs.toFixed(2)} ms, fast-check ${theirMs.toFixed(2)} ms to the first failure (median base)`,
  );
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
