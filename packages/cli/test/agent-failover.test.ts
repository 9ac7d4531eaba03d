import { mkdtempSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SERVICE_URLS_MAX } from '@leasehold/api';
import { startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import {
  announceMissingEtcd,
  deleteRunKeys,
  ENDPOINTS,
  etcdReachable,
  RUN_PREFIX,
} from '../../store-etcd/test/etcd-env.js';
import { leasehold } from './agent-process.js';
import { cli } from './run-cli.js';

// The agent commands given several service URLs (`--server a,b`): each request goes to the
// replica that answers, and on no answer or a 503 to the next, under the same request id.

describe('agent commands: --server takes several URLs, each checked', () => {
  test('a URL of the list that is not http(s), or more than SERVICE_URLS_MAX, is a usage error (64)', async () => {
    const bad = await cli(['leases', '--server', 'http://127.0.0.1:9,ftp://x']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('"ftp://x"');
    const empty = await cli(['leases', '--server', 'http://127.0.0.1:9,']);
    expect(empty.code).toBe(64);
    const urls = Array.from({ length: SERVICE_URLS_MAX + 1 }, (_, i) => `http://127.0.0.1:${i}`);
    const many = await cli(['leases', '--server', urls.join(',')]);
    expect(many.code).toBe(64);
    expect(many.stderr).toContain(`${SERVICE_URLS_MAX} URLs at most`);
  });

  test('no replica reachable: exit 69, naming every URL (from LEASEHOLD_URL as from --server)', async () => {
    const down = await cli(['leases'], { LEASEHOLD_URL: 'http://127.0.0.1:9,http://127.0.0.1:7' });
    expect(down.code).toBe(69);
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:9');
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:7');
  });
});

/**
 * A TCP relay in front of a replica that, once armed, SIGKILLs the replica's process the moment
 * a renewal reaches it and then resets the connection: what the agent sees when the replica dies
 * with its heartbeat in flight, at that moment and no other (no race with the replica's answer).
 */
async function killingRelay(target: ServerProcess): Promise<{
  readonly url: string;
  arm(): void;
  killed(): boolean;
  close(): Promise<void>;
}> {
  const port = Number(new URL(target.url).port);
  let armed = false;
  let killed = false;
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    upstream.on('error', () => client.resetAndDestroy());
    client.on('error', () => upstream.destroy());
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (!(armed && chunk.toString('latin1').startsWith('POST /v1/leases/renew'))) {
        upstream.write(chunk);
        return;
      }
      client.pause();
      armed = false;
      const exited = new Promise((resolve) => target.child.once('exit', resolve));
      target.child.kill('SIGKILL');
      void exited.then(() => {
        killed = true;
        upstream.destroy();
        client.resetAndDestroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    arm: () => (armed = true),
    killed: () => killed,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const available = await etcdReachable();
if (!available) announceMissingEtcd();

describe.skipIf(!available)(
  'agent commands over two `leasehold serve --store etcd` replicas',
  { timeout: 300_000 },
  () => {
    const cwd = mkdtempSync(join(tmpdir(), 'leasehold-agent-failover-'));
    const serve = [
      '--store',
      'etcd',
      '--etcd-endpoints',
      ENDPOINTS.join(','),
      '--etcd-prefix',
      `${RUN_PREFIX}agent-failover/`,
      '--log-level',
      'warn',
    ];
    let first: ServerProcess;
    let second: ServerProcess;
    beforeAll(async () => {
      [first, second] = await Promise.all([startServerProcess(serve), startServerProcess(serve)]);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([first.stop(), second.stop()]);
      await deleteRunKeys();
    });

    test('a replica SIGKILLed mid-heartbeat: the agent keeps its lease through the other (same token, heartbeat renews, gate exits 0)', async () => {
      const relay = await killingRelay(first);
      try {
        const run = (args: string[]) =>
          leasehold(cwd, [...args, '--agent', 'agent-f', '--server', `${relay.url},${second.url}`]);
        const claimed = await run(['claim', 'src/failover.ts', '--ttl', '60m', '--json']);
        expect(claimed.code, claimed.stderr).toBe(0);
        const token = claimed.json().token as number;
        const beat = await run(['heartbeat', 'src/failover.ts', '--json']);
        expect(beat.code, beat.stderr).toBe(0);
        expect(beat.json()).toMatchObject({ token, skipped: false });

        relay.arm();
        const through = await run(['heartbeat', 'src/failover.ts', '--json']);
        expect(relay.killed()).toBe(true);
        expect(first.child.signalCode).toBe('SIGKILL');
        expect(through.code, through.stderr).toBe(0);
        expect(through.json()).toMatchObject({ token, skipped: false });

        const gate = await run(['gate', 'src/failover.ts']);
        expect(gate.code, gate.stderr).toBe(0);
        const status = await second.get('/v1/leases/src%2Ffailover.ts');
        expect(status.body).toMatchObject({ status: 'held', holder: 'agent-f', token });
        expect(status.body.renewals).toBe(2);
      } finally {
        await relay.close();
      }
    });
  },
);
