import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '@leasehold/cli';
import { main as clientBasics } from '../examples/client-basics';
import { outcomes } from '../examples/my-lease';

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
});
