import type { AcquireOutcome, Lease } from '@leasehold/client';
import type { Op } from '@leasehold/step';
import { drawBadInput, type BadInput } from './bad-input.js';
import type { LeaseClientLike } from './implementation.js';
import { PROBE_RETRIES_MAX } from './limits.js';
import type { HeldLease, SimNode } from './node-process.js';
import type { World } from './world.js';

/** Percent chance that an acquire names its own request id (so it can be retried as the same op). */
const EXPLICIT_ID_PCT = 50;
/** Percent chance that a node retries an acquire or release that ended `unavailable`. */
const RETRY_UNAVAILABLE_PCT = 70;
/** Percent chance that a renew asks for another TTL than the lease had. */
const RENEW_NEW_TTL_PCT = 20;

/**
 * One node's workload, drawn from its own PRNG stream: think; then, by the seed's mix, either act
 * as an admin (force-release a lease, with or without the holder it expects), clean up an expired
 * lease, or acquire a lease (non-blocking, or blocking with a timeout) and hold it: write to the
 * fenced resource while it believes it holds the lease, renew when half the TTL is gone (and keep
 * working on its earlier belief when a renew's outcome is unknown), then release it, or abandon it
 * to let it expire; a lease it lost or abandoned may be released late (a `finally` block that
 * runs after the lease was lost). Every intended operation is one logical op, shared by the
 * client's retries and by the workload's own retry of an acquire or release that ended
 * `unavailable`.
 */
export async function runWorkload(world: World, node: SimNode): Promise<void> {
  const client = node.client!;
  const prng = node.workload;
  const settings = world.settings;
  while (world.phase() === 'safety') {
    await node.clock.sleep(prng.between(0, settings.thinkMs));
    if (world.phase() !== 'safety') return;
    const late = lateTurn(world, node, settings.stalePct);
    if (late !== null) {
      // The finally block of a lease the node stopped using without releasing runs at last.
      node.ended.delete(late.lease.resource);
      await lateRelease(world, node, client, late, true);
      continue;
    }
    const turn = prng.int(100);
    if (turn < settings.adminPct && client.forceRelease !== undefined) {
      await forceRelease(world, node, client);
    } else if (turn < settings.adminPct + settings.cleanupPct && client.expire !== undefined) {
      await expire(world, node, client);
    } else {
      await acquireAndHold(world, node, client);
    }
  }
}

async function acquireAndHold(world: World, node: SimNode, client: LeaseClientLike): Promise<void> {
  const prng = node.workload;
  const settings = world.settings;
  const bad = badInput(world, node, ['resource', 'ttl', 'requestId']);
  const resource = bad?.kind === 'resource' ? bad.resource : prng.pick(world.resources);
  const ttlMs = bad?.kind === 'ttl' ? bad.ttlMs : prng.pick(settings.ttlMs);
  const waitMs = prng.int(100) < settings.blockingPct ? prng.between(1, settings.waitMs) : 0;
  const requestId =
    bad?.kind === 'requestId'
      ? bad.requestId
      : prng.int(100) < EXPLICIT_ID_PCT
        ? `${node.id}.${node.incarnation}.op${world.nextOpId()}`
        : null;
  const op = world.beginOp(node, 'acquire', resource, { ttlMs, requestId });
  const options = { ttlMs, waitMs, ...(requestId === null ? {} : { requestId }) };
  const startedMs = world.scheduler.nowMs;
  world.acquireWaits(node, op, waitMs);
  let got = await client.acquire(resource, options);
  let retried = false;
  if (got.kind === 'unavailable' && requestId !== null && prng.int(100) < RETRY_UNAVAILABLE_PCT) {
    // The outcome is unknown: the same intended acquire again, under the same request id.
    world.endOp(node, op, got, null, false);
    retried = true;
    world.acquireWaits(node, op, 0);
    got = await client.acquire(resource, { ...options, waitMs: 0 });
  }
  endAcquire(world, node, op, got);
  if (got.kind !== 'granted') return;
  if (waitMs > 0 && world.scheduler.nowMs - startedMs > ttlMs / 2)
    world.mark('blockingAcquireWaited');
  await holdLease(world, node, client, { lease: got.lease, op: op.id }, retried);
}

function endAcquire(world: World, node: SimNode, op: Op, got: AcquireOutcome): void {
  world.endOp(node, op, got, got.kind === 'granted' ? got.lease.token : null);
  if (got.kind !== 'granted') return;
  if (node.lostGrants.get(op.resource) === got.lease.token) world.mark('replyLostThenRetried');
  node.lostGrants.delete(op.resource);
  world.setHeld(node, { lease: got.lease, op: op.id });
}

async function holdLease(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  granted: HeldLease,
  afterLostReply: boolean,
): Promise<void> {
  const prng = node.workload;
  const settings = world.settings;
  const resource = granted.lease.resource;
  let lease = granted.lease;
  const writes = prng.between(1, settings.writes);
  for (let i = 0; i < writes && world.phase() === 'safety'; i++) {
    if (!client.believes(lease)) {
      world.disbelieved(node, lease);
      world.mark('beliefLapsedWhileHolding');
      world.setHeld(node, null);
      await lateRelease(world, node, client, { lease, op: granted.op });
      await staleRenew(world, node, client, { lease, op: granted.op }, true);
      return;
    }
    await world.fencedWrite(node, resource, lease.token);
    const previous = node.ended.get(resource);
    if (i === 0 && previous !== undefined) {
      // The keep-alive of this node's previous lease on the resource fires late, while it holds
      // a newer grant: it must not extend the new one.
      node.ended.delete(resource);
      await lateRelease(world, node, client, previous);
      await staleRenew(world, node, client, previous, false);
    }
    await node.clock.sleep(prng.between(10, settings.workMs));
    if (client.timeLeftMs(lease) >= lease.ttlMs / 2) continue;
    const bad = badInput(world, node, ['ttl']);
    const ttlMs =
      bad?.kind === 'ttl'
        ? bad.ttlMs
        : prng.int(100) < RENEW_NEW_TTL_PCT
          ? prng.pick(settings.ttlMs)
          : lease.ttlMs;
    const op = world.beginOp(node, 'renew', resource, { ttlMs, leaseOp: granted.op });
    const renewed = await client.renew(lease, { ttlMs });
    world.endOp(node, op, renewed, renewed.kind === 'renewed' ? renewed.lease.token : null);
    if (renewed.kind === 'renewed') {
      lease = renewed.lease;
      world.setHeld(node, { lease, op: granted.op });
      continue;
    }
    if (renewed.kind === 'invalid') continue;
    if (renewed.kind === 'unavailable' || renewed.kind === 'maxRenewalsReached') {
      // Keep working on the belief it had: the loop stops as soon as that belief ends.
      world.mark(
        renewed.kind === 'unavailable' ? 'workAfterIndeterminateRenew' : 'maxRenewalsReached',
      );
      continue;
    }
    if (renewed.kind === 'expired' && renewed.reason === 'pastExpiry')
      world.mark('expiryDuringRenew');
    world.setHeld(node, null);
    await lateRelease(world, node, client, { lease, op: granted.op });
    await staleRenew(world, node, client, { lease, op: granted.op }, true);
    return;
  }
  world.setHeld(node, null);
  if (world.phase() === 'safety' && prng.int(100) < settings.abandonPct) {
    node.ended.set(resource, ended(world, node, { lease, op: granted.op }));
    return;
  }
  await release(world, node, client, lease, granted.op, afterLostReply);
}

async function release(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  lease: Lease,
  leaseOp: number,
  afterLostReply: boolean,
): Promise<void> {
  const op = world.beginOp(node, 'release', lease.resource, { leaseOp });
  let released = await client.release(lease);
  if (released.kind === 'unavailable' && node.workload.int(100) < RETRY_UNAVAILABLE_PCT) {
    world.endOp(node, op, released, null, false);
    released = await client.release(lease);
  }
  world.endOp(node, op, released, null);
  if (released.kind === 'released' && afterLostReply) world.mark('releaseAfterLostReply');
  await staleRenew(world, node, client, { lease, op: leaseOp }, true);
}

/**
 * An ended lease, with the time its late `finally` block may run: any time up to well past the
 * point where another node may have taken the lease over.
 */
function ended(world: World, node: SimNode, held: HeldLease): HeldLease {
  const settings = world.settings;
  const lateMs = node.workload.between(
    0,
    2 * held.lease.ttlMs + settings.graceMs + settings.skewMs,
  );
  return { ...held, lateAtMs: world.scheduler.nowMs + lateMs };
}

/** With the seed's stale share, one of the leases this node ended whose late release is due. */
function lateTurn(world: World, node: SimNode, stalePct: number): HeldLease | null {
  if (node.ended.size === 0) return null;
  const due = [...node.ended.values()].filter((h) => (h.lateAtMs ?? 0) <= world.scheduler.nowMs);
  if (due.length === 0 || node.workload.int(100) >= stalePct) return null;
  return node.workload.pick(due);
}

/**
 * The release in a `finally` block that runs after its lease was lost (its belief ran out, a renew
 * was refused, or the lease was abandoned and the node has since been granted a newer one): by
 * then another node may hold the resource, and the release must leave that holder in place.
 */
async function lateRelease(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  lost: HeldLease,
  drawn = false,
): Promise<void> {
  if (world.phase() !== 'safety') return;
  if (!drawn && node.workload.int(100) >= world.settings.stalePct) return;
  const op = world.beginOp(node, 'release', lost.lease.resource, { leaseOp: lost.op });
  const released = await client.release(lost.lease);
  world.endOp(node, op, released, null);
  world.mark('lateRelease');
}

/**
 * A keep-alive timer that fires once more after its lease ended: it must be refused. With
 * `giveBack`, a renewal that still succeeds (the holder had only stopped believing; the lease was
 * live on the store) is released again; otherwise the lease is remembered as this resource's last.
 */
async function staleRenew(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  held: HeldLease,
  giveBack: boolean,
): Promise<void> {
  const lease = held.lease;
  if (giveBack) node.ended.set(lease.resource, ended(world, node, held));
  if (world.phase() !== 'safety' || node.workload.int(100) >= world.settings.stalePct) return;
  const op = world.beginOp(node, 'renew', lease.resource, {
    ttlMs: lease.ttlMs,
    leaseOp: held.op,
  });
  const renewed = await client.renew(lease);
  world.endOp(node, op, renewed, renewed.kind === 'renewed' ? renewed.lease.token : null);
  if (renewed.kind !== 'renewed') {
    world.mark('staleRenewRefused');
    return;
  }
  if (!giveBack) return;
  node.ended.delete(lease.resource);
  const back = world.beginOp(node, 'release', lease.resource, { leaseOp: held.op });
  const released = await client.release(renewed.lease);
  world.endOp(node, back, released, null);
}

async function forceRelease(world: World, node: SimNode, client: LeaseClientLike): Promise<void> {
  const prng = node.workload;
  const bad = badInput(world, node, ['resource']);
  const resource = bad?.kind === 'resource' ? bad.resource : prng.pick(world.resources);
  const expectedHolder = prng.chance(1, 2) ? null : prng.pick(world.nodes).id;
  const op = world.beginOp(node, 'forceRelease', resource, { expectedHolder });
  const options = expectedHolder === null ? {} : { expectedHolder };
  const result = await client.forceRelease!(resource, options);
  world.endOp(node, op, result, result.kind === 'forceReleased' ? result.token : null);
  if (result.kind === 'forceReleased') world.mark('forceReleasedHolder');
  if (result.kind === 'notHolder') world.mark('forceReleaseRefused');
}

async function expire(world: World, node: SimNode, client: LeaseClientLike): Promise<void> {
  const bad = badInput(world, node, ['resource']);
  const resource = bad?.kind === 'resource' ? bad.resource : node.workload.pick(world.resources);
  const op = world.beginOp(node, 'expire', resource);
  const result = await client.expire!(resource);
  world.endOp(node, op, result, null);
  if (result.kind === 'expiredNow') world.mark('expiredByCleanup');
}

/** With the seed's share of careless calls, one input just outside (or on) a documented limit. */
function badInput(
  world: World,
  node: SimNode,
  fields: readonly BadInput['kind'][],
): BadInput | null {
  if (node.workload.int(100) >= world.settings.badPct) return null;
  world.mark('badInputSent');
  return drawBadInput(
    node.workload,
    world.config,
    fields,
    `${node.id}.${node.incarnation}.op${world.nextOpId()}`,
  );
}

/**
 * The liveness probe (I-4, second half): once faults have healed, a fresh node waits for
 * `resource`; the checker judges whether it got the lease within its bound.
 */
export async function runProbe(
  world: World,
  node: SimNode,
  resource: string,
  waitMs: number,
): Promise<void> {
  const client = node.client!;
  const ttlMs = world.settings.ttlMs[0]!;
  // One request id for every call of the probe's one intended acquire: a retry recognises a
  // grant whose reply was lost.
  const requestId = `${node.id}.${node.incarnation}.op${world.nextOpId()}`;
  const op = world.beginOp(node, 'acquire', resource, { ttlMs, requestId });
  const healedAtMs = world.scheduler.nowMs;
  world.acquireWaits(node, op, waitMs);
  let got = await client.acquire(resource, { ttlMs, waitMs, requestId });
  // A blocking acquire answers unavailable when it loses its compare-and-set budget to other
  // nodes (or the store keeps failing): a caller waiting for the lease asks again, within its wait.
  for (let retries = 0; got.kind === 'unavailable' && retries < PROBE_RETRIES_MAX; retries++) {
    const leftMs = waitMs - (world.scheduler.nowMs - healedAtMs);
    if (leftMs <= 0 || world.stopped()) break;
    world.endOp(node, op, got, null, false);
    world.acquireWaits(node, op, leftMs);
    got = await client.acquire(resource, { ttlMs, waitMs: leftMs, requestId });
  }
  world.endOp(node, op, got, got.kind === 'granted' ? got.lease.token : null);
  world.record({
    kind: 'probe',
    node: node.id,
    resource,
    result: got.kind,
    waitedMs: world.scheduler.nowMs - healedAtMs,
  });
  if (got.kind === 'granted') {
    world.setHeld(node, { lease: got.lease, op: op.id });
    world.setHeld(node, null);
    const back = world.beginOp(node, 'release', resource, { leaseOp: op.id });
    const released = await client.release(got.lease);
    world.endOp(node, back, released, null);
  }
  world.probesDone += 1;
}
