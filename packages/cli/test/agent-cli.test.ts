import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { leasehold } from './agent-process.js';

// The agent commands end to end, as separate processes (each command is one, as in a hook):
// against a real `leasehold serve` process, and against a local SQLite file.

function workflow(where: () => { cwd: string; flags: string[] }) {
  const run = (agent: string, args: string[]) => {
    const { cwd, flags } = where();
    return leasehold(cwd, [...args, '--agent', agent, ...flags]);
  };

  test('claim, conflict, gate, heartbeat (throttled), leases, release, re-claim with a higher token', async () => {
    const claimed = await run('agent-a', ['claim', 'src/app.ts', '--ttl', '60m', '--json']);
    expect(claimed.code, claimed.stderr).toBe(0);
    expect(claimed.json()).toMatchObject({
      ok: true,
      resource: 'src/app.ts',
      agent: 'agent-a',
      token: 1,
    });
    const other = await run('agent-b', ['claim', 'src/app.ts']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('held by agent-a');
    expect((await run('agent-a', ['claim', 'src/app.ts'])).stdout).toContain(
      'already held by agent-a',
    );
    expect((await run('agent-a', ['gate', 'src/app.ts'])).code).toBe(0);
    const gateB = await run('agent-b', ['gate', 'src/app.ts']);
    expect(gateB.code).toBe(1);
    expect(gateB.stderr).toContain('agent-b holds no lease on src/app.ts');
    const throttled = await run('agent-a', [
      'heartbeat',
      'src/app.ts',
      '--min-interval',
      '15m',
      '--json',
    ]);
    expect(throttled.code).toBe(0);
    expect(throttled.json()).toMatchObject({ skipped: true, token: 1 });
    const renewed = await run('agent-a', ['heartbeat', 'src/app.ts', '--json']);
    expect(renewed.json()).toMatchObject({ skipped: false, token: 1 });
    const listed = await run('agent-a', ['leases', '--json']);
    expect(listed.json().leases).toEqual([
      expect.objectContaining({ resource: 'src/app.ts', holder: 'agent-a', status: 'held' }),
    ]);
    expect((await run('agent-a', ['leases'])).stdout).toMatch(
      /^held +src\/app\.ts {2}agent-a {2}token 1/,
    );
    expect((await run('agent-a', ['release', 'src/app.ts'])).code).toBe(0);
    expect((await run('agent-a', ['gate', 'src/app.ts'])).code).toBe(1);
    const again = await run('agent-b', ['claim', 'src/app.ts', '--json']);
    expect(again.json()).toMatchObject({ ok: true, token: 2 });
  });

  test('claim --force fences the holder: its heartbeat then reports the lease lost (exit 1)', async () => {
    await run('agent-a', ['claim', 'docs/spec.md']);
    const forced = await run('agent-b', ['claim', 'docs/spec.md', '--force', '--json']);
    expect(forced.json()).toMatchObject({ ok: true, taken_over_from: 'agent-a', token: 3 });
    const lost = await run('agent-a', ['heartbeat', 'docs/spec.md']);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('docs/spec.md is lost');
    expect((await run('agent-a', ['gate', 'docs/spec.md'])).code).toBe(1);
    // Its release, after the loss, says what happened and who holds it now.
    const release = await run('agent-a', ['release', 'docs/spec.md']);
    expect(release.code).toBe(1);
    expect(release.stderr).toContain('agent-a holds no lease on docs/spec.md');
    expect(release.stderr).toContain('held by agent-b (token 3) for another');
    expect(release.stderr).toContain('nothing to release');
    expect(release.stderr).not.toContain('claim it first');
    expect((await run('agent-b', ['gate', 'docs/spec.md'])).code).toBe(0);
  });

  test('heartbeat --all renews every lease this agent keeps, each throttled; a lost one is named (exit 1)', async () => {
    expect((await run('agent-h', ['claim', 'h/one.md', 'h/two.md'])).code).toBe(0);
    const beat = await run('agent-h', ['heartbeat', '--all', '--json']);
    expect(beat.code, beat.stderr).toBe(0);
    expect(beat.json().renewed).toEqual([
      expect.objectContaining({ resource: 'h/one.md', skipped: false }),
      expect.objectContaining({ resource: 'h/two.md', skipped: false }),
    ]);
    const throttled = await run('agent-h', ['heartbeat', '--all', '--min-interval', '15m']);
    expect(throttled.stdout).toContain(
      'heartbeat of 2 leases of agent-h; skipped (renewed recently) h/one.md, h/two.md',
    );
    expect((await run('admin', ['claim', 'h/two.md', '--force'])).code).toBe(0);
    const lost = await run('agent-h', ['heartbeat', '--all']);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('renewed h/one.md');
    expect(lost.stderr).toContain('leasehold: heartbeat of h/two.md: lost:');
    expect((await run('agent-h', ['release', '--all'])).code).toBe(0);
    expect((await run('agent-h', ['heartbeat', '--all'])).stdout).toContain(
      'agent-h keeps no leases',
    );
    expect((await run('agent-h', ['heartbeat', 'h/one.md', '--all'])).code).toBe(64);
    expect((await run('agent-h', ['heartbeat'])).code).toBe(64);
  });

  test("release --expected-holder (admin) frees a crashed agent's lease only if it still holds it", async () => {
    await run('crashed', ['claim', 'task/42']);
    const wrong = await run('admin', ['release', 'task/42', '--expected-holder', 'someone-else']);
    expect(wrong.code).toBe(1);
    const freed = await run('admin', [
      'release',
      'task/42',
      '--expected-holder',
      'crashed',
      '--json',
    ]);
    expect(freed.json()).toMatchObject({ ok: true, previous_holder: 'crashed' });
    const cleanup = await run('admin', ['cleanup', '--json']);
    expect(cleanup.code).toBe(0);
    expect(cleanup.json()).toMatchObject({ ok: true, expired: [] });
  });

  test('bad input is a usage error (64) naming the flag', async () => {
    const ttl = await run('agent-a', ['claim', 'x', '--ttl', '5ms']);
    expect(ttl.code).toBe(64);
    expect(ttl.stderr).toContain('--ttl');
    // A bare number would be milliseconds to the library: refused, with the units to use.
    const bare = await run('agent-a', ['claim', 'x', '--ttl', '90']);
    expect(bare.code).toBe(64);
    expect(bare.stderr).toContain('--ttl needs a unit: 90s for seconds');
    expect((await run('agent-a', ['heartbeat', 'x', '--min-interval', '30'])).code).toBe(64);
    expect((await run('agent-a', ['claim', 'x', '--ttl', 'soon'])).code).toBe(64);
    const { cwd, flags } = where();
    const anonymous = await leasehold(cwd, ['claim', 'x', ...flags]);
    expect(anonymous.code).toBe(64);
    expect(anonymous.stderr).toContain('name this agent');
  });

  test('release-holder (admin) releases every lease of an agent that died, and lists them', async () => {
    const { cwd, flags } = where();
    expect((await run('agent-dead', ['claim', 'dead/one.md'])).code).toBe(0);
    expect((await run('agent-dead', ['claim', 'dead/two.md'])).code).toBe(0);
    const released = await leasehold(cwd, ['release-holder', 'agent-dead', '--json', ...flags]);
    expect(released.code, released.stderr).toBe(0);
    expect(released.json()).toMatchObject({ ok: true, holder: 'agent-dead', complete: true });
    expect(
      released
        .json()
        .released.map((r: { resource: string }) => r.resource)
        .sort(),
    ).toEqual(['dead/one.md', 'dead/two.md']);
    expect((await run('agent-dead', ['gate', 'dead/one.md'])).code).toBe(1);
    const again = await leasehold(cwd, ['release-holder', 'agent-dead', ...flags]);
    expect(again.stdout).toContain('released 0 leases of agent-dead');
    expect((await run('agent-next', ['claim', 'dead/two.md'])).code).toBe(0);
  });

  test('claim a b c takes every resource or none: one held by another refuses the whole set', async () => {
    expect((await run('agent-m', ['claim', 'multi/b.md'])).code).toBe(0);
    const refused = await run('agent-n', [
      'claim',
      'multi/c.md',
      'multi/a.md',
      'multi/b.md',
      '--json',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({
      ok: false,
      claimed: false,
      resource: 'multi/b.md',
      holder: 'agent-m',
      given_back: [{ resource: 'multi/a.md', released: true }],
    });
    const human = await run('agent-n', ['claim', 'multi/a.md', 'multi/b.md', 'multi/c.md']);
    expect(human.stderr).toContain('multi/b.md is held by agent-m');
    expect(human.stderr).toContain('none of the 3 resources was claimed');
    const { cwd, flags } = where();
    const listed = await leasehold(cwd, ['leases', '--prefix', 'multi/', '--json', ...flags]);
    expect(
      listed
        .json()
        .leases.filter((l: { status: string }) => l.status === 'held')
        .map((l: { resource: string; holder: string }) => `${l.resource} ${l.holder}`),
    ).toEqual(['multi/b.md agent-m']);
    expect((await run('agent-m', ['release', 'multi/b.md'])).code).toBe(0);
    const all = await run('agent-n', ['claim', 'multi/c.md', 'multi/a.md', 'multi/b.md', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.json().leases.map((l: { resource: string }) => l.resource)).toEqual([
      'multi/a.md',
      'multi/b.md',
      'multi/c.md',
    ]);
    expect((await run('agent-n', ['gate', 'multi/c.md'])).code).toBe(0);
    const force = await run('agent-m', ['claim', 'multi/a.md', 'multi/b.md', '--force']);
    expect(force.code).toBe(64);
  });

  test('gate asks the service: it names the holder and the time left, with or without an agent id', async () => {
    expect((await run('agent-g', ['claim', 'gated/x.ts', '--ttl', '30m'])).code).toBe(0);
    const other = await run('agent-h', ['gate', 'gated/x.ts', '--json']);
    expect(other.code).toBe(1);
    const seen = other.json();
    expect(seen).toMatchObject({ holds: false, status: 'held', holder: 'agent-g', token: 1 });
    expect(seen.time_left_ms).toBeGreaterThan(25 * 60_000);
    expect(seen.time_left_ms).toBeLessThanOrEqual(30 * 60_000);
    const human = await run('agent-h', ['gate', 'gated/x.ts']);
    expect(human.stderr).toMatch(/held by agent-g \(token 1\) for another (29|30)m/);
    const { cwd, flags } = where();
    const anonymous = await leasehold(cwd, ['gate', 'gated/x.ts', ...flags]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('no agent named');
    expect(anonymous.stderr).toContain('held by agent-g');
    const free = await leasehold(cwd, ['gate', 'gated/free.ts', '--json', ...flags]);
    expect(free.json()).toMatchObject({ holds: false, status: 'free', holder: null });
    const mine = await run('agent-g', ['gate', 'gated/x.ts', '--json']);
    expect(mine.code).toBe(0);
    expect(mine.json().time_left_ms).toBeGreaterThan(0);
  });

  test("claim --max-renewals / --max-age: the lease's own limits, kept with it, shown, enforced at heartbeat", async () => {
    const claimed = await run('agent-lim', [
      'claim',
      'limits/a.md',
      '--ttl',
      '10m',
      '--max-renewals',
      '1',
      '--max-age',
      '2h',
      '--json',
    ]);
    expect(claimed.code, claimed.stderr).toBe(0);
    const { cwd, flags } = where();
    const listed = await leasehold(cwd, ['leases', '--prefix', 'limits/', '--json', ...flags]);
    expect(listed.json().leases).toEqual([
      expect.objectContaining({ resource: 'limits/a.md', max_renewals: 1, max_age_ms: 7_200_000 }),
    ]);
    expect((await run('agent-lim', ['heartbeat', 'limits/a.md'])).code).toBe(0);
    const refused = await run('agent-lim', ['heartbeat', 'limits/a.md']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('max_renewals 1');
    // A maximum age shorter than the TTL, or a limit that is not a whole number: bad usage.
    const short = await run('agent-lim', [
      'claim',
      'limits/b.md',
      '--ttl',
      '10m',
      '--max-age',
      '5m',
    ]);
    expect(short.code).toBe(64);
    expect(short.stderr).toContain('--max-age');
    expect((await run('agent-lim', ['claim', 'limits/b.md', '--max-renewals', 'x'])).code).toBe(64);
  });

  test('release --all releases every lease the agent keeps', async () => {
    expect((await run('agent-all', ['claim', 'all/one.md'])).code).toBe(0);
    expect((await run('agent-all', ['claim', 'all/two.md'])).code).toBe(0);
    const released = await run('agent-all', ['release', '--all', '--json']);
    expect(released.code, released.stderr).toBe(0);
    expect(released.json()).toMatchObject({
      released: [{ resource: 'all/one.md' }, { resource: 'all/two.md' }],
      failed: [],
    });
    expect((await run('agent-other', ['claim', 'all/one.md'])).code).toBe(0);
    const nothing = await run('agent-all', ['release', '--all']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('agent-all keeps no leases');
    expect((await run('agent-all', ['release', 'all/one.md', '--all'])).code).toBe(64);
    expect((await run('agent-all', ['release'])).code).toBe(64);
  });

  test('leases needs no agent id: anyone may read the lease space', async () => {
    const { cwd, flags } = where();
    expect((await run('agent-l', ['claim', 'notes/listed.md'])).code).toBe(0);
    const listed = await leasehold(cwd, ['leases', '--prefix', 'notes/', '--json', ...flags]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json().leases).toEqual([
      expect.objectContaining({ resource: 'notes/listed.md', holder: 'agent-l', status: 'held' }),
    ]);
  });
}

describe('agent CLI against a real lease server', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  const cwd = mkdtempSync(join(tmpdir(), 'leasehold-agent-http-'));
  beforeAll(async () => {
    server = await startServerProcess(['--db', join(cwd, 'server.db'), '--log-level', 'warn']);
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });
  workflow(() => ({ cwd, flags: ['--server', server.url] }));

  test('the owner key stays in a private state file; the service is unreachable -> exit 69', async () => {
    const state = join(cwd, '.leasehold', 'agent-agent-b.json');
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(readFileSync(state, 'utf8')).toContain('owner_key');
    const down = await leasehold(cwd, ['leases', '--agent', 'a', '--server', 'http://127.0.0.1:9']);
    expect(down.code).toBe(69);
    expect(down.stderr).toContain('cannot reach');
  });

  test('a release that was sent and not confirmed: gate, heartbeat and claim refuse until release is run again', async () => {
    const run = (args: string[], url = server.url) =>
      leasehold(cwd, [...args, '--agent', 'agent-r', '--server', url]);
    expect((await run(['claim', 'notes.md'])).code).toBe(0);
    // The release never gets an answer (nothing listens there): it may or may not have applied.
    const lost = await run(['release', 'notes.md'], 'http://127.0.0.1:9');
    expect(lost.code).toBe(69);
    for (const command of ['gate', 'heartbeat', 'claim']) {
      const refused = await run([command, 'notes.md']);
      expect(refused.code, command).toBe(1);
      expect(refused.stderr).toContain(
        'sent a release of notes.md (token 1) that was not confirmed',
      );
    }
    expect((await run(['release', 'notes.md'])).code).toBe(0);
    const again = await run(['claim', 'notes.md', '--json']);
    expect(again.json()).toMatchObject({ ok: true, token: 2 });
    expect((await run(['gate', 'notes.md'])).code).toBe(0);
  });
});

describe('agent CLI against a local SQLite file', { timeout: 300_000 }, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'leasehold-agent-file-'));
  workflow(() => ({ cwd, flags: ['--db', 'agents.db'] }));

  test('agent id and file from the config file and the environment', async () => {
    writeFileSync(
      join(cwd, 'config.json'),
      JSON.stringify({ agent: 'from-config', db: 'agents.db' }),
    );
    const claimed = await leasehold(cwd, [
      'claim',
      'configured',
      '--config',
      'config.json',
      '--json',
    ]);
    expect(claimed.json()).toMatchObject({ ok: true, agent: 'from-config' });
    const fromEnv = await leasehold(cwd, ['gate', 'configured', '--db', 'agents.db'], {
      LEASEHOLD_AGENT: 'from-config',
    });
    expect(fromEnv.code).toBe(0);
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify({ agnet: 'typo' }));
    const typo = await leasehold(cwd, ['gate', 'configured', '--config', 'bad.json']);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain('"agnet" is not a setting');
  });
});

describe(
  'agent CLI without a server or a named file: one file per git repository',
  {
    timeout: 300_000,
  },
  () => {
    const git = (cwd: string, args: string[]) => {
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')),
      );
      const ran = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
      expect(ran.status, ran.stderr).toBe(0);
    };

    test('two agents in two worktrees of one repository contend for the same lease', async () => {
      const base = mkdtempSync(join(tmpdir(), 'leasehold-worktrees-'));
      const main = join(base, 'main');
      git(base, ['init', '-q', 'main']);
      git(main, [
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@t',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'first',
      ]);
      git(main, ['worktree', 'add', '-q', join(base, 'second')]);
      const nested = join(base, 'second', 'src', 'deep');
      mkdirSync(nested, { recursive: true });
      const first = await leasehold(main, ['claim', 'src/app.ts', '--agent', 'agent-a']);
      expect(first.code, first.stderr).toBe(0);
      const second = await leasehold(nested, ['claim', 'src/app.ts', '--agent', 'agent-b']);
      expect(second.code, second.stdout).toBe(1);
      expect(second.stderr).toContain('src/app.ts is held by agent-a');
      expect(existsSync(join(main, '.git', 'leasehold', 'leases.db'))).toBe(true);
      const listed = await leasehold(join(base, 'second'), ['leases', '--agent', 'b', '--json']);
      expect(listed.json().leases).toEqual([
        expect.objectContaining({ resource: 'src/app.ts', holder: 'agent-a' }),
      ]);
      // Both name the one file of the repository, wherever in it they run.
      const file = join(main, '.git', 'leasehold', 'leases.db');
      expect(listed.json().db).toBe(file);
      const gated = await leasehold(nested, ['gate', 'src/app.ts', '--agent', 'agent-b', '--json']);
      expect(gated.json()).toMatchObject({ holds: false, holder: 'agent-a', db: file });
    });

    test('guard: a commit in one worktree that touches a path an agent in another holds is refused', async () => {
      const base = mkdtempSync(join(tmpdir(), 'leasehold-guard-'));
      const main = join(base, 'main');
      const second = join(base, 'second');
      git(base, ['init', '-q', 'main']);
      mkdirSync(join(main, 'src'));
      writeFileSync(join(main, 'src', 'app.ts'), 'app\n');
      writeFileSync(join(main, 'src', 'other.ts'), 'other\n');
      git(main, ['add', 'src']);
      git(main, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'first']);
      git(main, ['worktree', 'add', '-q', second]);
      const claimed = await leasehold(main, ['claim', 'src/app.ts', '--agent', 'agent-a']);
      expect(claimed.code, claimed.stderr).toBe(0);
      const installed = await leasehold(second, ['guard', '--install']);
      expect(installed.code, installed.stderr).toBe(0);
      // One hook for every worktree: the common git directory's.
      const hook = join(main, '.git', 'hooks', 'pre-commit');
      expect(installed.stdout).toContain(`installed ${hook}`);
      expect(statSync(hook).mode & 0o111).not.toBe(0);
      /** `git commit` as `agent` (the hook runs in its environment), after editing `files`. */
      const commit = (cwd: string, agent: string, files: string[], args: string[] = []) => {
        for (const file of files)
          writeFileSync(join(cwd, file), `${agent} was here\n`, { flag: 'a' });
        git(cwd, ['add', ...files]);
        const env = Object.fromEntries(
          Object.entries(process.env).filter(
            ([k]) => !k.startsWith('GIT_') && !k.startsWith('LEASEHOLD_'),
          ),
        );
        const ran = spawnSync(
          'git',
          ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'change', ...args],
          { cwd, env: { ...env, LEASEHOLD_AGENT: agent }, encoding: 'utf8' },
        );
        return { code: ran.status, stderr: ran.stderr };
      };
      const refused = commit(second, 'agent-b', ['src/app.ts']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /leasehold guard: src\/app\.ts is held by agent-a \(token 1\) for another \d+m\d+s: commit refused; wait, or ask agent-a to release it/,
      );
      // src/app.ts stays staged; a commit of src/other.ts alone (its own index) passes.
      const other = commit(second, 'agent-b', ['src/other.ts'], ['--', 'src/other.ts']);
      expect(other.code, other.stderr).toBe(0);
      // The holder commits its own path.
      const own = commit(main, 'agent-a', ['src/app.ts']);
      expect(own.code, own.stderr).toBe(0);
      expect((await leasehold(main, ['release', 'src/app.ts', '--agent', 'agent-a'])).code).toBe(0);
      const after = commit(second, 'agent-b', ['src/app.ts']);
      expect(after.code, after.stderr).toBe(0);
    });

    test('outside a repository the command refuses (64) and says how to name a file or service', async () => {
      const plain = mkdtempSync(join(tmpdir(), 'leasehold-no-repo-'));
      const refused = await leasehold(plain, ['claim', 'x', '--agent', 'a']);
      expect(refused.code).toBe(64);
      expect(refused.stderr).toContain('is not in a git repository');
      expect(refused.stderr).toContain('--db FILE or LEASEHOLD_DB');
      const named = await leasehold(plain, ['claim', 'x', '--agent', 'a'], {
        LEASEHOLD_DB: 'x.db',
      });
      expect(named.code, named.stderr).toBe(0);
    });
  },
);

describe('agent CLI against a rate-limited service', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  const cwd = mkdtempSync(join(tmpdir(), 'leasehold-agent-limit-'));
  beforeAll(async () => {
    server = await startServerProcess([
      '--db',
      join(cwd, 'server.db'),
      '--rate-limit',
      '3',
      '--log-level',
      'warn',
    ]);
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  test("one agent's status checks never throttle another agent's heartbeat", async () => {
    const as = (agent: string, args: string[]) =>
      leasehold(cwd, [...args, '--agent', agent, '--server', server.url]);
    expect((await as('agent-b', ['claim', 'src/app.ts'])).code).toBe(0);
    const checks: (number | null)[] = [];
    for (let i = 0; i < 4; i++) checks.push((await as('agent-a', ['leases'])).code);
    // agent-a's fourth request a minute is over the limit of 3...
    expect(checks.slice(0, 3)).toEqual([0, 0, 0]);
    expect(checks[3]).not.toBe(0);
    // ...and counts against agent-a only: agent-b's heartbeat is its second.
    const beat = await as('agent-b', ['heartbeat', 'src/app.ts']);
    expect(beat.stderr).toBe('');
    expect(beat.code).toBe(0);
  });
});

describe('agent CLI against a service that checks API keys', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  const cwd = mkdtempSync(join(tmpdir(), 'leasehold-agent-auth-'));
  const key = 'key-agent-k-0123456789';
  beforeAll(async () => {
    const authFile = join(cwd, 'auth.json');
    writeFileSync(authFile, JSON.stringify({ keys: [{ key, holder: 'agent-k' }] }));
    server = await startServerProcess([
      '--db',
      join(cwd, 'server.db'),
      '--auth-file',
      authFile,
      '--log-level',
      'warn',
    ]);
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  test('no API key or an unknown one exits 77 saying what to set; the right one claims', async () => {
    const claim = (env: Record<string, string>) =>
      leasehold(cwd, ['claim', 'docs/a.md', '--agent', 'agent-k', '--server', server.url], env);
    for (const env of [{}, { LEASEHOLD_API_KEY: 'key-nobody-0123456789' }]) {
      const refused = await claim(env);
      expect(refused.code).toBe(77);
      expect(refused.stderr).toContain('set LEASEHOLD_API_KEY');
    }
    expect((await claim({ LEASEHOLD_API_KEY: key })).code).toBe(0);
    // A key that may not: an admin command, or a claim as another agent than the key's (77).
    const env = { LEASEHOLD_API_KEY: key };
    const admin = await leasehold(
      cwd,
      ['release-holder', 'agent-x', '--agent', 'agent-k', '--server', server.url],
      env,
    );
    expect(admin.code).toBe(77);
    expect(admin.stderr).toContain('admin commands need an admin key');
    const impostor = await leasehold(
      cwd,
      ['claim', 'docs/b.md', '--agent', 'agent-j', '--server', server.url],
      env,
    );
    expect(impostor.code).toBe(77);
    expect(impostor.stderr).toContain('belongs to another holder');
  });
});
