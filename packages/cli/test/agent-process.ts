import { spawn } from 'node:child_process';
import { BIN } from '../../server/test/server-process.js';

/** What one `leasehold` process did. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last line of stdout, parsed (a --json answer). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

/** The test's environment without LEASEHOLD_* settings: each test names its own. */
export function withoutLeaseholdVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('LEASEHOLD_')));
}

/** One agent command as a process of its own, as a hook runs it, with `env` added. */
export function leasehold(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...withoutLeaseholdVars(process.env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) =>
    child.once('close', (code) =>
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout.trim().split('\n').at(-1)!) }),
    ),
  );
}
