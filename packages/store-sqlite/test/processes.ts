import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./fixtures/sqlite-worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Worker {
  readonly child: ChildProcess;
  /** JSON lines printed so far. */
  readonly lines: Array<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  /** Resolves once at least `n` lines were printed. */
  linesAtLeast(n: number): Promise<void>;
}

/** Starts the worker script in a separate Node process (through tsx, no build step). */
export function startWorker(args: readonly string[]): Worker {
  const child = spawn(
    process.execPath,
    ['--conditions=@leasehold/source', '--import', 'tsx', WORKER, ...args],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) if (part !== '') lines.push(JSON.parse(part));
    for (const waiter of waiters) if (lines.length >= waiter.n) waiter.resolve();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`worker ${args.join(' ')}: ${stderr}`);
      for (const waiter of waiters) waiter.resolve();
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    exited,
    linesAtLeast: (n) =>
      new Promise<void>((resolve) => {
        if (lines.length >= n || child.exitCode !== null) resolve();
        else waiters.push({ n, resolve });
      }),
  };
}
