import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ProductionBug } from './bugs';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * A copy of the workspace's packages with one production bug written into its source, beside
 * the repository's own dependencies (linked, not copied): the code the sweep then runs is the
 * edited code, exactly as a developer's slip would leave it.
 */
export function buggyWorkspace(bug: ProductionBug): string {
  const dir = mkdtempSync(join(tmpdir(), `leasehold-${bug.id}-`));
  const packages = join(ROOT, 'packages');
  cpSync(packages, join(dir, 'packages'), {
    recursive: true,
    // Sources only: tests and nested installs stay behind.
    filter: (source) => !/(^|[\\/])(node_modules|test)([\\/]|$)/.test(relative(packages, source)),
  });
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@leasehold'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '@leasehold' || name === '.bin' || name.startsWith('.package-lock')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  for (const name of readdirSync(join(dir, 'packages'))) {
    symlinkSync(join(dir, 'packages', name), join(modules, '@leasehold', name));
  }
  const file = join(dir, bug.file);
  const source = readFileSync(file, 'utf8');
  const at = source.indexOf(bug.find);
  if (at < 0 || source.indexOf(bug.find, at + 1) >= 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${bug.id}: the text to replace must occur exactly once in ${bug.file}`);
  }
  writeFileSync(file, source.slice(0, at) + bug.replace + source.slice(at + bug.find.length));
  return dir;
}

export interface SweepOutcome {
  readonly exitCode: number;
  /**
   * What the sweep reported, in plan order: invariant ids, `spec`, or `crash` (the expected I-1/I-2
   * reports of assumption-breaking scenarios left out).
   */
  readonly reported: readonly string[];
  readonly runs: number;
  readonly stderr: string;
}

/**
 * Runs `leasehold dst run --json` in `dir` (the default sweep unless `args` narrow it) and reads
 * back what it reported.
 */
export async function sweep(dir: string, args: readonly string[]): Promise<SweepOutcome> {
  const child = spawn(
    process.execPath,
    [join(dir, 'packages', 'cli', 'bin', 'leasehold.js'), 'dst', 'run', '--json', ...args],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exitCode = await new Promise<number>((resolve) =>
    child.once('exit', (code) => resolve(code ?? -1)),
  );
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  let summary: { seeds?: number; violations?: { invariant: string; expected: boolean }[] } = {};
  try {
    summary = JSON.parse(last) as typeof summary;
  } catch {
    // No summary: the sweep itself failed; the exit code and stderr say why.
  }
  return {
    exitCode,
    // Assumption-breaking scenarios report I-1/I-2 on purpose: those are not the bug's.
    reported: (summary.violations ?? []).filter((v) => !v.expected).map((v) => v.invariant),
    runs: summary.seeds ?? 0,
    stderr,
  };
}
