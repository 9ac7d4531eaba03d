import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, type ReadmeBlock } from './readme-blocks';

// examples/agent-hooks: the hook script through a session's lifecycle, as Claude Code runs it
// (the hook's JSON on stdin), against a local file; and its README's steps as printed.

const root = join(import.meta.dirname, '..');
const dir = join(root, 'examples', 'agent-hooks');
const HOOK = join(dir, 'leasehold-hook.sh');
// LEASEHOLD_BIN is split on spaces by the hook, as a user's `npx leasehold` would be.
const BIN = `${process.execPath} ${join(root, 'packages', 'cli', 'bin', 'leasehold.js')}`;
/** A cap, not an expectation: each hook starts the CLI, on a possibly loaded machine. */
const HOOK_MS_MAX = 120_000;

function hook(project: string, event: string, session: string, env: Record<string, string> = {}) {
  const ran = spawnSync(HOOK, [event], {
    input: JSON.stringify({ session_id: session, hook_event_name: event }),
    cwd: project,
    encoding: 'utf8',
    timeout: HOOK_MS_MAX,
    env: { ...cleanEnv(), CLAUDE_PROJECT_DIR: project, LEASEHOLD_BIN: BIN, ...env },
  });
  return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('LEASEHOLD_')),
  );
}

describe('examples/agent-hooks: a coding session held to one lease', { timeout: 600_000 }, () => {
  it('claim at start, gate before edits (blocking another session with exit 2), heartbeat, release at end', () => {
    const project = mkdtempSync(join(tmpdir(), 'leasehold-hooks-'));
    const env = { LEASEHOLD_RESOURCE: 'branch:main' };
    const start = hook(project, 'session-start', 'a', env);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('claimed branch:main as claude-a');
    expect(hook(project, 'pre-edit', 'a', env).code).toBe(0);
    const other = hook(project, 'session-start', 'b', env);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('held by claude-a');
    const blocked = hook(project, 'pre-edit', 'b', env);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('held by claude-a');
    expect(hook(project, 'post-tool', 'a', env).code).toBe(0);
    expect(hook(project, 'session-end', 'a', env).code).toBe(0);
    // The lease is free: b's next edit claims it.
    expect(hook(project, 'pre-edit', 'b', env).code).toBe(0);
    const lost = hook(project, 'post-tool', 'a', env);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain('stop editing branch:main');
  });

  it('the resource defaults to the git branch, or the project directory outside git', () => {
    const project = mkdtempSync(join(tmpdir(), 'leasehold-hooks-'));
    spawnSync('git', ['init', '-q', '-b', 'feature/x', project]);
    expect(hook(project, 'session-start', 'a').stdout).toContain('claimed branch:feature/x');
    const plain = mkdtempSync(join(tmpdir(), 'leasehold-hooks-'));
    expect(hook(plain, 'session-start', 'a').stdout).toMatch(/claimed project:leasehold-hooks-/);
  });

  it('its README steps run as printed', () => {
    const text = readFileSync(join(dir, 'README.md'), 'utf8');
    const body = /```sh\n([\s\S]*?)```/.exec(text)![1]!;
    const block: ReadmeBlock = { index: 0, lang: 'sh', body, line: 0 };
    const project = mkdtempSync(join(tmpdir(), 'leasehold-hooks-'));
    const expected = [0, 2, 0, 0];
    for (const [i, command] of commands(block).entries()) {
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
      if (shown !== undefined) expect(Number(shown), command).toBe(expected[i]);
    }
  });
});
