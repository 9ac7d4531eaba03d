import { findScenario, runSeed } from '@leasehold/sim';
import { ZOO } from '@leasehold/sim/zoo';
const n = Number(process.argv[2] ?? 100);
for (const v of ZOO) {
  const counts: Record<string, number> = {};
  let first = -1;
  for (let i = 1; i <= n; i++) {
    const r = await runSeed({
      scenario: findScenario(v.scenario)!,
      seed: String(i),
      implementation: v.implementation,
    });
    const key = r.status + (r.violation ? ' ' + r.violation.invariant : '');
    counts[key] = (counts[key] ?? 0) + 1;
    if (first < 0 && r.status !== 'passed') first = i;
  }
  console.log(
    v.id,
    v.scenario,
    'expected',
    v.expected.join(','),
    'first',
    first,
    JSON.stringify(counts),
  );
}
