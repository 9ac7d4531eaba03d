import { findScenario, runSeed, shapeOverrides, shrinkRun } from '@leasehold/sim';
import { findZooVariant } from '@leasehold/sim/zoo';
const v = findZooVariant(process.argv[2]!)!;
const seed = process.argv[3] ?? '1';
const scenario = findScenario(v.scenario)!;
const t0 = Date.now();
const s = await shrinkRun({ scenario, seed, implementation: v.implementation });
console.log(
  s?.original.failureEvents,
  '->',
  s?.shrunk.failureEvents,
  'runs',
  s?.runs,
  Date.now() - t0,
  'ms',
  s?.path.join('; '),
);
const lines: string[] = [];
await runSeed({
  scenario,
  seed: s!.shape.seed,
  implementation: v.implementation,
  ...shapeOverrides(s!.shape),
  traceSink: { write: (l) => lines.push(l) },
});
console.log(lines.join('\n'));
