import { LeaseApi, type ApiRequest, type Transport } from '@leasehold/api';
import { ManualClock } from '@leasehold/client';
import { DEFAULT_CONFIG, formatDuration } from '@leasehold/core';
import { handleRequest } from '@leasehold/server';
import { leaseholdMcpServer, MemoryKeptLeases } from '@leasehold/server/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { openTestService } from './test-service';

// The MCP tools in this process, through the MCP SDK's own client over its in-memory transport,
// against the service's request path over a test clock: what a model reads (each tool's text and
// structured answer) for every tool, with no process and no real time. mcp.test.ts runs the same
// tools as the real `leasehold mcp` and `leasehold serve` processes.

interface Tools {
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  names(): Promise<string[]>;
}

interface ToolResult {
  readonly text: string;
  readonly isError: boolean;
  // Tests read fields of each tool's structured answer.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data: any;
}

async function world() {
  const clock = new ManualClock(1_767_225_600_000, 0);
  const service = await openTestService(clock);
  const transport: Transport = {
    async send(request: ApiRequest) {
      const sent = JSON.parse(JSON.stringify(request)) as ApiRequest;
      const answer = await handleRequest(service, sent, null);
      return {
        kind: 'reply',
        status: answer.status,
        body: JSON.parse(JSON.stringify(answer.body)),
      };
    },
  };
  const api = new LeaseApi(transport);
  let requests = 0;
  async function tools(agent: string | null, admin = false): Promise<Tools> {
    const server = leaseholdMcpServer({
      api,
      requestMs: 1_000,
      agent:
        agent === null
          ? null
          : {
              agent,
              api,
              state: new MemoryKeptLeases(2),
              wallMs: () => clock.wallMs(),
              config: DEFAULT_CONFIG,
              requestMs: 1_000,
              description: 'test service',
              requestId: () => `${agent}-claim-${++requests}`,
            },
      noAgent: 'start the server with --agent NAME',
      admin,
    });
    const [client, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const mcp = new Client({ name: 'test', version: '1.0.0' });
    await mcp.connect(client);
    return {
      async call(name, args = {}) {
        const result = await mcp.callTool({ name, arguments: args });
        const content = result.content as { type: string; text?: string }[];
        return {
          text: content.map((c) => c.text ?? '').join('\n'),
          isError: result.isError === true,
          data: result.structuredContent,
        };
      },
      async names() {
        return (await mcp.listTools()).tools.map((t) => t.name).sort();
      },
    };
  }
  return { clock, tools };
}

describe('the MCP tools, in process', () => {
  it('offers the agent and lease-space tools, and the admin tools only to an admin', async () => {
    const { tools } = await world();
    expect(await (await tools('alice')).names()).toEqual([
      'claim',
      'gate',
      'list',
      'release',
      'renew',
      'status',
    ]);
    expect(await (await tools('alice', true)).names()).toEqual([
      'claim',
      'force_release',
      'gate',
      'list',
      'release',
      'release_holder',
      'renew',
      'status',
    ]);
  });

  it('claim, gate, renew and release, each answered in words a model acts on', async () => {
    const { clock, tools } = await world();
    const alice = await tools('alice');
    const claimed = await alice.call('claim', { resources: ['src/app.ts'], ttl: '90s' });
    expect(claimed.isError).toBe(false);
    expect(claimed.text).toBe(
      [
        'claimed src/app.ts as alice:',
        '- src/app.ts: token 1, expires 2026-01-01T00:01:30.000Z (ttl 1m30s)',
        'while you work, renew it (renew) before it expires; release it (release) when done',
      ].join('\n'),
    );
    expect(claimed.data).toMatchObject({
      agent: 'alice',
      claimed: true,
      leases: [{ resource: 'src/app.ts', token: 1, ttl_ms: 90_000, already_held: false }],
    });

    clock.advance(30_000);
    const gate = await alice.call('gate', { resource: 'src/app.ts' });
    expect(gate.data).toMatchObject({ holds: true, token: 1, resource: 'src/app.ts' });
    // Belief counts from the claim's send, less the margins: well under the 60 s left.
    expect(gate.data.act_for_ms).toBeGreaterThan(0);
    expect(gate.data.act_for_ms).toBeLessThan(60_000);
    // The time left as the model reads it: whole seconds, rounded up.
    const left = formatDuration(Math.ceil(gate.data.act_for_ms / 1_000) * 1_000);
    expect(gate.text).toBe(
      `alice holds src/app.ts (token 1) until 2026-01-01T00:01:30.000Z; it may act on it for another ${left}: renew before then`,
    );

    const renewed = await alice.call('renew', {});
    expect(renewed.text).toBe('renewed src/app.ts: token 1, expires 2026-01-01T00:02:00.000Z');
    expect(renewed.data).toEqual({
      agent: 'alice',
      renewed: [{ resource: 'src/app.ts', token: 1, expires_at: '2026-01-01T00:02:00.000Z' }],
      problems: [],
    });

    const released = await alice.call('release', { resources: ['src/app.ts', 'other'] });
    expect(released.text).toBe(
      [
        'released src/app.ts (token 1); other agents may claim it',
        'alice holds no lease on other that this server took: nothing to release',
      ].join('\n'),
    );
    expect(released.data).toMatchObject({
      released: [{ resource: 'src/app.ts', token: 1 }],
      not_held: ['other'],
      problems: [],
    });
    const after = await alice.call('gate', { resource: 'src/app.ts' });
    expect(after.data).toMatchObject({ holds: false, status: 'free' });
    expect(after.text).toMatch(/; alice does not hold it$/);
    expect((await alice.call('renew', {})).text).toBe(
      'alice holds no leases that this server took; claim first',
    );
  });

  it('a claim of a held resource names the holder and the time left, and takes none of a set', async () => {
    const { tools } = await world();
    const alice = await tools('alice');
    const bob = await tools('bob');
    await alice.call('claim', { resources: ['b'], ttl: '1m' });
    const refused = await bob.call('claim', { resources: ['a', 'b'], ttl: '1m' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(
      /^b is held by alice \(token 1\) for another 1m\d*s?; wait \(claim again with wait, up to .+\), or work on something else \(none of the 2 resources was claimed\)$/,
    );
    expect(refused.data).toMatchObject({
      agent: 'bob',
      claimed: false,
      resource: 'b',
      holder: 'alice',
      token: 1,
    });
    // All or nothing: `a`, taken first, was given back.
    expect((await bob.call('gate', { resource: 'a' })).data).toMatchObject({
      holds: false,
      status: 'free',
    });
  });

  it('bad arguments are refused naming the argument and what to send', async () => {
    const { tools } = await world();
    const alice = await tools('alice');
    const bare = await alice.call('claim', { resources: ['a'], ttl: '90' });
    expect(bare.isError).toBe(true);
    expect(bare.text).toBe(
      'ttl needs a unit: "90s" for seconds, "90m" for minutes; durations look like "90s", "30m", "1h30m"',
    );
    expect(bare.data).toEqual({ problem: 'invalid', field: 'ttl' });
    const nobody = await (await tools(null)).call('claim', { resources: ['a'] });
    expect(nobody.text).toBe(
      'no agent is named, so there is nothing to act as: start the server with --agent NAME',
    );
  });

  it('an agent keeps at most its bound of leases, and gives back one it could not keep', async () => {
    const { tools } = await world();
    const alice = await tools('alice');
    await alice.call('claim', { resources: ['a', 'b'] });
    const third = await alice.call('claim', { resources: ['c'] });
    expect(third.isError).toBe(true);
    expect(third.text).toMatch(
      /^c was granted, but its owner key could not be kept \(.*\), so it was given back/,
    );
    expect((await alice.call('gate', { resource: 'c' })).data).toMatchObject({ status: 'free' });
  });

  it('leases, status with history, force_release and release_holder', async () => {
    const { tools } = await world();
    const alice = await tools('alice');
    const admin = await tools('root', true);
    await alice.call('claim', { resources: ['x', 'y'], ttl: '1m' });

    const list = await admin.call('list', { holder: 'alice' });
    expect(list.text).toBe(
      [
        'held x: alice, token 1, expires 2026-01-01T00:01:00.000Z',
        'held y: alice, token 1, expires 2026-01-01T00:01:00.000Z',
      ].join('\n'),
    );
    expect(list.data.next).toBeNull();
    const page = await admin.call('list', { limit: 1 });
    expect(page.text).toMatch(/\nmore leases: list again with after "x"$/);

    const status = await admin.call('status', { resource: 'x' });
    expect(status.text).toMatch(
      /\nhistory, oldest first:\n#1 2026-01-01T00:00:00\.000Z granted alice, token 1$/,
    );

    const wrong = await admin.call('force_release', { resource: 'x', expected_holder: 'carol' });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toBe(
      'x is held by alice, not carol: nothing was released (gate shows who holds it)',
    );
    const forced = await admin.call('force_release', { resource: 'x', expected_holder: 'alice' });
    expect(forced.text).toBe(
      'released x (held by alice); its token is now 2, so alice is fenced: writes it makes under its old token are refused',
    );
    const free = await admin.call('force_release', { resource: 'x', expected_holder: 'alice' });
    expect(free.text).toBe('x is not held: nothing to release');

    const all = await admin.call('release_holder', { holder: 'alice' });
    expect(all.text).toBe('released 1 lease of alice: y (token 2)');
    expect(all.data).toEqual({
      holder: 'alice',
      released: [{ resource: 'y', token: 2 }],
      complete: true,
    });

    // Alice's gate on x now says the lease is gone from her.
    const gone = await alice.call('gate', { resource: 'x' });
    expect(gone.data).toMatchObject({ holds: false });
  });
});
