import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '@leasehold/cli';
import { touchedPaths } from '../src/guard';

// leasehold guard in-process, over a real git repository and its local lease file: which staged
// paths it checks (both names of a rename, a deletion), whose leases refuse a commit, and the
// hook --install writes. agent-cli.test.ts runs it as git runs it, from a commit in a worktree.

function git(cwd: string, args: string[]): string {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')),
  );
  const ran = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  expect(ran.status, ran.stderr).toBe(0);
  return ran.stdout;
}

async function leasehold(cwd: string, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { PATH: process.env.PATH },
    cwd,
    interactive: false,
    color: false,
  };
  const code = await runCli(argv, io);
  const stdout = out.join('');
  return {
    code,
    stdout,
    stderr: err.join(''),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    json: (): any => JSON.parse(stdout.trimEnd().split('\n').at(-1)!),
  };
}

/** A repository with one commit of `files`. */
function repository(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-guard-unit-'));
  git(dir, ['init', '-q']);
  for (const file of files) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), `${file}\n`);
  }
  git(dir, ['add', '.']);
  git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'first']);
  return dir;
}

describe('leasehold guard: the staged paths', () => {
  it('a rename counts both names, a copy its new one, a deletion its path; sorted, each once', () => {
    const output = ['M', 'a.ts', 'R087', 'old.ts', 'new.ts', 'D', 'gone.ts', 'C100', 'src.ts']
      .concat(['copy.ts', 'A', 'added.ts', 'M', 'a.ts', ''])
      .join('\0');
    expect(touchedPaths(output)).toEqual([
      'a.ts',
      'added.ts',
      'copy.ts',
      'gone.ts',
      'new.ts',
      'old.ts',
    ]);
    expect(touchedPaths('')).toEqual([]);
  });

  it('a staged rename and deletion are refused by the holders of either name; the committer passes its own', async () => {
    const repo = repository(['docs/old.md', 'lib/gone.ts', 'lib/kept.ts']);
    for (const [agent, path] of [
      ['agent-a', 'docs/old.md'],
      ['agent-c', 'docs/new.md'],
      ['agent-d', 'lib/gone.ts'],
    ] as const) {
      const claimed = await leasehold(repo, ['claim', path, '--agent', agent]);
      expect(claimed.code, claimed.stderr).toBe(0);
    }
    git(repo, ['mv', 'docs/old.md', 'docs/new.md']);
    git(repo, ['rm', '-q', 'lib/gone.ts']);
    const b = await leasehold(repo, ['guard', '--agent', 'agent-b', '--json']);
    expect(b.code).toBe(1);
    expect(b.json()).toMatchObject({ ok: false, agent: 'agent-b', paths: 3, complete: true });
    expect(
      b.json().refused.map((r: { path: string; holder: string }) => [r.path, r.holder]),
    ).toEqual([
      ['docs/new.md', 'agent-c'],
      ['docs/old.md', 'agent-a'],
      ['lib/gone.ts', 'agent-d'],
    ]);
    const a = await leasehold(repo, ['guard', '--agent', 'agent-a']);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('leasehold guard: docs/new.md is held by agent-c (token 1)');
    expect(a.stderr).toContain('leasehold guard: lib/gone.ts is held by agent-d (token 1)');
    expect(a.stderr).not.toContain('docs/old.md');
    // No agent named: every held path refuses, and it says why.
    const nobody = await leasehold(repo, ['guard']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('docs/old.md is held by agent-a');
    expect(nobody.stderr).toContain('no agent named');
    for (const [agent, path] of [
      ['agent-c', 'docs/new.md'],
      ['agent-d', 'lib/gone.ts'],
    ] as const) {
      expect((await leasehold(repo, ['release', path, '--agent', agent])).code).toBe(0);
    }
    const passes = await leasehold(repo, ['guard', '--agent', 'agent-a']);
    expect(passes.code, passes.stderr).toBe(0);
    expect(passes.stdout).toBe('');
    expect((await leasehold(repo, ['guard'])).code).toBe(1);
  });

  it('nothing staged passes, with no agent named; --force without --install is bad usage (64)', async () => {
    const repo = repository(['a.ts']);
    const clean = await leasehold(repo, ['guard', '--json']);
    expect(clean.code).toBe(0);
    expect(clean.json()).toMatchObject({ ok: true, agent: null, paths: 0, refused: [] });
    expect((await leasehold(repo, ['guard', '--force'])).code).toBe(64);
  });
});

describe('leasehold guard --install', () => {
  it("writes the hook where git looks for it, replaces its own, and leaves a person's unless --force", async () => {
    const repo = repository(['a.ts']);
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\nnpm run lint\n');
    const refused = await leasehold(repo, ['guard', '--install']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${hook} is a pre-commit hook that leasehold did not install`);
    expect(refused.stderr).toContain('--install --force');
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\nnpm run lint\n');
    const forced = await leasehold(repo, ['guard', '--install', '--force', '--json']);
    expect(forced.json()).toMatchObject({ ok: true, hook, installed: true, replaced: true });
    expect(readFileSync(hook, 'utf8')).toContain('installed by `leasehold guard --install`');
    const again = await leasehold(repo, ['guard', '--install', '--json']);
    expect(again.json()).toMatchObject({ ok: true, installed: true, replaced: false });
    // core.hooksPath (relative: to the top of the worktree), from a subdirectory.
    git(repo, ['config', 'core.hooksPath', 'ci/hooks']);
    mkdirSync(join(repo, 'deep', 'er'), { recursive: true });
    const moved = await leasehold(join(repo, 'deep', 'er'), ['guard', '--install', '--json']);
    expect(moved.json()).toMatchObject({ ok: true, hook: join(repo, 'ci', 'hooks', 'pre-commit') });
    expect(readFileSync(join(repo, 'ci', 'hooks', 'pre-commit'), 'utf8')).toContain('guard');
  });
});
