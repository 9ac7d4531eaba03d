import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPOSITORY_DEPTH_MAX } from './limits.js';

/** Where, in a repository's common git directory, the agent commands keep their local file. */
export const REPOSITORY_DB_PATH = join('leasehold', 'leases.db');

/**
 * The local lease file of the git repository `cwd` is in: one file in the repository's common
 * git directory (`<common dir>/leasehold/leases.db`), so every worktree and every subdirectory of
 * one repository shares it, and two agents in two worktrees contend for the same leases. Null
 * outside a repository. Found by reading `.git` the way git does (a directory, or a file naming
 * a linked worktree's git directory, whose `commondir` names the shared one), without running git.
 */
export function repositoryDb(cwd: string): string | null {
  let dir = resolve(cwd);
  for (let depth = 0; depth < REPOSITORY_DEPTH_MAX; depth++) {
    const gitDir = gitDirAt(dir);
    if (gitDir !== null) return join(commonDir(gitDir), REPOSITORY_DB_PATH);
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  return null;
}

/** The git directory `dir/.git` stands for, or null when `dir` has none. */
function gitDirAt(dir: string): string | null {
  const dotGit = join(dir, '.git');
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dotGit).isDirectory();
  } catch {
    return null;
  }
  if (isDirectory) return dotGit;
  // A linked worktree or a submodule: `.git` is a file `gitdir: <path>`.
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
  return match === null ? null : resolve(dir, match[1]!);
}

/** The common git directory of `gitDir` (a linked worktree's names it in `commondir`). */
function commonDir(gitDir: string): string {
  const named = readText(join(gitDir, 'commondir'))?.trim();
  return named === undefined || named === '' ? gitDir : resolve(gitDir, named);
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
