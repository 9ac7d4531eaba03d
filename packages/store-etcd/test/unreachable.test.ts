import { createServer } from 'node:net';
import { DEFAULT_CONFIG, decideAcquire } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { openEtcdStore } from '../src/index';

/** A port nobody listens on: bound once by us, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe('etcd: unreachable cluster', () => {
  it('every call answers a typed unavailable within the timeout, never a throw or a hang', async () => {
    const port = await closedPort();
    const opened = openEtcdStore({ endpoints: [`http://127.0.0.1:${port}`], timeoutMs: 700 });
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    const store = opened.store;
    const d = decideAcquire(
      null,
      { resource: 'r', holder: 'a', requestId: 'q', ownerKey: 'k', ttlMs: 10_000 },
      1_000,
      DEFAULT_CONFIG,
    );
    const calls = {
      read: () => store.read('r'),
      compareAndSet: () => store.compareAndSet('r', 0, d.write!.record, d.write!.event),
      list: () => store.list(),
      listByHolder: () => store.listByHolder('a'),
      history: () => store.history('r'),
      pruneHistory: () => store.pruneHistory(5_000),
    };
    for (const [name, call] of Object.entries(calls)) {
      const startedMs = performance.now();
      const result = await call();
      const tookMs = performance.now() - startedMs;
      expect(result, name).toMatchObject({
        kind: 'unavailable',
        reason: expect.stringMatching(/etcd/),
      });
      expect(tookMs, name).toBeLessThan(700 + 500);
    }
    // A write whose fate the store cannot know is indeterminate.
    expect(await calls.compareAndSet()).toMatchObject({ kind: 'unavailable', maybeApplied: true });
    await store.close();
  });

  it('a member that accepts connections but never answers: unavailable at the timeout', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const opened = openEtcdStore({
      endpoints: [`http://127.0.0.1:${address.port}`],
      timeoutMs: 500,
    });
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    const startedMs = performance.now();
    const read = await opened.store.read('r');
    const tookMs = performance.now() - startedMs;
    expect(read).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringMatching(/timed out|deadline/i),
    });
    expect(tookMs).toBeGreaterThanOrEqual(450);
    expect(tookMs).toBeLessThan(1_500);
    await opened.store.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('refuses bad options with a reason', () => {
    expect(openEtcdStore({ endpoints: [] })).toMatchObject({ kind: 'refused' });
    expect(openEtcdStore({ endpoints: ['127.0.0.1:2379'] })).toMatchObject({ kind: 'refused' });
    expect(openEtcdStore({ endpoints: ['http://127.0.0.1:2379'], timeoutMs: 0 })).toMatchObject({
      kind: 'refused',
    });
    expect(
      openEtcdStore({ endpoints: ['http://127.0.0.1:2379'], prefix: 'no-slash' }),
    ).toMatchObject({ kind: 'refused' });
  });
});
