import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
/** The scripts behind `npm run bench:*`, `bugs` and `mutation:scores`, and their npm names. */
const SCRIPTS: readonly [string, string][] = [
  ['bench-core.ts', 'bench:core'],
  ['bench-dst.ts', 'bench:dst'],
  ['bench-model.ts', 'bench:model'],
  ['bench-store.ts', 'bench:store'],
  ['bench-zoo.ts', 'bench:zoo'],
  ['bench-pool.ts', 'bench:pool'],
  ['bench-http.ts', 'bench:http'],
  ['bench-cli.ts', 'bench:cli'],
  ['production-bugs.ts', 'bugs'],
  ['mutation-scores.ts', 'mutation:scores'],
];

function script(file: string, args: readonly string[]) {
  return spawnSync(
    process.execPath,
    ['--conditions=@leasehold/source', '--import', 'tsx', join('scripts', file), ...args],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
}

describe('benchmark and report scripts: flags defined once, unknown ones refused (64)', () => {
  for (const [file, name] of SCRIPTS) {
    it(`npm run ${name}: --help prints its flags; an unknown flag exits 64 naming it`, () => {
      const help = script(file, ['--help']);
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: npm run ${name} -- \\[options\\]`));
      const unknown = script(file, ['--no-such-flag']);
      expect(unknown.status).toBe(64);
      expect(unknown.stderr).toContain(`${name}: unknown option '--no-such-flag'`);
    });
  }

  it('a number flag refuses what is not a positive whole number', () => {
    const bad = script('bench-core.ts', ['--runs', '0']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('bench:core: --runs needs a positive whole number (got "0")');
  });
});
