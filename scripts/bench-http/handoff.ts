import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseService, systemRandom, systemServiceClock } from '@leasehold/server';
import type { LeaseStore } from '@leasehold/store';
import { Etcd3, EtcdLockFailedError } from 'etcd3';
import { getText, keepAliveAgent, postJson } from './http-json';
import {
  BENCH_TTL_MS,
  ETCD_TIMEOUT_MS,
  HANDOFF_WAIT_MS,
  WAITER_POLL_MS,
  WAITER_READY_MS_MAX,
} from './limits';

/** Hand-off times (ms): from the release call's send to the waiting client's grant. */
export type Samples = number[];

/** Polls `ready` every WAITER_POLL_MS until it holds, for at most WAITER_READY_MS_MAX. */
async function until(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const endMs = performance.now() + WAITER_READY_MS_MAX;
  while (!(await ready())) {
    if (performance.now() > endMs) throw new Error(`${what} within ${WAITER_READY_MS_MAX} ms`);
    await sleep(WAITER_POLL_MS);
  }
}

/**
 * Over HTTP: a holder holds the lease, a waiter's acquire waits (`wait_ms`) until the service
 * reports it waiting (`leasehold_waiters 1` in /metrics), then the holder's release is sent. Each
 * client has its own keep-alive connection.
 */
export async function handoffHttp(url: string, samples: number): Promise<Samples> {
  const holder = keepAliveAgent();
  const waiter = keepAliveAgent();
  const probe = keepAliveAgent();
  const resource = 'bench/handoff';
  const acquire = (agent: typeof holder, who: string, waitMs: number) =>
    postJson(
      agent,
      `${url}/v1/leases/acquire`,
      { resource, holder: who, ttl_ms: BENCH_TTL_MS, wait_ms: waitMs },
      HANDOFF_WAIT_MS * 2,
    );
  const release = (agent: typeof holder, body: Record<string, unknown>) =>
    postJson(
      agent,
      `${url}/v1/leases/release`,
      { lease_id: body.lease_id, owner_key: body.owner_key },
      HANDOFF_WAIT_MS,
    );
  const times: Samples = [];
  for (let i = 0; i < samples; i++) {
    const held = await acquire(holder, 'holder', 0);
    if (held.status !== 201) throw new Error(`holder's acquire answered ${held.status}`);
    const waiting = acquire(waiter, 'waiter', HANDOFF_WAIT_MS).then((reply) => ({
      reply,
      atMs: performance.now(),
    }));
    await until(async () => {
      const metrics = await getText(probe, `${url}/metrics`, HANDOFF_WAIT_MS);
      return /^leasehold_waiters 1$/m.test(metrics);
    }, 'the waiter was not waiting');
    const sentMs = performance.now();
    const released = await release(holder, held.body);
    if (released.status !== 200) throw new Error(`release answered ${released.status}`);
    const granted = await waiting;
    if (granted.reply.status !== 201) throw new Error(`waiter answered ${granted.reply.status}`);
    times.push(granted.atMs - sentMs);
    const cleared = await release(waiter, granted.reply.body);
    if (cleared.status !== 200) throw new Error(`waiter's release answered ${cleared.status}`);
  }
  for (const agent of [holder, waiter, probe]) agent.destroy();
  return times;
}

/**
 * In-process: the same, with the LeaseService (from @leasehold/server) called directly over a
 * SQLite store: no HTTP, the service's own wake-up of waiters on release.
 */
export async function handoffInProcess(store: LeaseStore, samples: number): Promise<Samples> {
  const opened = await LeaseService.open({
    store,
    clock: systemServiceClock(),
    random: systemRandom,
  });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  const service = opened.service;
  const resource = 'bench/handoff';
  const times: Samples = [];
  for (let i = 0; i < samples; i++) {
    const held = await service.acquire({ resource, holder: 'holder', ttlMs: BENCH_TTL_MS });
    if (held.kind !== 'granted') throw new Error(`holder's acquire: ${held.kind}`);
    const waiting = service
      .acquire({ resource, holder: 'waiter', ttlMs: BENCH_TTL_MS, waitMs: HANDOFF_WAIT_MS })
      .then((answer) => ({ answer, atMs: performance.now() }));
    await until(() => service.waiting === 1, 'the waiter was not waiting');
    const sentMs = performance.now();
    const released = await service.release(held.lease);
    if (released.kind !== 'released') throw new Error(`release: ${released.kind}`);
    const granted = await waiting;
    if (granted.answer.kind !== 'granted') throw new Error(`waiter: ${granted.answer.kind}`);
    times.push(granted.atMs - sentMs);
    const cleared = await service.release(granted.answer.lease);
    if (cleared.kind !== 'released') throw new Error(`waiter's release: ${cleared.kind}`);
  }
  service.closeWaiters();
  return times;
}

/**
 * etcd3's `Lock`: it does not wait (a held lock throws EtcdLockFailedError), so the waiter does
 * what a user of it would do to wait without polling: it watches the lock's key and tries again
 * on every delete. Measured from the holder's `release()` call to the waiter's `acquire()`
 * resolving. Holder and waiter are separate clients given every endpoint.
 */
export async function handoffEtcdLock(hosts: readonly string[], samples: number): Promise<Samples> {
  const options = { hosts: [...hosts], dialTimeout: ETCD_TIMEOUT_MS };
  const holderClient = new Etcd3(options);
  const waiterClient = new Etcd3(options);
  const key = `leasehold-bench-http/handoff-${process.pid}`;
  const watcher = await waiterClient.watch().key(key).create();
  let deletes = 0;
  const deleted: (() => void)[] = [];
  watcher.on('delete', () => {
    deletes += 1;
    for (const wake of deleted.splice(0)) wake();
  });
  const times: Samples = [];
  try {
    for (let i = 0; i < samples; i++) {
      const holderLock = holderClient.lock(key);
      await holderLock.acquire();
      let attempted = false;
      const waiting = (async () => {
        for (;;) {
          const seen = deletes;
          try {
            const lock = await waiterClient.lock(key).acquire();
            return { lock, atMs: performance.now() };
          } catch (error) {
            if (!(error instanceof EtcdLockFailedError)) throw error;
          }
          attempted = true;
          if (deletes === seen) await new Promise<void>((wake) => deleted.push(wake));
        }
      })();
      await until(() => attempted, 'the etcd waiter did not try');
      const sentMs = performance.now();
      await holderLock.release();
      const granted = await waiting;
      times.push(granted.atMs - sentMs);
      await granted.lock.release();
    }
  } finally {
    await watcher.cancel();
    holderClient.close();
    waiterClient.close();
  }
  return times;
}

/** The value below which `percent` percent of the samples lie (nearest rank). */
export function percentile(samples: readonly number[], percent: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((percent / 100) * sorted.length);
  return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))]!;
}
