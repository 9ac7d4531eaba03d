import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  startServerProcess,
  type ServerProcess,
} from '../packages/server/test/server-process';

// examples/mcp: each configuration as an MCP client reads it (its `${VAR}` and `${VAR:-default}`
// settings filled in from the environment), started exactly as written, its tools called.

const dir = join(import.meta.dirname, '..', 'examples', 'mcp');
/** A cap on one MCP request, not an expectation: the agent is a process on a loaded machine. */
const CALL_MS_MAX = 120_000;

interface ServerEntry {
  readonly command?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly type?: string;
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The `leasehold` entry of a configuration file of the example. */
function entry(file: string): ServerEntry {
  const config = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    mcpServers: Record<string, ServerEntry>;
  };
  expect(Object.keys(config.mcpServers)).toEqual(['leasehold']);
  return config.mcpServers.leasehold!;
}

/** `${NAME}` and `${NAME:-default}` filled in from `env`, as the client expands them. */
function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback === undefined) throw new Error(`\${${name}} is not set and has no default`);
    return fallback;
  });
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('LEASEHOLD_') && !k.startsWith('GIT_') && v !== undefined) env[k] = v;
  return env;
}

/** Starts the stdio entry as written; `npx leasehold` is this checkout's binary. */
async function startStdio(cwd: string, settings: Record<string, string>): Promise<Client> {
  const server = entry('.mcp.json');
  expect([server.command, ...(server.args ?? [])]).toEqual(['npx', 'leasehold', 'mcp']);
  const env = Object.fromEntries(
    Object.entries(server.env ?? {}).map(([k, v]) => [k, expand(v, settings)]),
  );
  const client = new Client({ name: 'leasehold-example-test', version: '0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, ...(server.args ?? []).slice(1)],
      cwd,
      env: { ...cleanEnv(), ...env },
      stderr: 'ignore',
    }),
    { timeout: CALL_MS_MAX },
  );
  return client;
}

async function claim(client: Client, resource: string): Promise<string> {
  const result = await client.callTool(
    { name: 'claim', arguments: { resources: [resource] } },
    undefined,
    { timeout: CALL_MS_MAX },
  );
  const text = (result.content as { text: string }[])[0]!.text;
  expect(result.isError, text).not.toBe(true);
  return text;
}

describe('examples/mcp: the configurations start as written', { timeout: 300_000 }, () => {
  let open: ServerProcess;
  let keyed: ServerProcess;
  const cwd = mkdtempSync(join(tmpdir(), 'leasehold-mcp-example-'));
  const key = 'key-example-agent-0123456789';
  const clients: Client[] = [];
  beforeAll(async () => {
    writeFileSync(
      join(cwd, 'keys.json'),
      JSON.stringify({ keys: [{ key, holder: 'agent-http' }] }),
    );
    open = await startServerProcess(['--db', join(cwd, 'open.db'), '--log-level', 'warn']);
    keyed = await startServerProcess([
      '--db',
      join(cwd, 'keyed.db'),
      '--auth-file',
      join(cwd, 'keys.json'),
      '--log-level',
      'warn',
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.close();
    await open.stop();
    await keyed.stop();
  });

  it('.mcp.json with LEASEHOLD_URL: the agent its LEASEHOLD_AGENT names claims on the service', async () => {
    const client = await startStdio(cwd, {
      LEASEHOLD_AGENT: 'agent-x',
      LEASEHOLD_URL: open.url,
    });
    clients.push(client);
    expect(await claim(client, 'src/app.ts')).toContain('claimed src/app.ts as agent-x');
    const status = await open.get(`/v1/leases/${encodeURIComponent('src/app.ts')}`);
    expect(status.body).toMatchObject({ status: 'held', holder: 'agent-x' });
  });

  it(".mcp.json with nothing set: agent claude, in the git repository's own file", async () => {
    const project = mkdtempSync(join(tmpdir(), 'leasehold-mcp-example-git-'));
    const git = spawnSync('git', ['init', '-q', project], { env: cleanEnv(), encoding: 'utf8' });
    expect(git.status, git.stderr).toBe(0);
    const client = await startStdio(project, {});
    clients.push(client);
    expect(await claim(client, 'branch:main')).toContain('claimed branch:main as claude');
    expect(existsSync(join(project, '.git', 'leasehold', 'leases.db'))).toBe(true);
  });

  it("http.mcp.json: the service's /mcp, the API key's holder as the agent", async () => {
    const server = entry('http.mcp.json');
    expect(server.type).toBe('http');
    const settings = { LEASEHOLD_URL: keyed.url, LEASEHOLD_API_KEY: key };
    const headers = Object.fromEntries(
      Object.entries(server.headers ?? {}).map(([k, v]) => [k, expand(v, settings)]),
    );
    const client = new Client({ name: 'leasehold-example-test', version: '0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(expand(server.url!, settings)), {
        requestInit: { headers },
      }),
      { timeout: CALL_MS_MAX },
    );
    clients.push(client);
    expect(await claim(client, 'docs/guide.md')).toContain('claimed docs/guide.md as agent-http');
  });
});
