import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';

// `leasehold mcp` and the service's /mcp, through the MCP SDK's own client, against real
// processes: the CLI's binary over stdio, and `leasehold serve` over Streamable HTTP.

/** A cap on one MCP request, not an expectation: each agent is a process on a loaded machine. */
const CALL_MS_MAX = 120_000;

interface ToolResult {
  readonly text: string;
  readonly isError: boolean;
  // Tests read fields of each tool's structured answer.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data: any;
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolResult> {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    timeout: CALL_MS_MAX,
  });
  const content = result.content as { type: string; text?: string }[];
  return {
    text: content.map((c) => c.text ?? '').join('\n'),
    isError: result.isError === true,
    data: result.structuredContent,
  };
}

/** The test's environment without LEASEHOLD_* settings: each agent names its own. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('LEASEHOLD_') && v !== undefined) env[k] = v;
  return env;
}

interface StdioAgent {
  readonly client: Client;
  stderr(): string;
}

/** `leasehold mcp <args>` as an MCP client starts it: a process speaking MCP on stdio. */
async function stdioAgent(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<StdioAgent> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...args],
    cwd,
    env: { ...cleanEnv(), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'leasehold-test', version: '0' });
  await client.connect(transport, { timeout: CALL_MS_MAX });
  return { client, stderr: () => stderr };
}

function leasehold(cwd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('leasehold mcp over stdio, against a real lease server', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  const agents: StdioAgent[] = [];
  const cwd = mkdtempSync(join(tmpdir(), 'leasehold-mcp-'));
  let a: Client;
  let b: Client;
  const start = async (agent: string) => {
    const started = await stdioAgent(cwd, ['--agent', agent, '--server', server.url]);
    agents.push(started);
    return started;
  };
  beforeAll(async () => {
    server = await startServerProcess(['--db', join(cwd, 'server.db'), '--log-level', 'warn']);
    a = (await start('agent-a')).client;
    b = (await start('agent-b')).client;
  }, 300_000);
  afterAll(async () => {
    for (const agent of agents) await agent.client.close();
    await server.stop();
  });

  test('it offers every lease tool, each with a description, and names the agent on stderr', async () => {
    const { tools } = await a.listTools(undefined, { timeout: CALL_MS_MAX });
    expect(tools.map((t) => t.name)).toEqual([
      'claim',
      'renew',
      'release',
      'gate',
      'list',
      'status',
      'force_release',
      'release_holder',
    ]);
    for (const tool of tools) expect(tool.description?.length, tool.name).toBeGreaterThan(60);
    expect(agents[0]!.stderr()).toContain(`serving lease tools to agent-a over MCP on stdio`);
  });

  test("one agent claims; the other's claim is refused naming the holder and the time left; gate tells each", async () => {
    const claimed = await call(a, 'claim', { resources: ['src/app.ts'], ttl: '30m' });
    expect(claimed.isError, claimed.text).toBe(false);
    expect(claimed.text).toContain('claimed src/app.ts as agent-a');
    expect(claimed.data.leases).toEqual([
      expect.objectContaining({ resource: 'src/app.ts', token: 1, ttl_ms: 1_800_000 }),
    ]);
    const refused = await call(b, 'claim', { resources: ['src/app.ts'] });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(
      /^src\/app\.ts is held by agent-a \(token 1\) for another (29m\d+s|30m\d*s?); wait .*, or work on something else/,
    );
    expect(refused.data).toMatchObject({ holder: 'agent-a', token: 1, claimed: false });
    const mine = await call(a, 'gate', { resource: 'src/app.ts' });
    expect(mine.data).toMatchObject({ holds: true, token: 1 });
    expect(mine.text).toContain('agent-a holds src/app.ts (token 1) until ');
    const theirs = await call(b, 'gate', { resource: 'src/app.ts' });
    expect(theirs.data).toMatchObject({ holds: false, holder: 'agent-a', status: 'held' });
    expect(theirs.text).toContain('src/app.ts is held by agent-a (token 1) until ');
    expect(theirs.text).toContain('agent-b does not hold it');
  });

  test('renew, list, status with its history, release; then the other agent claims it', async () => {
    await call(a, 'claim', { resources: ['docs/spec.md'] });
    const renewed = await call(a, 'renew', { resources: ['docs/spec.md'], ttl: '10m' });
    expect(renewed.isError, renewed.text).toBe(false);
    expect(renewed.data.renewed).toEqual([expect.objectContaining({ resource: 'docs/spec.md' })]);
    const notMine = await call(b, 'renew', { resources: ['docs/spec.md'] });
    expect(notMine.isError).toBe(true);
    expect(notMine.text).toContain('agent-b holds no lease on docs/spec.md');
    const listed = await call(b, 'list', { holder: 'agent-a', prefix: 'docs/' });
    expect(listed.data.leases).toEqual([
      expect.objectContaining({ resource: 'docs/spec.md', holder: 'agent-a', status: 'held' }),
    ]);
    expect(listed.text).toMatch(/^held docs\/spec\.md: agent-a, token 1, expires /);
    const released = await call(a, 'release', { resources: ['docs/spec.md'] });
    expect(released.isError, released.text).toBe(false);
    expect(released.text).toContain('released docs/spec.md');
    const status = await call(b, 'status', { resource: 'docs/spec.md' });
    expect(status.data).toMatchObject({ status: 'free', last_holder: 'agent-a' });
    expect(status.data.history.map((e: { kind: string }) => e.kind)).toEqual([
      'granted',
      'renewed',
      'released',
    ]);
    expect(status.text).toContain('history, oldest first:');
    const next = await call(b, 'claim', { resources: ['docs/spec.md'] });
    expect(next.data.leases).toEqual([expect.objectContaining({ token: 2 })]);
  });

  test("claim with max_renewals and max_age: the lease's own limits, shown in list, enforced at renew", async () => {
    const claimed = await call(a, 'claim', {
      resources: ['limits/one.md'],
      ttl: '10m',
      max_renewals: 1,
      max_age: '1h',
    });
    expect(claimed.isError, claimed.text).toBe(false);
    const listed = await call(b, 'list', { prefix: 'limits/' });
    expect(listed.data.leases).toEqual([
      expect.objectContaining({
        resource: 'limits/one.md',
        max_renewals: 1,
        max_age_ms: 3_600_000,
      }),
    ]);
    expect((await call(a, 'renew', { resources: ['limits/one.md'] })).isError).toBe(false);
    const refused = await call(a, 'renew', { resources: ['limits/one.md'] });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('max_renewals 1');
  });

  test('a claim of three resources, one of them held, takes none of them (all or nothing)', async () => {
    expect((await call(a, 'claim', { resources: ['lib/b.ts'] })).isError).toBe(false);
    const refused = await call(b, 'claim', { resources: ['lib/c.ts', 'lib/a.ts', 'lib/b.ts'] });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('lib/b.ts is held by agent-a');
    expect(refused.text).toContain('none of the 3 resources was claimed');
    const held = await call(b, 'list', { prefix: 'lib/', status: 'held' });
    expect(held.data.leases.map((l: { resource: string }) => l.resource)).toEqual(['lib/b.ts']);
    // lib/a.ts was taken first (the canonical order), then given back when lib/b.ts was refused.
    const given = await call(b, 'status', { resource: 'lib/a.ts' });
    expect(given.data.history.map((e: { kind: string }) => e.kind)).toEqual([
      'granted',
      'released',
    ]);
    const gate = await call(b, 'gate', { resource: 'lib/a.ts' });
    expect(gate.data.holds).toBe(false);
  });

  test('admin: release_holder frees every lease of an agent that died', async () => {
    const dying = await start('agent-dead');
    const claimed = await call(dying.client, 'claim', {
      resources: ['dead/one.md', 'dead/two.md'],
    });
    expect(claimed.isError, claimed.text).toBe(false);
    await dying.client.close();
    const released = await call(a, 'release_holder', { holder: 'agent-dead' });
    expect(released.isError, released.text).toBe(false);
    expect(released.data).toMatchObject({ holder: 'agent-dead', complete: true });
    expect(released.data.released.map((r: { resource: string }) => r.resource).sort()).toEqual([
      'dead/one.md',
      'dead/two.md',
    ]);
    expect(released.text).toMatch(/^released 2 leases of agent-dead: /);
    expect((await call(b, 'claim', { resources: ['dead/one.md'] })).isError).toBe(false);
  });

  test('admin: force_release frees a lease only while its expected holder holds it', async () => {
    await call(a, 'claim', { resources: ['task/42'] });
    const wrong = await call(b, 'force_release', { resource: 'task/42', expected_holder: 'x' });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toContain('task/42 is held by agent-a, not x: nothing was released');
    const freed = await call(b, 'force_release', {
      resource: 'task/42',
      expected_holder: 'agent-a',
    });
    expect(freed.data).toMatchObject({ released: true, previous_holder: 'agent-a' });
    const lost = await call(a, 'renew', { resources: ['task/42'] });
    expect(lost.isError).toBe(true);
    expect(lost.text).toContain('task/42 is lost');
    expect(lost.text).toContain('stop working on it');
  });

  test('a duration without a unit is refused, saying which units to use', async () => {
    const bare = await call(a, 'claim', { resources: ['x'], ttl: '90' });
    expect(bare.isError).toBe(true);
    expect(bare.text).toContain('ttl needs a unit: "90s" for seconds');
    const short = await call(a, 'claim', { resources: ['x'], ttl: '5ms' });
    expect(short.isError).toBe(true);
    expect(short.text).toContain('claim of x: ttl must be at least 1000 ms');
  });

  test("the owner keys stay in the agent's state file: a hook's `leasehold gate` sees what the tools claimed", async () => {
    await call(a, 'claim', { resources: ['hooked.ts'] });
    const state = readFileSync(join(cwd, '.leasehold', 'agent-agent-a.json'), 'utf8');
    expect(state).toContain('"hooked.ts"');
    const gate = await leasehold(cwd, [
      'gate',
      'hooked.ts',
      '--agent',
      'agent-a',
      '--server',
      server.url,
    ]);
    expect(gate.code, gate.stderr).toBe(0);
    const other = await leasehold(cwd, [
      'gate',
      'hooked.ts',
      '--agent',
      'agent-b',
      '--server',
      server.url,
    ]);
    expect(other.code).toBe(1);
  });
});

describe('leasehold mcp over a local SQLite file', { timeout: 300_000 }, () => {
  test('two agents contend through the same file; no agent id is a usage error (64)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'leasehold-mcp-file-'));
    const one = await stdioAgent(cwd, ['--db', 'leases.db'], { LEASEHOLD_AGENT: 'agent-1' });
    const two = await stdioAgent(cwd, ['--db', 'leases.db', '--agent', 'agent-2']);
    try {
      expect((await call(one.client, 'claim', { resources: ['branch:main'] })).isError).toBe(false);
      const refused = await call(two.client, 'claim', { resources: ['branch:main'] });
      expect(refused.text).toContain('branch:main is held by agent-1');
      expect(one.stderr()).toContain('file leases.db');
    } finally {
      await one.client.close();
      await two.client.close();
    }
    const anonymous = await leasehold(cwd, ['mcp', '--db', 'leases.db']);
    expect(anonymous.code).toBe(64);
    expect(anonymous.stderr).toContain('name this agent');
  });
});

describe(
  '/mcp of leasehold serve, behind its API keys (Streamable HTTP)',
  { timeout: 300_000 },
  () => {
    let server: ServerProcess;
    const cwd = mkdtempSync(join(tmpdir(), 'leasehold-mcp-http-'));
    const keys = {
      h: 'key-agent-h-0123456789',
      i: 'key-agent-i-0123456789',
      admin: 'key-admin-0123456789ab',
    };
    const clients: Client[] = [];
    beforeAll(async () => {
      const authFile = join(cwd, 'auth.json');
      writeFileSync(
        authFile,
        JSON.stringify({
          keys: [
            { key: keys.h, holder: 'agent-h' },
            { key: keys.i, holder: 'agent-i' },
            { key: keys.admin, admin: true },
          ],
        }),
      );
      server = await startServerProcess([
        '--db',
        join(cwd, 'server.db'),
        '--auth-file',
        authFile,
        '--log-level',
        'warn',
      ]);
    }, 120_000);
    afterAll(async () => {
      for (const client of clients) await client.close();
      await server.stop();
    });

    const connect = async (headers: Record<string, string>) => {
      const transport = new StreamableHTTPClientTransport(new URL('/mcp', server.url), {
        requestInit: { headers },
      });
      const client = new Client({ name: 'leasehold-test', version: '0' });
      await client.connect(transport, { timeout: CALL_MS_MAX });
      clients.push(client);
      return client;
    };

    test('without an API key, or with one it does not know, /mcp answers 401', async () => {
      for (const headers of [{}, { authorization: 'Bearer key-nobody-0123456789' }]) {
        const refused = await connect(headers).then(
          () => null,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(StreamableHTTPError);
        expect((refused as StreamableHTTPError).code).toBe(401);
      }
      const raw = await server.post('/mcp', {});
      expect(raw.status).toBe(401);
    });

    test("a key's holder is the agent: claim, the other agent refused by name, admin tools for an admin key only", async () => {
      const h = await connect({ authorization: `Bearer ${keys.h}` });
      const i = await connect({ authorization: `Bearer ${keys.i}` });
      const claimed = await call(h, 'claim', { resources: ['api/a.ts', 'api/b.ts'] });
      expect(claimed.isError, claimed.text).toBe(false);
      expect(claimed.text).toContain('as agent-h');
      const refused = await call(i, 'claim', { resources: ['api/b.ts', 'api/c.ts'] });
      expect(refused.isError).toBe(true);
      expect(refused.text).toContain('api/b.ts is held by agent-h');
      expect(refused.text).toContain('none of the 2 resources was claimed');
      expect((await call(h, 'gate', { resource: 'api/a.ts' })).data.holds).toBe(true);
      const status = await server.get(`/v1/leases/${encodeURIComponent('api/a.ts')}`, {
        authorization: `Bearer ${keys.i}`,
      });
      expect(status.body).toMatchObject({ status: 'held', holder: 'agent-h' });
      const names = async (client: Client) =>
        (await client.listTools(undefined, { timeout: CALL_MS_MAX })).tools.map((t) => t.name);
      expect(await names(i)).not.toContain('release_holder');
      const admin = await connect({ authorization: `Bearer ${keys.admin}` });
      expect(await names(admin)).toContain('release_holder');
      const released = await call(admin, 'release_holder', { holder: 'agent-h' });
      expect(released.data.released).toHaveLength(2);
      const lost = await call(h, 'renew');
      expect(lost.isError).toBe(true);
      expect(lost.text).toContain('api/a.ts is lost');
      expect((await call(i, 'claim', { resources: ['api/b.ts'] })).isError).toBe(false);
      expect((await call(i, 'release', { resources: ['api/b.ts'] })).text).toContain(
        'released api/b.ts',
      );
    });
  },
);
