import { findScenario, runSeed } from '@leasehold/sim';
const scen = findScenario('swarm')!;
let events = 0;
const t0 = performance.now();
for (let i = 1; i <= 20; i++)
  events += (await runSeed({ scenario: scen, seed: String(i), steps: 20000 })).events;
console.log(events, Math.round((events / (performance.now() - t0)) * 1000));
