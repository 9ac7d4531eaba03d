import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_BUGS } from '../scripts/production-bugs/bugs';

const root = join(import.meta.dirname, '..');

/**
 * Each production bug is a one-place edit: its text occurs exactly once in the file it names, so
 * the code it breaks is the code that ships (checked here in seconds; the sweeps over each bug run
 * last in `npm test`).
 */
describe('production bugs: every edit still applies to the code as it is', () => {
  it.each(PRODUCTION_BUGS.map((bug) => [bug.id, bug] as const))('%s', (_id, bug) => {
    const source = readFileSync(join(root, bug.file), 'utf8');
    expect(source.split(bug.find).length - 1, `${bug.find} in ${bug.file}`).toBe(1);
    expect(bug.replace).not.toBe(bug.find);
  });
});
