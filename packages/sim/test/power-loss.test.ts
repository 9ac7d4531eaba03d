import { findScenario, runSeed, type Implementation, type RunResult } from '@leasehold/sim';
import { findZooVariant } from '@leasehold/sim/zoo';
import { describe, expect, it } from 'vitest';

const SEEDS = 40;

async function sweep(scenarioId: string, implementation?: Implementation): Promise<RunResult[]> {
  const scenario = findScenario(scenarioId)!;
  const runs: RunResult[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    runs.push(
      await runSeed({
        scenario,
        seed: String(seed),
        steps: 1_500,
        ...(implementation ? { implementation } : {}),
      }),
    );
  }
  return runs;
}

const failures = (runs: readonly RunResult[]) =>
  runs
    .filter((r) => r.status !== 'passed')
    .map((r) => `seed ${r.seed}: ${r.violation?.invariant} ${r.violation?.message}`);

describe('power loss: the store forgets unsynced commits and recovers', () => {
  it('I-1..I-8: the recovery keeps every invariant when every node dies with the machine', async () => {
    const runs = await sweep('power-loss');
    expect(failures(runs)).toEqual([]);
    expect(runs.reduce((n, r) => n + r.marks.powerLossForgotGrant, 0)).toBeGreaterThan(0);
  });

  it('I-1, I-3..I-8: the quarantine keeps remote holders that outlive the loss safe', async () => {
    const runs = await sweep('power-loss-server');
    expect(failures(runs)).toEqual([]);
  });

  it('I-5: without the token and version jump, a forgotten token is issued again', async () => {
    const runs = await sweep('power-loss', findZooVariant('Z11')!.implementation);
    const reported = runs.filter((r) => r.status === 'safety');
    expect(reported.length).toBeGreaterThan(0);
    for (const r of reported)
      expect(['I-5', 'I-3'], `seed ${r.seed}`).toContain(r.violation?.invariant);
    expect(reported.map((r) => r.violation?.invariant)).toContain('I-5');
  });

  it('I-1: without the quarantine, a remote holder of a forgotten grant meets a new holder', async () => {
    const runs = await sweep('power-loss-server', findZooVariant('Z12')!.implementation);
    expect(runs.filter((r) => r.violation?.invariant === 'I-1').length).toBeGreaterThan(0);
  });
});
