import { findScenario, runSeed } from '@leasehold/sim';
const scen = findScenario(process.argv[2] ?? 'swarm')!;
const n = Number(process.argv[3] ?? 100);
for (const mode of ['full', 'novalidate', 'nochecks', 'full']) {
  let events = 0;
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) {
    const r = await runSeed({
      scenario: scen,
      seed: String(i),
      steps: 20000,
      validate: mode === 'full',
      checks: mode !== 'nochecks',
    });
    events += r.events;
  }
  const ms = performance.now() - t0;
  console.log(mode, events, Math.round((events / ms) * 1000), 'events/s');
}
