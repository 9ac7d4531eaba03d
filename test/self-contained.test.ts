import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The repository's documents and comments stand alone: they cite the project's own documents
 * (CONSTRAINTS.md, spec/README.md, the README's sections) or state the rule in place, never a
 * document outside the repository that a user of the project never sees. The names are built here
 * so that this file does not cite them itself.
 */
const root = join(import.meta.dirname, '..');
const OUTSIDE = [['..', 'shared'].join('/'), ['DESIGN', 'md'].join('.'), ['STYLE', 'md'].join('.')];

/** The lines of `text` that cite a document outside the repository, as `path:line: text`. */
function citations(path: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) =>
      OUTSIDE.some((name) => line.includes(name)) ? [`${path}:${i + 1}: ${line.trim()}`] : [],
    );
}

/**
 * Every file git tracks, and every new one it would (not ignored), so a file is checked before it
 * is added; a file deleted in the work tree is gone, and nothing under node_modules is the
 * project's.
 */
function repositoryFiles(): string[] {
  const listed = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  expect(listed.status, listed.stderr).toBe(0);
  const paths = new Set(listed.stdout.split('\0').filter((p) => p !== ''));
  return [...paths]
    .filter((p) => !p.split('/').includes('node_modules'))
    .filter((p) => {
      try {
        return lstatSync(join(root, p)).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

describe('self-contained: no file cites a document outside the repository', () => {
  it('the scan sees the project: the README, CONSTRAINTS.md, spec/ and this file', () => {
    const files = repositoryFiles();
    const expected = [
      'README.md',
      'CONSTRAINTS.md',
      'spec/README.md',
      'test/self-contained.test.ts',
    ];
    for (const path of expected) expect(files).toContain(path);
  });

  it('a citation is found, with its file and line (the check is not vacuous)', () => {
    const text = `first line\nsee ${OUTSIDE[1]} section 3\n`;
    expect(citations('x.ts', text)).toEqual([`x.ts:2: see ${OUTSIDE[1]} section 3`]);
    for (const name of OUTSIDE) expect(citations('y.md', name)).toHaveLength(1);
  });

  it('no file names the shared folder, or the design or style document kept in it', () => {
    const found = repositoryFiles().flatMap((path) =>
      citations(path, readFileSync(join(root, path), 'utf8')),
    );
    expect(found, `cite the project's own documents instead:\n${found.join('\n')}`).toEqual([]);
  });
});
