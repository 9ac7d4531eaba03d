import { findScenario, runSeed } from '@leasehold/sim';
const scen = process.argv[2] ?? 'swarm';
const n = Number(process.argv[3] ?? 20);
const counts: Record<string, number> = {};
let events = 0;
const t0 = Date.now();
for (let i = 1; i <= n; i++) {
  const r = await runSeed({ scenario: findScenario(scen)!, seed: String(i) });
  events += r.events;
  const key =
    r.status +
    (r.violation ? ' ' + r.violation.invariant : '') +
    (r.conformance
      ? ' ' + r.conformance.action + ':' + r.conformance.reason.replace(/[0-9]+/g, 'N').slice(0, 60)
      : '') +
    (r.expected ? ' (expected)' : '');
  counts[key] = (counts[key] ?? 0) + 1;
  if (r.status !== 'passed' && !r.expected && (process.env.SHOW ?? '1') === '1') {
    console.log(
      `seed ${i}: ${r.status} ${r.violation?.invariant ?? ''} ${r.violation?.message ?? r.crash?.message ?? r.conformance?.action + ': ' + r.conformance?.reason + ' @' + r.conformance?.step}`,
    );
    console.log(`  ${r.settingsText} | ${r.swarmText} | nodes ${r.nodes} res ${r.resources}`);
    if (process.env.TAIL) console.log(r.tail.join('\n'));
  }
}
console.log(scen, counts, events, 'events', Date.now() - t0, 'ms');
