import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS } from '@leasehold/sim';
import { describe, expect, it } from 'vitest';
import { cli, root } from './run-cli';

const fixture = (name: string) => join(root, 'test', 'fixtures', `${name}.ts`);

const traceDir = () => mkdtempSync(join(tmpdir(), 'leasehold-traces-'));

describe('leasehold dst: usage errors exit 64 and name the flag', () => {
  const cases: Array<[string[], RegExp, Record<string, string>?]> = [
    [['dst', 'run', '--scenario', 'nope'], /--scenario must be one of: baseline, contention/],
    [['dst', 'run', '--seed', 'not-a-seed'], /--seed: seed must be a decimal integer/],
    [['dst', 'run', '--shard', '3/2'], /--shard must be K\/N with 1 <= K <= N/],
    [['dst', 'run', '--seeds', 'ten'], /--seeds must be a whole number from 1 to/],
    [['dst', 'run', '--steps', '0'], /--steps must be from 1 to/],
    [['dst', 'run', '--nodes', '17'], /--nodes must be from 1 to 16/],
    [['dst', 'run', '--jobs', '2.5'], /--jobs must be a whole number/],
    [['dst', 'run', '--bogus'], /unknown option '--bogus'/],
    [['dst', 'run', '--seeds'], /option '--seeds <n>' argument missing/],
    [['dst', 'run', 'extra'], /too many arguments for 'run'/],
    [['dst', 'run'], /DST_SEED: seed must be a decimal/, { DST_SEED: 'xyz' }],
    [['dst', 'run', '--seed', '5'], /--seed 5 and DST_SEED=6 disagree/, { DST_SEED: '6' }],
    [['dst', 'run', '--impl', 'missing-file.ts'], /--impl: cannot load/],
    [['dst', 'replay', '--scenario', 'baseline'], /dst replay needs --seed/],
    [['dst', 'replay', '--seed', '1'], /dst replay needs --scenario/],
    [['dst', 'frobnicate'], /unknown command 'frobnicate'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['dst'], /Usage: leasehold dst/],
  ];
  for (const [argv, message, env] of cases) {
    it(`${argv.join(' ')}${env ? ` with ${JSON.stringify(env)}` : ''}`, async () => {
      const result = await cli(argv, env);
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(message);
    });
  }
});

describe('leasehold dst', () => {
  it('scenarios lists every scenario with a line each', async () => {
    const { code, stdout } = await cli(['dst', 'scenarios']);
    expect(code).toBe(0);
    for (const s of SCENARIOS) expect(stdout).toContain(`${s.id} `);
  });

  it('help prints the flags and exit codes', async () => {
    const { code, stdout } = await cli(['dst', 'run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--shard <k\/n>/);
    expect(stdout).toMatch(/4 nondeterminism detected, 5 a step the spec does not allow/);
  });

  it('run --json: the last stdout line is the summary object, exit 0', async () => {
    const result = await cli([
      'dst',
      'run',
      '--scenario',
      'baseline',
      '--seeds',
      '3',
      '--jobs',
      '1',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const json = result.json();
    expect(json).toMatchObject({ seeds: 3, exitCode: 0, violations: [] });
    expect(json.events).toBeGreaterThan(1_000);
    // Keys in the order the sweep ran them: small worlds first.
    expect(Object.keys(json.traceHashes).sort()).toEqual([
      'baseline:1',
      'baseline:2',
      'baseline:3',
    ]);
    expect(result.stderr).toMatch(/coverage marks/);
  });

  it('DST_SEED reproduces a sweep seed byte-identically (same trace hash), like --seed', async () => {
    const sweep = (
      await cli([
        'dst',
        'run',
        '--scenario',
        'swarm',
        '--seeds',
        '3',
        '--seed-base',
        '40',
        '--jobs',
        '1',
        '--json',
      ])
    ).json();
    const pinned = await cli(['dst', 'run', '--scenario', 'swarm', '--json'], { DST_SEED: '41' });
    const flagged = await cli(['dst', 'run', '--scenario', 'swarm', '--seed', '0x29', '--json']);
    expect(pinned.json().traceHashes).toEqual({ 'swarm:41': sweep.traceHashes['swarm:41'] });
    expect(flagged.json().traceHashes).toEqual({ 'swarm:41': sweep.traceHashes['swarm:41'] });
  });

  it('--jobs 2 gives the same results as one process', async () => {
    const one = (
      await cli([
        'dst',
        'run',
        '--scenario',
        'storage-faults',
        '--seeds',
        '6',
        '--jobs',
        '1',
        '--json',
      ])
    ).json();
    const two = (
      await cli([
        'dst',
        'run',
        '--scenario',
        'storage-faults',
        '--seeds',
        '6',
        '--jobs',
        '2',
        '--json',
      ])
    ).json();
    expect(two.traceHashes).toEqual(one.traceHashes);
    expect(two.events).toBe(one.events);
  }, 60_000);

  it('--shard splits a sweep into disjoint slices that cover it', async () => {
    const all = (
      await cli(['dst', 'run', '--scenario', 'baseline', '--seeds', '5', '--jobs', '1', '--json'])
    ).json();
    const first = (
      await cli([
        'dst',
        'run',
        '--scenario',
        'baseline',
        '--seeds',
        '5',
        '--shard',
        '1/2',
        '--jobs',
        '1',
        '--json',
      ])
    ).json();
    const second = (
      await cli([
        'dst',
        'run',
        '--scenario',
        'baseline',
        '--seeds',
        '5',
        '--shard',
        '2/2',
        '--jobs',
        '1',
        '--json',
      ])
    ).json();
    expect({ ...first.traceHashes, ...second.traceHashes }).toEqual(all.traceHashes);
    expect(Object.keys(first.traceHashes)).toHaveLength(3);
  });

  it('exit 1 on a safety violation, with the report, a trace file and the reproduce command', async () => {
    const dir = traceDir();
    const result = await cli([
      'dst',
      'run',
      '--scenario',
      'node-faults',
      '--seed',
      '3',
      '--impl',
      fixture('believes-forever'),
      '--trace-dir',
      dir,
      '--json',
    ]);
    expect(result.code).toBe(1);
    const json = result.json();
    expect(json.violations[0]).toMatchObject({
      seed: '3',
      scenario: 'node-faults',
      invariant: expect.stringMatching(/^I-[12]$/),
    });
    expect(json.violations[0].step).toBeGreaterThan(0);
    expect(result.stderr).toMatch(
      /reproduce DST_SEED=3 npx leasehold dst run --scenario node-faults/,
    );
    expect(result.stderr).toMatch(/last \d+ events/);
    const path = join(dir, 'node-faults-3.jsonl');
    expect(existsSync(path)).toBe(true);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      e: 'run',
      seed: '3',
      scenario: 'node-faults',
      impl: 'believes-forever',
    });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ e: 'violation' });
  });

  // The shrink is bounded by runs (--shrink-runs), not by time: the timeout allows a second per
  // run, far more than a loaded machine needs.
  const LIVENESS_SHRINK_RUNS = 40;
  it(
    'exit 2 on a liveness violation, shrunk within its run budget',
    async () => {
      const result = await cli([
        'dst',
        'run',
        '--scenario',
        'baseline',
        '--seed',
        '1',
        '--impl',
        fixture('never-takes-over'),
        '--shrink-runs',
        String(LIVENESS_SHRINK_RUNS),
        '--trace-dir',
        traceDir(),
        '--json',
      ]);
      expect(result.code).toBe(2);
      expect(result.json().violations[0]).toMatchObject({ invariant: 'I-4', status: 'liveness' });
      expect(result.stderr).toMatch(new RegExp(`in (\\d+) runs`));
      const runs = Number(/in (\d+) runs/.exec(result.stderr)?.[1]);
      expect(runs).toBeLessThanOrEqual(LIVENESS_SHRINK_RUNS);
    },
    (LIVENESS_SHRINK_RUNS + 10) * 1_000,
  );

  it('exit 3 when the implementation under test crashes (reported, not a harness crash)', async () => {
    const result = await cli([
      'dst',
      'run',
      '--scenario',
      'baseline',
      '--seed',
      '1',
      '--impl',
      fixture('crashing'),
      '--trace-dir',
      traceDir(),
      '--json',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/renew exploded/);
    expect(result.stderr).toMatch(/reproduce DST_SEED=1/);
  });

  it('exit 4 when the determinism check sees two different traces for one seed', async () => {
    const result = await cli([
      'dst',
      'run',
      '--scenario',
      'baseline',
      '--seed',
      '2',
      '--impl',
      fixture('nondeterministic'),
      '--json',
    ]);
    expect(result.code).toBe(4);
    expect(result.json().nondeterministic).toHaveLength(1);
  });

  it('assumption-breaking runs that report I-1/I-2 are expected, not failures (exit 0)', async () => {
    const result = await cli([
      'dst',
      'run',
      '--scenario',
      'broken-skew',
      '--seeds',
      '3',
      '--jobs',
      '1',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const json = result.json();
    expect(json.violations.length).toBeGreaterThan(0);
    for (const v of json.violations)
      expect(v).toMatchObject({ expected: true, invariant: expect.stringMatching(/^I-[12]$/) });
  });

  it('replay prints the full trace of one seed as JSON lines', async () => {
    const result = await cli(['dst', 'replay', '--seed', '5', '--scenario', 'store-crash']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ e: 'run', seed: '5', scenario: 'store-crash' });
    expect(lines.length).toBeGreaterThan(1_000);
    expect(result.stderr).toMatch(/passed \(trace hash [0-9a-f]{16}\)/);
  });

  it('the installed binary runs (npx leasehold)', () => {
    const bin = join(root, 'packages', 'cli', 'bin', 'leasehold.js');
    const run = spawnSync(
      process.execPath,
      [bin, 'dst', 'run', '--scenario', 'baseline', '--seeds', '2', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DST_SEED: '' },
      },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({
      seeds: 2,
      exitCode: 0,
    });
  }, 60_000);
});

describe('leasehold dst zoo, shrinking and replay --trace', () => {
  it('dst zoo --json reports a variant detected with its invariant and a shrunk run', async () => {
    const result = await cli([
      'dst',
      'zoo',
      '--variant',
      'Z5',
      '--budget',
      '5',
      '--bases',
      '2',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const json = result.json();
    expect(json.ok).toBe(true);
    expect(json.variants).toHaveLength(1);
    expect(json.variants[0]).toMatchObject({
      id: 'Z5',
      detected: true,
      invariant: 'I-5',
      basesDetected: 2,
    });
    expect(json.variants[0].seedsToDetectMedian).toBeGreaterThanOrEqual(1);
    expect(json.variants[0].shrunkEvents).toBeLessThanOrEqual(25);
    expect(json.correct.failures).toEqual([]);
  });

  it('bad zoo and fault flags exit 64 naming the flag', async () => {
    expect((await cli(['dst', 'zoo', '--variant', 'Z99'])).stderr).toMatch(
      /--variant must be one of: Z1, Z2/,
    );
    expect((await cli(['dst', 'run', '--impl', 'zoo:Z99'])).stderr).toMatch(/zoo:Z1, zoo:Z2/);
    const faults = await cli(['dst', 'run', '--faults', 'storeLatency=2000']);
    expect(faults.code).toBe(64);
    expect(faults.stderr).toMatch(/--faults: rate of storeLatency must be 1..1000/);
    expect((await cli(['dst', 'run', '--faults', 'cosmicRays=5'])).stderr).toMatch(
      /--faults: fault must be one of storeWriteFail/,
    );
    const cut = await cli(['dst', 'run', '--cut-ops', '3,0']);
    expect(cut.code).toBe(64);
    expect(cut.stderr).toMatch(/--cut-ops: must be positive whole numbers/);
    expect(
      (await cli(['dst', 'replay', '--seed', '1', '--scenario', 'baseline', '--cut-faults', 'two']))
        .stderr,
    ).toMatch(/--cut-faults: must be positive whole numbers/);
    expect((await cli(['dst', 'run', '--resources', '9'])).stderr).toMatch(
      /--resources must be from 1 to 8/,
    );
  });

  it('a failing run is shrunk; its reproduce command and trace file replay byte-identically', async () => {
    const dir = traceDir();
    const failing = await cli([
      'dst',
      'run',
      '--scenario',
      'swarm',
      '--seed',
      '2',
      '--impl',
      'zoo:Z8',
      '--trace-dir',
      dir,
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(
      /shrunk: \d+ -> \d+ events, \d+ operations, 1-minimal, in \d+ runs/,
    );
    const command = /reproduce (DST_SEED=\d+ npx leasehold dst run [^\n]*)\n/.exec(
      failing.stdout.split('shrunk:')[1]!,
    )?.[1];
    expect(command).toBeDefined();
    const seed = /DST_SEED=(\d+)/.exec(command!)![1]!;
    const args = command!
      .replace(/^DST_SEED=\d+ npx leasehold /, '')
      .match(/'[^']*'|\S+/g)!
      .map((a) => a.replace(/^'|'$/g, ''));
    const again = await cli([...args, '--json', '--no-shrink', '--trace-dir', dir], {
      DST_SEED: seed,
    });
    expect(again.code).toBe(1);
    expect(again.json().violations[0].invariant).toBe('I-3');
    const replay = await cli(['dst', 'replay', '--trace', join(dir, `swarm-${seed}-shrunk.jsonl`)]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/replay is byte-identical/);
    // The replay's own reproduce line names the implementation the trace recorded.
    expect(replay.stderr).toMatch(
      /reproduce DST_SEED=\d+ npx leasehold dst run --scenario swarm --impl zoo:Z8 /,
    );
  });
});
