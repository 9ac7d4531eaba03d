import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The `leasehold` binary of this checkout (it runs the sources through tsx). */
export const BIN = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'leasehold.js');
/** A server that has not said where it listens within this long is broken, not slow. */
const START_MS_MAX = 60_000;

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout (its JSON log lines) and stderr so far. */
  stdout(): string;
  stderr(): string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface Answer {
  readonly status: number;
  // Tests read fields of many reply shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'leasehold-server-')), 'leases.db');
}

/** Starts `leasehold serve --port 0 ...` as a real process and waits for its URL. */
export async function startServerProcess(
  args: readonly string[],
  cwd: string = process.cwd(),
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${START_MS_MAX} ms:\n${err}`)),
      START_MS_MAX,
    );
    const look = () => {
      const match = /serving on (http:\/\/\S+)/.exec(err);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${err}`));
    });
  });
  const request = async (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (metrics): the text
    }
    return { status: response.status, body: parsed };
  };
  return {
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    post: (path, body, headers) => request('POST', path, body, headers),
    get: (path, headers) => request('GET', path, undefined, headers),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
