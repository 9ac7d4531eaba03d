import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { LIST_LIMIT_MAX } from '@leasehold/api';
import { agentFailure } from '@leasehold/client';
import { assert } from '@leasehold/core';
import { agentCommand, failure, timeLeft, whereOf, type Outcome } from './agent-commands.js';
import {
  CONFIG_FILE_DEFAULT,
  readerContext,
  type AgentFlags,
  type ReaderContext,
} from './agent-context.js';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';
import { GIT_MS_MAX, GIT_OUTPUT_BYTES_MAX, GUARD_LIST_CALLS_MAX } from './limits.js';
import { wallNowMs } from './system-clock.js';

/*
 * `leasehold guard`: a git pre-commit hook. A commit that touches a path (added, modified,
 * deleted, or either name of a rename) that an agent other than this one holds is refused, with
 * the holder and the time left; paths are relative to the repository root, the names the agents
 * lease. The edit gates of an agent's hooks cannot see every write (a shell command, a script, a
 * person's editor); the commit is where every write shows, so this is the gate of last resort.
 * It reads the staged paths from git and the held leases in one bounded listing, never a call
 * per path: a commit of ten thousand files costs what a commit of one does.
 */

/** The line that marks a pre-commit hook as ours: --install replaces only such a hook. */
const HOOK_MARK = 'installed by `leasehold guard --install`';

interface GuardValues extends AgentFlags {
  readonly install?: boolean;
  readonly force?: boolean;
}

/** What the guard needs of a held lease (a row of the service's listing). */
interface HeldLease {
  readonly resource: string;
  readonly holder: string | null;
  readonly token: number;
  readonly expires_at: string | null;
  readonly expires_at_ms: number | null;
}

/** The guard, for `createProgram` (with the agent commands: their flags, exit codes, context). */
export function guardCommand(io: CliIo, done: Done): Command {
  return agentCommand<ReaderContext, GuardValues>(
    'guard',
    'git pre-commit hook: refuse a commit that touches a path another agent holds (--install writes the hook)',
    io,
    done,
    readerContext,
    guard,
  )
    .option(
      '--install',
      "write the repository's pre-commit hook (where git looks for it: worktrees and core.hooksPath too)",
    )
    .option('--force', "with --install: replace a pre-commit hook that is not leasehold's");
}

async function guard(
  context: ReaderContext,
  values: GuardValues,
  _args: string[],
  io: CliIo,
): Promise<Outcome> {
  if (values.install === true) return install(io, values.force === true);
  if (values.force === true)
    throw new UsageError('--force replaces an existing pre-commit hook: use it with --install');
  const paths = touchedPaths(
    git(io, ['diff', '--cached', '--name-status', '-z', '--no-relative', '-M']),
  );
  const where = whereOf(context.backend);
  if (paths.length === 0)
    return {
      code: EXIT.ok,
      text: '',
      json: { agent: context.agent, paths: 0, refused: [], ...where },
    };
  const listed = await heldLeases(context);
  if (!('held' in listed)) return listed;
  const refused = paths.flatMap((path) => {
    const lease = listed.held.get(path);
    if (lease === undefined || lease.holder === null || lease.holder === context.agent) return [];
    const leftMs =
      lease.expires_at_ms === null ? 0 : Math.max(0, lease.expires_at_ms - wallNowMs());
    return [
      {
        path,
        holder: lease.holder,
        token: lease.token,
        expires_at: lease.expires_at,
        time_left_ms: leftMs,
      },
    ];
  });
  const json = {
    agent: context.agent,
    paths: paths.length,
    refused,
    complete: listed.complete,
    ...where,
  };
  const lines = refused.map(
    (r) =>
      `leasehold guard: ${r.path} is held by ${r.holder} (token ${r.token}) for another ${timeLeft(r.time_left_ms)}: commit refused; wait, or ask ${r.holder} to release it`,
  );
  if (refused.length > 0 && context.agent === null)
    lines.push(
      `leasehold guard: no agent named (--agent, LEASEHOLD_AGENT or "agent" in ${CONFIG_FILE_DEFAULT}), so a path held by any agent refuses the commit`,
    );
  if (!listed.complete)
    lines.push(
      `leasehold guard: the lease space holds more held leases than the guard reads (${GUARD_LIST_CALLS_MAX} listings of ${LIST_LIMIT_MAX}), so a staged path may be held unseen: commit refused; release leases no one needs (leasehold cleanup, release-holder), or commit with --no-verify`,
    );
  return { code: lines.length === 0 ? EXIT.ok : EXIT.refused, text: lines.join('\n'), json };
}

/**
 * The paths a commit touches, from `git diff --cached --name-status -z`: one path after a status
 * letter, two after a rename (both names: the old one disappears, the new one appears) or a copy
 * (only the new one is touched). Sorted, each once.
 */
export function touchedPaths(nameStatus: string): string[] {
  const fields = nameStatus.split('\0');
  const paths = new Set<string>();
  let at = 0;
  while (at < fields.length && fields[at] !== '') {
    const status = fields[at]!;
    const named = status.startsWith('R') || status.startsWith('C') ? 2 : 1;
    const names = fields.slice(at + 1, at + 1 + named);
    assert(names.length === named, `git diff --name-status -z: ${status} without its paths`);
    for (const name of status.startsWith('C') ? names.slice(1) : names) paths.add(name);
    at += 1 + named;
  }
  return [...paths].sort();
}

/**
 * Every held lease, by resource: listings of at most LIST_LIMIT_MAX, paged, at most
 * GUARD_LIST_CALLS_MAX of them (`complete` false when the lease space had more).
 */
async function heldLeases(
  context: ReaderContext,
): Promise<{ held: Map<string, HeldLease>; complete: boolean } | Outcome> {
  const held = new Map<string, HeldLease>();
  let after: string | null = null;
  for (let call = 0; call < GUARD_LIST_CALLS_MAX; call++) {
    const query: Record<string, string> = { status: 'held', limit: String(LIST_LIMIT_MAX) };
    if (after !== null) query.after = after;
    const answer = await context.api.call('list', { query }, context.requestMs);
    if (answer.kind !== 'reply' || answer.status !== 200)
      return failure(agentFailure(answer), 'guard: list of held leases');
    for (const lease of answer.body.leases) held.set(lease.resource, lease);
    after = answer.body.next;
    if (after === null) return { held, complete: true };
  }
  return { held, complete: false };
}

/** Runs git in the working directory (the hook's environment: its index, its repository). */
function git(io: CliIo, args: readonly string[]): string {
  const ran = spawnSync('git', args, {
    cwd: io.cwd,
    env: { ...io.env },
    encoding: 'utf8',
    maxBuffer: GIT_OUTPUT_BYTES_MAX,
    timeout: GIT_MS_MAX,
  });
  if (ran.error !== undefined)
    throw new UsageError(`guard: git ${args[0]} could not run: ${ran.error.message}`);
  if (ran.status !== 0)
    throw new UsageError(`guard: git ${args.join(' ')} failed in ${io.cwd}: ${ran.stderr.trim()}`);
  return ran.stdout;
}

/**
 * `--install`: writes the pre-commit hook where git looks for it (`git rev-parse --git-path
 * hooks`: the common git directory's for every worktree, or core.hooksPath). A hook that is not
 * ours stays unless --force: it may be a person's.
 */
function install(io: CliIo, force: boolean): Outcome {
  const hooks = resolve(io.cwd, git(io, ['rev-parse', '--git-path', 'hooks']).trim());
  const file = join(hooks, 'pre-commit');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const ours = existing?.includes(HOOK_MARK) ?? false;
  if (existing !== null && !ours && !force) {
    return {
      code: EXIT.refused,
      text: `leasehold guard: ${file} is a pre-commit hook that leasehold did not install: left as it is; add the line "npx leasehold guard || exit 1" to it, or replace it with --install --force`,
      json: { hook: file, installed: false },
    };
  }
  mkdirSync(hooks, { recursive: true });
  writeFileSync(file, hookScript());
  chmodSync(file, 0o755);
  const replaced = existing !== null && !ours ? ' (the hook that was there is replaced)' : '';
  return {
    code: EXIT.ok,
    text: `installed ${file}${replaced}: a commit that touches a path another agent holds is refused (the agent committing: LEASEHOLD_AGENT, or "agent" in ${CONFIG_FILE_DEFAULT})`,
    json: { hook: file, installed: true, replaced: existing !== null && !ours },
  };
}

/** The hook: this installation's binary, or `npx leasehold` once that is gone. */
function hookScript(): string {
  const bin = fileURLToPath(new URL('../bin/leasehold.js', import.meta.url));
  return `#!/bin/sh
# leasehold guard, ${HOOK_MARK}:
# refuses a commit that touches a path another agent holds
# (the agent committing: LEASEHOLD_AGENT, or "agent" in ${CONFIG_FILE_DEFAULT}).
node=${shellQuote(process.execPath)}
bin=${shellQuote(bin)}
if [ -x "$node" ] && [ -f "$bin" ]; then exec "$node" "$bin" guard; fi
if [ -f "$bin" ] && command -v node >/dev/null; then exec node "$bin" guard; fi
exec npx --no-install leasehold guard
`;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
