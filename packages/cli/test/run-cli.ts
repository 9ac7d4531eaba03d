import { join } from 'node:path';
import { runCli, type CliIo } from '@leasehold/cli';

/** The repository root: the CLI's working directory in tests. */
export const root = join(import.meta.dirname, '..', '..', '..');

/** Runs the CLI in-process and collects what it printed; `json()` parses stdout's last line. */
export async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    cwd: root,
    interactive: false,
    color: false,
  };
  const code = await runCli(argv, io);
  const stdout = out.join('');
  return {
    code,
    stdout,
    stderr: err.join(''),
    json: () => JSON.parse(stdout.trimEnd().split('\n').at(-1)!),
  };
}
