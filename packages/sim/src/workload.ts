import type { AcquireOutcome, Lease } from '@leasehold/client';
import type { LeaseClientLike } from './implementation';
import { SIM_WORKLOAD } from './workload-settings';
import type { SimNode, World } from './world';

/**
 * One node's workload, drawn from its own PRNG stream: think, acquire (non-blocking, or blocking
 * with a timeout), write to the fenced resource while it believes it holds the lease, renew when
 * half the TTL is gone, then release, or abandon the lease to let it expire. Node crashes come
 * from the fault stream at any await.
 */
export async function runWorkload(world: World, node: SimNode): Promise<void> {
  const client = node.client!;
  const prng = node.workload;
  while (world.phase === 'safety') {
    await node.clock.sleep(prng.between(0, world.workload.thinkMsMax ?? SIM_WORKLOAD.thinkMsMax));
    if (world.phase !== 'safety') return;
    const resource = prng.pick(world.resources);
    const ttlMs = prng.pick(SIM_WORKLOAD.ttlMsChoices);
    const waitMs = prng.chance(1, 2) ? prng.between(100, SIM_WORKLOAD.acquireWaitMsMax) : 0;
    const startedMs = world.nowMs();
    const got = await client.acquire(resource, { ttlMs, waitMs });
    observeAcquire(world, node, resource, got, waitMs > 0 && world.nowMs() - startedMs > ttlMs / 2);
    if (got.kind === 'granted') await holdLease(world, node, client, got.lease);
  }
}

/** Records a client outcome in the trace and hands it to the run's observer. */
function outcome(
  world: World,
  node: SimNode,
  op: 'acquire' | 'renew' | 'release',
  resource: string,
  result: string,
  token: number | null,
): void {
  world.record({
    s: world.step,
    t: world.elapsedMs(),
    e: 'out',
    n: node.id,
    op,
    r: resource,
    k: result,
    tok: token,
  });
  world.observe(() => ({
    kind: 'outcome',
    step: world.step,
    atMs: world.elapsedMs(),
    node: node.id,
    op,
    resource,
    result,
    token,
    wallMs: node.clock.wallMs(),
  }));
}

function observeAcquire(
  world: World,
  node: SimNode,
  resource: string,
  got: AcquireOutcome,
  waited: boolean,
): void {
  const token = got.kind === 'granted' ? got.lease.token : null;
  outcome(world, node, 'acquire', resource, got.kind, token);
  if (got.kind === 'held' && node.lastRead !== null) {
    world.fail(world.checker.onAcquireAnswer(node.lastRead.record, node.lastRead.wallMs, got.kind));
  }
  if (got.kind !== 'granted') return;
  if (node.lostGrants.get(resource) === got.lease.token) world.mark('replyLostThenRetried');
  node.lostGrants.delete(resource);
  if (waited) world.mark('blockingAcquireWaited');
  world.setLease(node, got.lease);
}

async function holdLease(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  granted: Lease,
): Promise<void> {
  const prng = node.workload;
  let lease = granted;
  const writes = prng.between(1, world.workload.writesMax ?? SIM_WORKLOAD.writesMax);
  for (let i = 0; i < writes && world.phase === 'safety'; i++) {
    if (!client.believes(lease)) {
      world.mark('beliefLapsedWhileHolding');
      world.setLease(node, null);
      return;
    }
    await world.fencedWrite(node, lease.resource, lease.token);
    await node.clock.sleep(prng.between(10, SIM_WORKLOAD.workMsMax));
    if (client.timeLeftMs(lease) >= lease.ttlMs / 2) continue;
    const renewed = await client.renew(lease);
    const token = renewed.kind === 'renewed' ? renewed.lease.token : null;
    outcome(world, node, 'renew', lease.resource, renewed.kind, token);
    if (renewed.kind !== 'renewed') {
      if (renewed.kind === 'expired' && renewed.reason === 'pastExpiry')
        world.mark('expiryDuringRenew');
      world.setLease(node, null);
      return;
    }
    lease = renewed.lease;
    world.setLease(node, lease);
  }
  world.setLease(node, null);
  if (world.phase === 'safety' && prng.int(100) < SIM_WORKLOAD.abandonPercent) return;
  const released = await client.release(lease);
  outcome(world, node, 'release', lease.resource, released.kind, lease.token);
}

/**
 * The liveness probe (I-4, second half): once faults have healed, a fresh node waits for
 * `resource` and must get it within `boundMs` of the heal.
 */
export async function runProbe(
  world: World,
  node: SimNode,
  resource: string,
  boundMs: number,
  healedAtMs: number,
): Promise<void> {
  const client = node.client!;
  const got = await client.acquire(resource, {
    ttlMs: SIM_WORKLOAD.ttlMsChoices[0],
    waitMs: boundMs,
  });
  const waitedMs = world.nowMs() - healedAtMs;
  world.record({
    s: world.step,
    t: world.elapsedMs(),
    e: 'probe',
    n: node.id,
    r: resource,
    k: got.kind,
    waited: waitedMs,
  });
  if (got.kind !== 'granted') {
    world.failLiveness(
      resource,
      `probe ${node.id} was answered ${got.kind} after waiting ${waitedMs} ms for ${JSON.stringify(resource)}; the bound is ${boundMs} ms`,
    );
    return;
  }
  world.setLease(node, got.lease);
  if (waitedMs > boundMs) {
    world.failLiveness(
      resource,
      `probe ${node.id} waited ${waitedMs} ms for ${JSON.stringify(resource)} after faults healed; the bound is ${boundMs} ms`,
    );
  }
  world.setLease(node, null);
  await client.release(got.lease);
  world.probeDone();
}
