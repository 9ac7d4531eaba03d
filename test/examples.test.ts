import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@leasehold/cli';
import { main as clientBasics } from '../examples/client-basics';
import { outcomes } from '../examples/my-lease';

const root = join(import.meta.dirname, '..');

describe('examples run as documented in the README', () => {
  it('client-basics acquires with a fencing token and releases', async () => {
    const lines: string[] = [];
    await clientBasics((line) => lines.push(line));
    expect(lines).toEqual(['granted token 1, believes: true', 'released: released']);
  });

  it('my-lease runs under the harness with --impl (bring your own implementation)', async () => {
    const err: string[] = [];
    const code = await runCli(
      [
        'dst',
        'run',
        '--impl',
        'examples/my-lease.ts',
        '--scenario',
        'swarm',
        '--seeds',
        '3',
        '--jobs',
        '1',
      ],
      {
        stdout: () => undefined,
        stderr: (t) => err.push(t),
        env: {},
        cwd: join(import.meta.dirname, '..'),
        interactive: false,
        color: false,
      },
    );
    expect(code).toBe(0);
    expect(outcomes.get('acquire:granted')).toBeGreaterThan(0);
  });

  it('the CI example (examples/ci/) runs its sweep command as written, at a small size', async () => {
    const workflow = readFileSync(join(root, 'examples', 'ci', 'github-actions-dst.yml'), 'utf8');
    const lines = workflow.split('\n');
    const start = lines.findIndex((l) => l.trim() === 'npx leasehold dst run');
    expect(start).toBeGreaterThan(0);
    const indent = lines[start]!.search(/\S/);
    const command: string[] = [];
    for (const line of lines.slice(start)) {
      if (line.trim() === '' || line.search(/\S/) < indent) break;
      command.push(line.trim());
    }
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-ci-example-'));
    const argv = command
      .join(' ')
      .replaceAll('${{ matrix.shard }}', '2')
      .replace('"0x${GITHUB_SHA::12}"', '0x99c948d94698')
      .replace('--seeds 1000', '--seeds 4')
      .replace('--trace-dir dst-traces', `--trace-dir ${join(dir, 'traces')}`)
      .replace('--output dst-junit/', `--output ${dir}/`)
      .split(' ')
      .slice(2);
    expect(argv.slice(0, 2)).toEqual(['dst', 'run']);
    const err: string[] = [];
    const code = await runCli(argv, {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
      env: {},
      cwd: root,
      interactive: false,
      color: false,
    });
    expect(code, err.join('')).toBe(0);
    const xml = readFileSync(join(dir, 'shard-2.xml'), 'utf8');
    expect(xml).toContain('<testsuites name="leasehold dst run"');
    expect(xml).toContain('shard 2/4');
  });
});
