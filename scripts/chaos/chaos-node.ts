import type { Lease, LeaseClient } from '@leasehold/client';
import type { Clock } from '@leasehold/core';
import { SIM_WORKLOAD, type Prng } from '@leasehold/sim';
import type { FencedResource } from './fenced-resource';
import type { Journal } from './journal';
import { sharedNowMs } from './shared-clock';

export interface ChaosNodeOptions {
  readonly node: string;
  readonly client: LeaseClient;
  readonly clock: Clock;
  /** This node's workload stream, derived from the run's seed and the node's id. */
  readonly prng: Prng;
  readonly resources: readonly string[];
  readonly fenced: FencedResource;
  readonly journal: Journal;
  /** Adds to a `clock.monoMs()` reading to put it on the shared clock (`shared-clock.ts`). */
  readonly monoToSharedMs: number;
  /** On `clock.monoMs()`: no new lease is taken after this. */
  readonly deadlineMonoMs: number;
}

/**
 * The simulator's workload (packages/sim/src/workload.ts) in real time, with the same shape and
 * bounds (SIM_WORKLOAD): think, acquire non-blocking or blocking with a timeout, write to the
 * fenced resource while `believes()`, renew once half the TTL is gone, then release, or abandon
 * the lease to let it expire. Crashes come from the driver, as SIGKILL.
 */
export async function runChaosNode(options: ChaosNodeOptions): Promise<void> {
  const { client, clock, prng, journal, node } = options;
  while (clock.monoMs() < options.deadlineMonoMs) {
    await clock.sleep(prng.between(0, SIM_WORKLOAD.thinkMsMax));
    if (clock.monoMs() >= options.deadlineMonoMs) return;
    const resource = prng.pick(options.resources);
    const ttlMs = prng.pick(SIM_WORKLOAD.ttlMsChoices);
    const waitMs = prng.chance(1, 2) ? prng.between(100, SIM_WORKLOAD.acquireWaitMsMax) : 0;
    const got = await client.acquire(resource, { ttlMs, waitMs });
    const token = got.kind === 'granted' ? got.lease.token : null;
    journal.append({ e: 'outcome', node, op: 'acquire', resource, result: got.kind, token });
    if (got.kind === 'granted') await holdLease(options, got.lease);
  }
}

function believe(options: ChaosNodeOptions, lease: Lease): void {
  options.journal.append({
    e: 'believe',
    node: options.node,
    resource: lease.resource,
    token: lease.token,
    fromSharedMs: sharedNowMs(),
    untilSharedMs: lease.validUntilMonoMs + options.monoToSharedMs,
  });
}

function stop(options: ChaosNodeOptions, lease: Lease): void {
  const { node, journal } = options;
  const { resource, token } = lease;
  journal.append({ e: 'stop', node, resource, token, atSharedMs: sharedNowMs() });
}

async function holdLease(options: ChaosNodeOptions, granted: Lease): Promise<void> {
  const { client, clock, prng, journal, node, fenced } = options;
  let lease = granted;
  believe(options, lease);
  const writes = prng.between(1, SIM_WORKLOAD.writesMax);
  for (let i = 0; i < writes && clock.monoMs() < options.deadlineMonoMs; i++) {
    if (!client.believes(lease)) break;
    const written = await fenced.write(lease.resource, node, lease.token);
    const { resource, token } = lease;
    journal.append({ e: 'fenced', node, resource, token, result: written.kind });
    await clock.sleep(prng.between(10, SIM_WORKLOAD.workMsMax));
    if (client.timeLeftMs(lease) >= lease.ttlMs / 2) continue;
    const renewed = await client.renew(lease);
    const renewedToken = renewed.kind === 'renewed' ? renewed.lease.token : null;
    journal.append({
      e: 'outcome',
      node,
      op: 'renew',
      resource,
      result: renewed.kind,
      token: renewedToken,
    });
    if (renewed.kind !== 'renewed') {
      stop(options, lease);
      return;
    }
    lease = renewed.lease;
    believe(options, lease);
  }
  stop(options, lease);
  const running = clock.monoMs() < options.deadlineMonoMs;
  if (running && prng.int(100) < SIM_WORKLOAD.abandonPercent) return;
  const released = await client.release(lease);
  const { resource, token } = lease;
  journal.append({ e: 'outcome', node, op: 'release', resource, result: released.kind, token });
}
