import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, type ReadmeBlock } from './readme-blocks';

// examples/agent-hooks: the hook script as Claude Code runs it (the hook's JSON on stdin), for
// two agents in two worktrees of one repository, against the repository's local lease file; the
// commit guard it installs, run by git; and its README's steps as printed.

const root = join(import.meta.dirname, '..');
const dir = join(root, 'examples', 'agent-hooks');
const HOOK = join(dir, 'leasehold-hook.sh');
const CLI = join(root, 'packages', 'cli', 'bin', 'leasehold.js');
// LEASEHOLD_BIN is split on spaces by the hook, as a user's `npx leasehold` would be.
const BIN = `${process.execPath} ${CLI}`;
/** A cap, not an expectation: each hook starts the CLI, on a possibly loaded machine. */
const HOOK_MS_MAX = 120_000;

/** The test's environment without LEASEHOLD_* and GIT_* settings: each test names its own. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('LEASEHOLD_') && !k.startsWith('GIT_'),
    ),
  );
}

/** One hook call in `project` (a worktree), with `input` as the hook's JSON. */
function hook(
  project: string,
  event: string,
  input: Record<string, unknown>,
  env: Record<string, string> = {},
) {
  const ran = spawnSync(HOOK, [event], {
    input: JSON.stringify({ hook_event_name: event, cwd: project, ...input }),
    cwd: project,
    encoding: 'utf8',
    timeout: HOOK_MS_MAX,
    env: { ...cleanEnv(), CLAUDE_PROJECT_DIR: project, LEASEHOLD_BIN: BIN, ...env },
  });
  return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

function git(cwd: string, args: string[]): string {
  const ran = spawnSync('git', args, { cwd, env: cleanEnv(), encoding: 'utf8' });
  expect(ran.status, ran.stderr).toBe(0);
  return ran.stdout;
}

/** A repository with src/app.ts and src/other.ts committed, and a second worktree of it. */
function twoWorktrees(): { main: string; second: string } {
  const base = mkdtempSync(join(tmpdir(), 'leasehold-hooks-'));
  const main = join(base, 'main');
  const second = join(base, 'second');
  git(base, ['init', '-q', 'main']);
  mkdirSync(join(main, 'src'));
  writeFileSync(join(main, 'src', 'app.ts'), 'app\n');
  writeFileSync(join(main, 'src', 'other.ts'), 'other\n');
  git(main, ['add', 'src']);
  git(main, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'first']);
  git(main, ['worktree', 'add', '-q', second]);
  return { main, second };
}

/** `git commit` from the agent's shell: Claude Code sources CLAUDE_ENV_FILE into it. */
function agentCommit(worktree: string, envFile: string, args: string[]) {
  const ran = spawnSync(
    'bash',
    [
      '-c',
      'source "$0" && git -c user.name=t -c user.email=t@t commit -q -m change "$@"',
      envFile,
      ...args,
    ],
    { cwd: worktree, env: cleanEnv(), encoding: 'utf8', timeout: HOOK_MS_MAX },
  );
  return { code: ran.status, stderr: ran.stderr };
}

describe('examples/agent-hooks: every file an agent edits, leased', { timeout: 600_000 }, () => {
  it('two agents in two worktrees: the second is blocked on the file the first holds (edit, shell, commit), allowed on another', () => {
    const { main, second } = twoWorktrees();
    const envA = join(main, '..', 'env-a');
    const envB = join(main, '..', 'env-b');
    const a = (event: string, input: Record<string, unknown> = {}, env = {}) =>
      hook(main, event, { session_id: 'a', ...input }, { CLAUDE_ENV_FILE: envA, ...env });
    const b = (event: string, input: Record<string, unknown> = {}) =>
      hook(second, event, { session_id: 'b', ...input }, { CLAUDE_ENV_FILE: envB });

    const started = a('session-start');
    expect(started.code, started.stderr).toBe(0);
    expect(readFileSync(envA, 'utf8')).toContain('export LEASEHOLD_AGENT=claude-a\n');
    expect(readFileSync(join(main, '.gitignore'), 'utf8')).toBe('.leasehold/\n');
    const guard = readFileSync(join(main, '.git', 'hooks', 'pre-commit'), 'utf8');
    expect(guard).toContain('installed by `leasehold guard --install`');
    const edit = (path: string) => ({ tool_name: 'Edit', tool_input: { file_path: path } });
    const shell = (command: string) => ({ tool_name: 'Bash', tool_input: { command } });
    expect(a('pre-edit', edit(join(main, 'src', 'app.ts'))).code).toBe(0);

    expect(b('session-start').code).toBe(0);
    const blocked = b('pre-edit', edit(join(second, 'src', 'app.ts')));
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('src/app.ts is held by claude-a');
    expect(blocked.stderr).toContain('(edit blocked)');
    const allowed = b('pre-edit', {
      tool_name: 'Write',
      tool_input: { file_path: join(second, 'src', 'other.ts') },
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    const sed = b('pre-bash', shell("sed -i 's/app/b/' src/app.ts"));
    expect(sed.code).toBe(2);
    expect(sed.stderr).toContain('src/app.ts is held by claude-a');
    expect(sed.stderr).toContain('(the command writes src/app.ts: blocked)');
    expect(b('pre-bash', shell('cat src/app.ts | grep app')).code).toBe(0);
    expect(b('pre-bash', shell('cd src && echo more >> other.ts')).code).toBe(0);
    expect(b('pre-bash', shell('echo new > src/new.ts')).code).toBe(0);

    // What the hooks could not stop shows at the commit: the guard refuses it, naming claude-a.
    writeFileSync(join(second, 'src', 'app.ts'), 'b was here\n');
    writeFileSync(join(second, 'src', 'other.ts'), 'b was here\n');
    git(second, ['add', 'src/app.ts', 'src/other.ts']);
    const refused = agentCommit(second, envB, []);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('leasehold guard: src/app.ts is held by claude-a');
    expect(refused.stderr).not.toContain('src/other.ts');
    const other = agentCommit(second, envB, ['--', 'src/other.ts']);
    expect(other.code, other.stderr).toBe(0);
    // .leasehold/ (owner keys) is ignored, so `git add -A` never commits it.
    expect(git(second, ['status', '--short', '--untracked-files=all'])).not.toContain('.leasehold');

    expect(a('post-tool').code).toBe(0);
    expect(a('session-end').code).toBe(0);
    expect(b('pre-edit', edit(join(second, 'src', 'app.ts'))).code).toBe(0);
    const committed = agentCommit(second, envB, []);
    expect(committed.code, committed.stderr).toBe(0);
    expect(b('session-end').code).toBe(0);
    const left = spawnSync(process.execPath, [CLI, 'leases', '--status', 'held', '--json'], {
      cwd: main,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(JSON.parse(left.stdout).leases).toEqual([]);
  });

  it('a lease lost (taken over) is told to the agent after its next tool use (exit 2)', () => {
    const { main } = twoWorktrees();
    const session = { session_id: 'a' };
    const edit = {
      ...session,
      tool_name: 'Edit',
      tool_input: { file_path: join(main, 'src', 'app.ts') },
    };
    expect(hook(main, 'pre-edit', edit).code).toBe(0);
    const taken = spawnSync(
      process.execPath,
      [CLI, 'claim', 'src/app.ts', '--force', '--agent', 'admin'],
      { cwd: main, env: cleanEnv(), encoding: 'utf8' },
    );
    expect(taken.status, taken.stderr).toBe(0);
    const lost = hook(main, 'post-tool', session, { LEASEHOLD_HEARTBEAT_INTERVAL: '0s' });
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain('leasehold: heartbeat of src/app.ts: lost');
    expect(lost.stderr).toContain('stop editing the files named');
  });

  it('outside a git repository: paths relative to the project, leases in its .leasehold/leases.db', () => {
    const plain = mkdtempSync(join(tmpdir(), 'leasehold-hooks-plain-'));
    const edit = (session: string, path: string) => ({
      session_id: session,
      tool_input: { file_path: path },
    });
    expect(hook(plain, 'pre-edit', edit('a', join(plain, 'notes.md'))).code).toBe(0);
    expect(existsSync(join(plain, '.leasehold', 'leases.db'))).toBe(true);
    const blocked = hook(plain, 'pre-edit', edit('b', 'notes.md'));
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('notes.md is held by claude-a');
    // A file outside the project is nobody's lease.
    expect(hook(plain, 'pre-edit', edit('b', join(tmpdir(), 'elsewhere.md'))).code).toBe(0);
  });

  it('hook-paths.mjs: the repository paths a shell command visibly writes, and none it only reads', () => {
    const { second } = twoWorktrees();
    const writes = (command: string) => {
      const ran = spawnSync(process.execPath, [join(dir, 'hook-paths.mjs'), second, 'bash'], {
        input: JSON.stringify({ cwd: second, tool_input: { command } }),
        encoding: 'utf8',
      });
      expect(ran.status, ran.stderr).toBe(0);
      return ran.stdout.split('\n').filter((l) => l !== '');
    };
    const cases: [string, string[]][] = [
      ["sed -i 's/a/b/' src/app.ts", ['src/app.ts']],
      ['sed -n p src/app.ts', []],
      ['cat src/app.ts | grep x > out.txt 2>&1', ['out.txt']],
      ['echo hi >> src/app.ts && cat src/other.ts', ['src/app.ts']],
      ["cat > src/new.ts <<'EOF'\nrm src/app.ts\nEOF\necho done", ['src/new.ts']],
      ["cd src && perl -pi -e 's/a/b/' app.ts other.ts missing.ts", ['src/app.ts', 'src/other.ts']],
      ['mv src/app.ts lib/app.ts', ['lib/app.ts', 'src/app.ts']],
      ['cp src/app.ts src/other.ts', ['src/other.ts']],
      ['cp src/app.ts src/other.ts .', ['app.ts', 'other.ts']],
      ['git checkout -- src/app.ts; git rm -q src/other.ts', ['src/app.ts', 'src/other.ts']],
      ['npx prettier --write src/app.ts', ['src/app.ts']],
      ['echo x | tee -a src/app.ts >/dev/null', ['src/app.ts']],
      ['FOO=1 sudo touch src/t.ts', ['src/t.ts']],
      ['rm -f /tmp/elsewhere .git/index $HOME/x src/*.ts', []],
      ['git checkout main && npm run format', []],
    ];
    for (const [command, paths] of cases) expect(writes(command), command).toEqual(paths);
  });

  it('its README steps run as printed', () => {
    const text = readFileSync(join(dir, 'README.md'), 'utf8');
    const body = /```sh\n([\s\S]*?)```/.exec(text)![1]!;
    const block: ReadmeBlock = { index: 0, lang: 'sh', body, line: 0 };
    const project = mkdtempSync(join(tmpdir(), 'leasehold-hooks-readme-'));
    git(project, ['init', '-q']);
    const steps = commands(block);
    const expected = [null, 0, 2, 2, 0, null, 0];
    expect(steps).toHaveLength(expected.length);
    for (const [i, command] of steps.entries()) {
      const ran = spawnSync(
        'bash',
        ['-c', command.replace('./leasehold-hook.sh', JSON.stringify(HOOK))],
        {
          cwd: project,
          encoding: 'utf8',
          timeout: HOOK_MS_MAX,
          env: { ...cleanEnv(), CLAUDE_PROJECT_DIR: project, LEASEHOLD_BIN: BIN },
        },
      );
      expect(ran.status, `${command}\n${ran.stderr}`).toBe(0);
      const shown = /exit (\d+)/.exec(ran.stdout)?.[1];
      expect(shown === undefined ? null : Number(shown), command).toBe(expected[i]);
    }
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe('.leasehold/\n');
  });
});
