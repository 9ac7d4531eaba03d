import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INVARIANTS } from '@leasehold/core';
import { describe, expect, it } from 'vitest';

/** CONSTRAINTS.md C-6: invariant ids and names may not drift between the places that use them. */
const root = join(import.meta.dirname, '..');

function files(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

const testSources = files(root, '.test.ts').map((f) => readFileSync(f, 'utf8'));
const constraints = readFileSync(join(root, 'CONSTRAINTS.md'), 'utf8');
const specReadme = readFileSync(join(root, 'spec', 'README.md'), 'utf8');
/** Titles of it()/describe() calls, as written (first string argument). */
const titles = testSources.flatMap((src) =>
  [...src.matchAll(/\b(?:it|describe)\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2] ?? ''),
);

describe('C-6: invariant ids and names are traced from spec to code to test titles', () => {
  for (const { id, name } of INVARIANTS) {
    it(`${id} ${name} appears in CONSTRAINTS.md and spec/README.md with the same name`, () => {
      const row = new RegExp(`\\|\\s*${id}\\s*\\|\\s*\`?${name}\`?\\s*\\|`);
      expect(constraints).toMatch(row);
      expect(specReadme).toMatch(row);
    });

    it(`${id}'s simulator check lives in the file CONSTRAINTS.md names`, () => {
      const row = constraints.split('\n').find((l) => new RegExp(`^\\|\\s*${id}\\s*\\|`).test(l))!;
      const file = /`([\w-]+\.ts)`/.exec(row)?.[1];
      expect(file, row).toBeDefined();
      const source = readFileSync(join(root, 'packages', 'sim', 'src', 'checker', file!), 'utf8');
      expect(source).toContain(`${id} ${name}`);
    });

    it(`${id} is named by at least one test title`, () => {
      const named = titles.filter((t) => new RegExp(`\\b${id}\\b`).test(t));
      expect(named.length).toBeGreaterThan(0);
    });
  }

  it('no document names an invariant id with a different name', () => {
    const known = new Map<string, string>(INVARIANTS.map((i) => [i.id, i.name]));
    for (const text of [constraints, specReadme]) {
      for (const m of text.matchAll(/\|\s*(I-\d+)\s*\|\s*`?(\w+)`?\s*\|/g)) {
        expect(known.get(m[1]!), `${m[1]} is unknown`).toBeDefined();
        expect(m[2]).toBe(known.get(m[1]!));
      }
    }
  });
});
