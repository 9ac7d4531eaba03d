import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICE_EXIT_MS_MAX, SERVICE_READY_MS_MAX } from './limits';

const SERVE_SCRIPT = fileURLToPath(new URL('./serve-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceChild {
  readonly url: string;
  /** SIGTERM, then wait for the exit (SIGKILL past SERVICE_EXIT_MS_MAX); the exit code. */
  stop(): Promise<number | string>;
}

/** Starts serve-process.ts in its own process and waits for the address it prints. */
export async function startServiceChild(args: readonly string[]): Promise<ServiceChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@leasehold/source', '--import', 'tsx', SERVE_SCRIPT, ...args],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1));
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service ${args[0]} did not start within ${SERVICE_READY_MS_MAX} ms`));
    }, SERVICE_READY_MS_MAX);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service ${args[0]} exited (${code}) before it listened`));
    });
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), SERVICE_EXIT_MS_MAX);
      const code = await exited;
      clearTimeout(timer);
      lines.close();
      return code;
    },
  };
}
