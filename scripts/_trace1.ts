import { findScenario, runSeed } from '@leasehold/sim';
const [scen, seed, filter] = process.argv.slice(2);
const lines: string[] = [];
const r = await runSeed({
  scenario: findScenario(scen!)!,
  seed: seed!,
  traceSink: { write: (l) => lines.push(l) },
});
console.log(r.status, r.violation?.message);
const re = filter ? new RegExp(filter) : null;
for (const l of lines) if (!re || re.test(l)) console.log(l);
