import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, findScenario, formatReport, runSeed } from '@leasehold/sim';
import { findZooVariant } from '@leasehold/sim/zoo';
import { cli } from './run-cli';

const traces = () => mkdtempSync(join(tmpdir(), 'leasehold-traces-'));

describe('a failure report a newcomer can read', () => {
  it('I-7: the renew that broke it, times since the run started, the TTL and expiry', async () => {
    const run = await runSeed({
      scenario: findScenario('swarm')!,
      seed: '3',
      implementation: findZooVariant('Z3')!.implementation,
    });
    expect(run.violation?.invariant).toBe('I-7');
    const report = formatReport(run, { impl: 'zoo:Z3' });
    const lines = report.split('\n');
    expect(lines[0]).toBe('✗ safety violation: I-7 NoResurrection');
    expect(lines[1]).toMatch(
      /^ {2}renew of "orders\/42" by n\d sent at \d+ ms on its wall clock succeeded at or after the lease's expiry at \d+ ms \(token \d+, ttl \d+ ms\)$/,
    );
    // The write itself, at the failing step: a compare-and-set that applied a record.
    const write = lines.find((l) => l.startsWith('  write     '));
    expect(write).toMatch(/"e":"apply".*"q":"cas".*"k":"ok"/);
    expect(write).toContain(`"s":${run.violation!.step},`);
    expect(report).toMatch(/ {2}world {5}\d+ nodes?, \d+ resources?\n/);
    expect(report).not.toMatch(/\b1 (nodes|resources|events)\b/);
    expect(report).toContain(
      'reproduce DST_SEED=3 npx leasehold dst run --scenario swarm --impl zoo:Z3',
    );
  });

  it('the shrunk run is introduced as such, not as a second copy of the same heading', async () => {
    const result = await cli([
      'dst',
      'run',
      '--scenario',
      'swarm',
      '--seed',
      '3',
      '--impl',
      'zoo:Z3',
      '--trace-dir',
      traces(),
      '--shrink-runs',
      '200',
    ]);
    expect(result.code).toBe(1);
    const headings = result.stdout.split('\n').filter((l) => l.startsWith('✗ '));
    expect(headings).toEqual([
      '✗ safety violation: I-7 NoResurrection',
      '✗ the shrunk run: safety violation: I-7 NoResurrection',
    ]);
  });

  it('the summary names fired faults as --faults does; coverage warns only of marks its faults allow', async () => {
    const swept = await cli(['dst', 'run', '--scenario', 'swarm', '--seeds', '20', '--jobs', '1']);
    expect(swept.code).toBe(0);
    const header = swept.stdout.split('\n')[0]!;
    expect(header).toMatch(/ faults fired$/);
    const row = swept.stdout.split('\n')[1]!;
    const fired = [...row.matchAll(/(\w+)=\d+/g)].map((m) => m[1]);
    expect(fired.length).toBeGreaterThan(0);
    for (const name of fired) expect(FAULT_KINDS).toContain(name);

    const quiet = await cli([
      'dst',
      'run',
      '--scenario',
      'swarm',
      '--seeds',
      '3',
      '--jobs',
      '1',
      '--faults',
      'none',
    ]);
    expect(quiet.code).toBe(0);
    const warning = quiet.stdout.split('\n').find((l) => l.startsWith('warning: coverage marks'));
    // Marks that need a fault (a duplicated request, a lost reply, a crash) cannot be reached
    // with none enabled, so they are not warned about.
    for (const mark of [
      'requestDuplicated',
      'replyTimedOut',
      'crashWhileHolding',
      'powerLossForgotGrant',
    ])
      expect(warning ?? '').not.toContain(mark);
    expect(quiet.stdout).toContain('3 runs,');
    expect(quiet.stdout).toContain('determinism checked on 1 run\n');
  });
});
