import {
  acquireAll,
  forceClaim,
  KeepAliveLoop,
  releaseAll,
  withLease,
  type AcquireOutcome,
  type KeepAlive,
  type Lease,
  type ReleaseOutcome,
  type RenewOutcome,
} from '@leasehold/client';
import type { Op } from '@leasehold/step';
import { changeConfigTurn } from './admin-config.js';
import { agentTurn } from './agent-turn.js';
import { drawBadInput, type BadInput } from './bad-input.js';
import type { LeaseClientLike } from './implementation.js';
import { ACQUIRE_ALL_NAMES_MAX, PROBE_RETRIES_MAX, RETRY_LATER_TTLS_MAX } from './limits.js';
import type { HeldLease, SimNode } from './node-process.js';
import type { Prng } from './prng.js';
import type { World } from './world.js';

/** Percent chance that an acquire names its own request id (so it can be retried as the same op). */
const EXPLICIT_ID_PCT = 50;
/** Percent chance that a node retries an acquire or release that ended `unavailable`. */
const RETRY_UNAVAILABLE_PCT = 70;
/** Percent chance that such a retry of an acquire comes after a back-off rather than at once. */
const RETRY_LATER_PCT = 30;
/** Percent chance that a renew asks for another TTL than the lease had. */
const RENEW_NEW_TTL_PCT = 20;
/** Percent chance that an acquire gives its lease limits of its own (renewals, a maximum age). */
const LEASE_LIMITS_PCT = 25;

/** A lease's own limits, as an acquire asks for them (absent: none). */
interface LeaseLimits {
  readonly maxRenewals?: number;
  readonly maxAgeMs?: number;
}

/**
 * One node's workload, drawn from its own PRNG stream: think; then, by the seed's mix, either act
 * as an admin (force-release a lease, with or without the holder it expects), clean up an expired
 * lease, or acquire a lease (non-blocking, or blocking with a timeout) and hold it: write to the
 * fenced resource while it believes it holds the lease, renew when half the TTL is gone (and keep
 * working on its earlier belief when a renew's outcome is unknown), then release it, or abandon it
 * to let it expire; a lease it lost or abandoned may be released late (a `finally` block that
 * runs after the lease was lost). By the seed's compose share, a turn is a composite client call
 * instead (`withLease` with its keep-alive, `acquireAll` then `releaseAll`, `forceClaim`). Every
 * intended operation is one logical op, shared by the client's retries and by the workload's own
 * retry of an acquire or release that ended `unavailable`.
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
    const service = world.serviceNetwork;
    if (service !== null && world.agentPct > 0 && node.compose.int(100) < world.agentPct) {
      if (world.runsOp(node, 'agent turn'))
        await agentTurn(world, node, service.transportFor(node));
      continue;
    }
    if (settings.composePct > 0 && node.compose.int(100) < settings.composePct) {
      if (world.runsOp(node, 'composite turn')) await composite(world, node, client);
      continue;
    }
    const turn = prng.int(100);
    if (turn < settings.adminPct && service !== null && node.compose.chance(1, 4)) {
      if (world.runsOp(node, 'configuration turn'))
        await changeConfigTurn(world, node, service.transportFor(node));
    } else if (turn < settings.adminPct && client.forceRelease !== undefined) {
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
  const bad = badInput(world, node, ['resource', 'ttl', 'requestId', 'maxRenewals', 'maxAgeMs']);
  const resource = bad?.kind === 'resource' ? bad.resource : prng.pick(world.resources);
  const ttlMs = bad?.kind === 'ttl' ? bad.ttlMs : prng.pick(settings.ttlMs);
  const waitMs = prng.int(100) < settings.blockingPct ? prng.between(1, settings.waitMs) : 0;
  const requestId =
    bad?.kind === 'requestId'
      ? bad.requestId
      : prng.int(100) < EXPLICIT_ID_PCT
        ? `${node.id}.${node.incarnation}.op${world.nextOpId()}`
        : null;
  const limits: LeaseLimits =
    bad?.kind === 'maxRenewals'
      ? { maxRenewals: bad.maxRenewals }
      : bad?.kind === 'maxAgeMs'
        ? { maxAgeMs: bad.maxAgeMs + (bad.fromTtl ? ttlMs : 0) }
        : bad === null
          ? drawLeaseLimits(prng, ttlMs)
          : {};
  if (!world.runsOp(node, 'acquire')) return;
  const op = world.beginOp(node, 'acquire', resource, { ttlMs, requestId, ...limits });
  const options = { ttlMs, waitMs, ...(requestId === null ? {} : { requestId }), ...limits };
  const startedMs = world.scheduler.nowMs;
  world.acquireWaits(node, op, waitMs);
  let got = await client.acquire(resource, options);
  let retried = false;
  if (got.kind === 'unavailable' && requestId !== null && prng.int(100) < RETRY_UNAVAILABLE_PCT) {
    // The outcome is unknown: the same intended acquire again, under the same request id, at
    // once or, now and then, after a back-off of a few TTLs (a job queue retrying its claim
    // under the same key): by then others may have been granted the lease so often that its
    // record keeps no mark of this request's grant, if there was one.
    world.endOp(node, op, got, null, false);
    retried = true;
    if (prng.int(100) < RETRY_LATER_PCT) {
      const maxTtlMs = Math.max(...settings.ttlMs);
      await node.clock.sleep(prng.between(maxTtlMs, RETRY_LATER_TTLS_MAX * maxTtlMs));
      world.mark('acquireRetriedLater');
    }
    world.acquireWaits(node, op, 0);
    got = await client.acquire(resource, { ...options, waitMs: 0 });
  }
  endAcquire(world, node, client, op, got);
  if (got.kind !== 'granted') return;
  if (waitMs > 0 && world.scheduler.nowMs - startedMs > ttlMs / 2)
    world.mark('blockingAcquireWaited');
  await holdLease(world, node, client, { lease: got.lease, op: op.id }, retried);
}

/**
 * The lease's own limits an acquire asks for, now and then: a renewal count of 0 to 3, a maximum
 * age of one to two TTLs (a renewal at half the TTL then often runs into it, and is capped), or
 * both.
 */
function drawLeaseLimits(prng: Prng, ttlMs: number): LeaseLimits {
  if (prng.int(100) >= LEASE_LIMITS_PCT) return {};
  const which = prng.int(3);
  return {
    ...(which === 1 ? {} : { maxRenewals: prng.between(0, 3) }),
    ...(which === 0 ? {} : { maxAgeMs: ttlMs + prng.between(0, ttlMs) }),
  };
}

/**
 * A composite client call, run through the client package's own `acquireAll`, `withLease` (and
 * the `KeepAliveLoop` both clients renew with), `releaseAll` and `forceClaim` over this node's
 * client: each acquire, renew, release and force-release they make is one logical op of its own,
 * with the same bookkeeping as a plain call, so the checker judges every write they cause.
 */
async function composite(world: World, node: SimNode, client: LeaseClientLike): Promise<void> {
  const pick = node.workload.int(3);
  if (pick === 0 && client.forceRelease !== undefined) {
    await claimByForce(world, node, client);
  } else if (pick === 1) {
    await withLeaseTurn(world, node, client);
  } else {
    await acquireAllAndHold(world, node, client);
  }
}

/**
 * The node's store calls, one logical op at a time: the world names the op every call carries by
 * the node's op in progress, so a keep-alive's renewal and the work beside it take turns (a release
 * waits for a renewal still in flight).
 */
const turns = new WeakMap<SimNode, { readonly incarnation: number; tail: Promise<unknown> }>();

function inTurn<T>(node: SimNode, call: () => Promise<T>): Promise<T> {
  // A flow still running just after its node crashed (beside the one that met the crash) goes no
  // further, and leaves nothing in the next incarnation's queue.
  if (node.down) return new Promise<T>(() => {});
  let queue = turns.get(node);
  if (queue === undefined || queue.incarnation !== node.incarnation) {
    queue = { incarnation: node.incarnation, tail: Promise.resolve() };
    turns.set(node, queue);
  }
  const run = queue.tail.then(call);
  queue.tail = run.catch(() => undefined);
  return run;
}

/** One acquire op of a composite call (`ops` learns which op got each resource's grant). */
function acquireHost(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  ttlMs: number,
  ops: Map<string, number>,
) {
  return (
    resource: string,
    options: { ttlMs?: number; waitMs?: number; attemptsMax?: number } & LeaseLimits,
  ): Promise<AcquireOutcome> =>
    inTurn(node, async () => {
      const limits = {
        ...(options.maxRenewals === undefined ? {} : { maxRenewals: options.maxRenewals }),
        ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }),
      };
      const op = world.beginOp(node, 'acquire', resource, { ttlMs, requestId: null, ...limits });
      world.acquireWaits(node, op, options.waitMs ?? 0);
      const outcome = await client.acquire(resource, options);
      endAcquire(world, node, client, op, outcome);
      if (outcome.kind === 'granted') ops.set(resource, op.id);
      return outcome;
    });
}

/**
 * A keep-alive of `held` (the production loop), beside the node's work: each renewal one renew
 * op, and a renewed lease is what the node then holds. Its signal is the gate the node acts on
 * and what the checker samples. Judged on its own contract too: no renewal past its
 * `maxRenewals` (the keep-alive's, or the lease's own that the workload asked for at acquire),
 * none once the lease expires at the maximum age the workload asked for, none after a refusal.
 */
function keepAlive(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  held: HeldLease,
  maxRenewals: number | null,
  maxAgeMs: number | null = null,
): KeepAlive {
  let renewals = 0;
  let refused: string | null = null;
  const resource = held.lease.resource;
  const loop: KeepAliveLoop = new KeepAliveLoop(
    held.lease,
    maxRenewals === null ? {} : { maxRenewals },
    {
      clock: node.clock,
      renew: async (lease) => {
        if (refused !== null)
          world.helperContract(
            'keepAlive',
            `renewed ${JSON.stringify(resource)} again after ${refused}`,
          );
        if (maxRenewals !== null && renewals >= maxRenewals)
          world.helperContract(
            'keepAlive',
            `renewed ${JSON.stringify(resource)} a ${renewals + 1}th time; its maxRenewals is ${maxRenewals}`,
          );
        // At the lease's maximum age a renewal extends nothing: the keep-alive stops before it.
        if (maxAgeMs !== null && lease.expiresAtMs >= lease.acquiredAtMs + maxAgeMs)
          world.helperContract(
            'keepAlive',
            `renewed ${JSON.stringify(resource)} again though it expires at its maximum age (${maxAgeMs} ms)`,
          );
        renewals += 1;
        const renewed = await renewInTurn(world, node, client, lease, held, () => gate);
        if (['notHolder', 'expired', 'maxRenewalsReached', 'invalid'].includes(renewed.kind))
          refused = `its renewal was refused (${renewed.kind})`;
        return renewed;
      },
      ended: (_loop, end) => {
        if (end.kind === 'lost') world.mark('keepAliveLost');
        // Stopped, or refused: the work stops acting on the lease by its own choice. Run out:
        // the sampled signal meets the floor under belief (was it given up too early?).
        const ranOut = end.kind === 'lost' && end.reason === 'beliefEnded';
        if (!ranOut && node.held.get(resource)?.gate === gate) world.setHeld(node, resource, null);
      },
    },
  );
  const gate = () => !loop.signal.aborted;
  world.setHeld(node, resource, { ...(node.held.get(resource) ?? held), gate });
  loop.start();
  return loop;
}

function renewInTurn(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  lease: Lease,
  held: HeldLease,
  gate: () => (() => boolean) | undefined,
): Promise<RenewOutcome> {
  return inTurn(node, async () => {
    const ttlMs = held.ttlMs ?? lease.ttlMs;
    const op = world.beginOp(node, 'renew', lease.resource, { ttlMs, leaseOp: held.op });
    let renewed: RenewOutcome;
    try {
      renewed = await client.renew(lease);
    } catch (error) {
      // The implementation under test crashed in a flow nobody awaits: reported like a crash of
      // the workload's own flow, and the keep-alive waits for ever (the run stops here).
      world.failure(error);
      return new Promise<RenewOutcome>(() => {});
    }
    world.endOp(node, op, renewed, renewed.kind === 'renewed' ? renewed.lease.token : null);
    markLeaseLimits(world, renewed);
    const holding = node.held.get(lease.resource)?.lease.token === lease.token;
    if (renewed.kind === 'renewed') {
      world.mark('keepAliveRenewed');
      const open = gate();
      if (holding && open !== undefined && !open()) {
        // Answered after the keep-alive gave the lease up (its belief ran out first): the work
        // acts on the signal, which stays aborted, so the node holds the lease no more.
        world.setHeld(node, lease.resource, null);
      } else if (holding) {
        const next = { lease: renewed.lease, op: held.op, ttlMs, ...gateOf(open) };
        world.setHeld(node, lease.resource, next);
      }
    }
    return renewed;
  });
}

/** Coverage of a lease's own limits: a renewal refused at its own count, or capped at its age. */
function markLeaseLimits(world: World, renewed: RenewOutcome): void {
  if (renewed.kind === 'maxRenewalsReached' && renewed.limit === 'lease')
    world.mark('renewRefusedAtLeaseLimit');
  if (renewed.kind !== 'renewed') return;
  const { maxAgeMs, acquiredAtMs, expiresAtMs } = renewed.lease;
  if (maxAgeMs !== null && expiresAtMs === acquiredAtMs + maxAgeMs)
    world.mark('renewCappedAtMaxAge');
}

function gateOf(gate: (() => boolean) | undefined): { gate?: () => boolean } {
  return gate === undefined ? {} : { gate };
}

/** The keep-alive's `maxRenewals`, drawn per keep-alive: most have none. */
function drawMaxRenewals(node: SimNode): number | null {
  return node.compose.chance(1, 3) ? node.compose.between(0, 3) : null;
}

/**
 * The gate a plain turn acts on, as the README tells users: the client's `holds(resource)`
 * (else its belief in the lease the node holds now).
 */
function holdsGate(node: SimNode, client: LeaseClientLike, resource: string): () => boolean {
  if (client.holds !== undefined) return () => client.holds!(resource);
  return () => {
    const held = node.held.get(resource);
    return held !== undefined && client.believes(held.lease);
  };
}

/**
 * `withLease`: acquire, work on the lease while a keep-alive renews it (a fenced write per round,
 * gated on its signal alone, as users are told to), then release, always: also when the work
 * throws (it does, now and then), which `withLease` must rethrow after releasing.
 */
async function withLeaseTurn(world: World, node: SimNode, client: LeaseClientLike): Promise<void> {
  const prng = node.workload;
  const settings = world.settings;
  const resource = prng.pick(world.resources);
  const ttlMs = prng.pick(settings.ttlMs);
  const waitMs = prng.int(100) < settings.blockingPct ? prng.between(1, settings.waitMs) : 0;
  // Up to a few TTLs of work: long enough that the keep-alive has to renew.
  const rounds = prng.between(1, 2 * settings.writes);
  // The lease's own limits, given at acquire: the keep-alive stops at them.
  const maxRenewals = drawMaxRenewals(node);
  const maxAgeMs = node.compose.chance(1, 4) ? ttlMs + node.compose.between(0, ttlMs) : null;
  const throwsAt = node.compose.chance(1, 5) ? node.compose.between(0, rounds - 1) : null;
  const ops = new Map<string, number>();
  let granted: Lease | null = null;
  let released = false;
  let beside = false;
  const thrown = new Error('the work failed');
  let threw = false;
  try {
    await withLease(
      {
        acquire: async (name, options) => {
          const got = await acquireHost(world, node, client, ttlMs, ops)(name, options);
          if (got.kind === 'granted') granted = got.lease;
          return got;
        },
        keepAlive: (lease) => {
          world.processes.beside(node, 1);
          beside = true;
          const op = ops.get(lease.resource)!;
          return keepAlive(world, node, client, { lease, op, ttlMs }, maxRenewals, maxAgeMs);
        },
        release: (lease) => {
          released = true;
          world.setHeld(node, lease.resource, null);
          return inTurn(node, () =>
            releaseOp(world, node, client, lease, ops.get(lease.resource)!),
          );
        },
      },
      resource,
      async (scope) => {
        for (let i = 0; i < rounds && world.phase() === 'safety'; i++) {
          if (scope.signal.aborted) return;
          if (i === throwsAt) {
            threw = true;
            throw thrown;
          }
          await world.fencedWrite(node, resource, scope.token);
          await node.clock.sleep(prng.between(10, settings.workMs), scope.signal);
        }
      },
      {
        ttlMs,
        waitMs,
        ...(maxRenewals === null ? {} : { maxRenewals }),
        ...(maxAgeMs === null ? {} : { maxAgeMs }),
      },
    );
    if (threw) world.helperContract('withLease', 'swallowed the error its work threw');
  } catch (error) {
    if (error !== thrown) throw error;
    world.mark('withLeaseWorkThrew');
  }
  if (granted !== null && !released && !node.down)
    world.helperContract('withLease', `returned without releasing ${JSON.stringify(resource)}`);
  if (beside) await besideEnded(world, node);
}

/**
 * The work beside which keep-alives ran is over and they are stopped: once the last store call
 * any of them left in flight (a renewal that lost its race with the belief end) has been answered,
 * the node runs one flow again.
 */
async function besideEnded(world: World, node: SimNode): Promise<void> {
  await inTurn(node, async () => undefined);
  world.processes.beside(node, -1);
}

async function acquireAllAndHold(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
): Promise<void> {
  const prng = node.workload;
  const settings = world.settings;
  const names = prng.between(2, ACQUIRE_ALL_NAMES_MAX);
  const resources = Array.from({ length: names }, () => prng.pick(world.resources));
  const ttlMs = prng.pick(settings.ttlMs);
  const waitMs = prng.int(100) < settings.blockingPct ? prng.between(1, settings.waitMs) : 0;
  const kept = prng.chance(1, 2);
  const ops = new Map<string, number>();
  const rolledBack = new Set<string>();
  const got = await acquireAll(
    {
      monoMs: () => node.clock.monoMs(),
      acquire: acquireHost(world, node, client, ttlMs, ops),
      release: (lease) => {
        rolledBack.add(lease.resource);
        world.setHeld(node, lease.resource, null);
        world.mark('acquireAllRolledBack');
        return inTurn(node, () => releaseOp(world, node, client, lease, ops.get(lease.resource)!));
      },
    },
    resources,
    { ttlMs, waitMs },
  );
  if (got.kind !== 'granted') {
    // Nothing it took may stay held: every grant it got is released again.
    const left = [...ops.keys()].filter((resource) => !rolledBack.has(resource));
    if (left.length > 0 && !node.down)
      world.helperContract(
        'acquireAll',
        `failed (${got.kind}) and left ${left.map((r) => JSON.stringify(r)).join(', ')} held`,
      );
    return;
  }
  if (got.leases.length > 1) world.mark('acquireAllHeldSeveral');
  const granted = got.leases.map((lease) => ({ lease, op: ops.get(lease.resource)!, ttlMs }));
  if (!kept) {
    await holdSeveral(world, node, client, granted, []);
    return;
  }
  world.processes.beside(node, 1);
  const loops = granted.map((held) => keepAlive(world, node, client, held, drawMaxRenewals(node)));
  await holdSeveral(world, node, client, granted, loops);
  await besideEnded(world, node);
}

/**
 * Works on several leases at once: a fenced write to each it still believes in (and whose
 * keep-alive, if it has one, has not given it up), round after round; a lease whose belief ends
 * is dropped, and released late or never. Then `releaseAll`: the keep-alives stop, and the rest
 * are released in reverse order.
 */
async function holdSeveral(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  granted: readonly HeldLease[],
  loops: readonly KeepAlive[],
): Promise<void> {
  const prng = node.workload;
  const alive = new Map(granted.map((held, i) => [held.lease.resource, loops[i] ?? null]));
  let holding = [...granted];
  const writes = prng.between(1, (loops.length > 0 ? 2 : 1) * world.settings.writes);
  for (let i = 0; i < writes && holding.length > 0 && world.phase() === 'safety'; i++) {
    const kept: HeldLease[] = [];
    for (const held of holding) {
      const resource = held.lease.resource;
      const current = node.held.get(resource) ?? held;
      const loop = alive.get(resource) ?? null;
      if (loop?.signal.aborted === true) {
        world.setHeld(node, resource, null);
        continue;
      }
      const gate = current.gate ?? holdsGate(node, client, resource);
      if (!gate()) {
        world.disbelieved(node, current.lease);
        world.mark('beliefLapsedWhileHolding');
        world.setHeld(node, resource, null);
        node.ended.set(resource, ended(world, node, current));
        continue;
      }
      await world.fencedWrite(node, resource, current.lease.token);
      kept.push(current);
    }
    holding = kept;
    await node.clock.sleep(prng.between(10, world.settings.workMs));
  }
  const running = loops.filter((loop) => !loop.signal.aborted);
  if (running.length > 0) world.mark('releaseAllWithKeepAlives');
  const ops = new Map(holding.map((held) => [held.lease.resource, held.op]));
  await releaseAll({
    keepAlives: () => running,
    held: () => holding.map((held) => (node.held.get(held.lease.resource) ?? held).lease),
    release: (lease) => {
      world.setHeld(node, lease.resource, null);
      return inTurn(node, () => releaseOp(world, node, client, lease, ops.get(lease.resource)!));
    },
  });
}

/** An admin takes a resource over with forceClaim: acquire, force-release its holder, acquire. */
async function claimByForce(world: World, node: SimNode, client: LeaseClientLike): Promise<void> {
  const prng = node.workload;
  const resource = prng.pick(world.resources);
  const ttlMs = prng.pick(world.settings.ttlMs);
  const only = prng.chance(1, 2) ? null : prng.pick(world.nodes).id;
  let acquireOp: Op | null = null;
  let heldBy: string | null = null;
  const got = await forceClaim(
    {
      acquire: async (name, options) => {
        const op = world.beginOp(node, 'acquire', name, { ttlMs, requestId: null });
        world.acquireWaits(node, op, 0);
        const outcome = await client.acquire(name, options);
        endAcquire(world, node, client, op, outcome);
        acquireOp = op;
        heldBy = outcome.kind === 'held' ? outcome.holder : null;
        return outcome;
      },
      forceRelease: async (name, options) => {
        const expectedHolder = options.expectedHolder ?? null;
        // It evicts only the holder it found, and only the one it was told to take it from.
        if (expectedHolder === null || expectedHolder !== heldBy)
          world.helperContract(
            'forceClaim',
            `force-released ${JSON.stringify(name)} naming ${expectedHolder ?? 'no holder'}; the acquire found it held by ${heldBy ?? 'nobody'}`,
          );
        else if (only !== null && expectedHolder !== only)
          world.helperContract(
            'forceClaim',
            `force-released ${JSON.stringify(name)} from ${expectedHolder}; it was told to take it only from ${only}`,
          );
        const op = world.beginOp(node, 'forceRelease', name, { expectedHolder });
        const result = await client.forceRelease!(name, options);
        world.endOp(node, op, result, result.kind === 'forceReleased' ? result.token : null);
        return result;
      },
    },
    resource,
    { ttlMs, ...(only === null ? {} : { expectedHolder: only }) },
  );
  if (got.kind !== 'granted' || acquireOp === null) return;
  if (got.tookOverFrom !== null) world.mark('forceClaimTookOver');
  const op: Op = acquireOp;
  await holdLease(world, node, client, { lease: got.lease, op: op.id }, false);
}

/** One release op of `lease` (acquired by op `leaseOp`), retried once when it ends unavailable. */
async function releaseOp(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  lease: Lease,
  leaseOp: number,
): Promise<ReleaseOutcome> {
  const op = world.beginOp(node, 'release', lease.resource, { leaseOp });
  let released = await client.release(lease);
  if (released.kind === 'unavailable' && node.workload.int(100) < RETRY_UNAVAILABLE_PCT) {
    world.endOp(node, op, released, null, false);
    released = await client.release(lease);
  }
  world.endOp(node, op, released, null);
  return released;
}

function endAcquire(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  op: Op,
  got: AcquireOutcome,
): void {
  world.endOp(node, op, got, got.kind === 'granted' ? got.lease.token : null);
  if (got.kind !== 'granted') return;
  if (node.lostGrants.get(op.resource) === got.lease.token) world.mark('replyLostThenRetried');
  node.lostGrants.delete(op.resource);
  const ttlMs = op.ttlMs ?? got.lease.ttlMs;
  const gate = holdsGate(node, client, got.lease.resource);
  world.setHeld(node, got.lease.resource, { lease: got.lease, op: op.id, ttlMs, gate });
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
  // The TTL the workload asked for: its own record (renewals ask for it again, or another).
  let askedTtlMs = granted.ttlMs ?? lease.ttlMs;
  const gate = holdsGate(node, client, resource);
  const writes = prng.between(1, settings.writes);
  for (let i = 0; i < writes && world.phase() === 'safety'; i++) {
    if (!gate()) {
      world.disbelieved(node, lease);
      world.mark('beliefLapsedWhileHolding');
      world.setHeld(node, resource, null);
      const held = { lease, op: granted.op, ttlMs: askedTtlMs };
      await lateRelease(world, node, client, held);
      await staleRenew(world, node, client, held, true);
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
          : askedTtlMs;
    // Left out, the holder works on until its belief ends, as if the timer had not fired.
    if (!world.runsOp(node, 'renew')) continue;
    const op = world.beginOp(node, 'renew', resource, { ttlMs, leaseOp: granted.op });
    const renewed = await client.renew(lease, { ttlMs });
    world.endOp(node, op, renewed, renewed.kind === 'renewed' ? renewed.lease.token : null);
    markLeaseLimits(world, renewed);
    if (renewed.kind === 'renewed') {
      lease = renewed.lease;
      askedTtlMs = ttlMs;
      world.setHeld(node, resource, { lease, op: granted.op, ttlMs, gate });
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
    world.setHeld(node, resource, null);
    const held = { lease, op: granted.op, ttlMs: askedTtlMs };
    await lateRelease(world, node, client, held);
    await staleRenew(world, node, client, held, true);
    return;
  }
  world.setHeld(node, resource, null);
  const held = { lease, op: granted.op, ttlMs: askedTtlMs };
  if (world.phase() === 'safety' && prng.int(100) < settings.abandonPct) {
    node.ended.set(resource, ended(world, node, held));
    return;
  }
  await release(world, node, client, held, afterLostReply);
}

async function release(
  world: World,
  node: SimNode,
  client: LeaseClientLike,
  held: HeldLease,
  afterLostReply: boolean,
): Promise<void> {
  if (!world.runsOp(node, 'release')) {
    // Left out, the lease is left to expire, as an abandoned one is.
    node.ended.set(held.lease.resource, ended(world, node, held));
    return;
  }
  const released = await releaseOp(world, node, client, held.lease, held.op);
  if (released.kind === 'released' && afterLostReply) world.mark('releaseAfterLostReply');
  await staleRenew(world, node, client, held, true);
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
  if (!world.runsOp(node, 'late release')) return;
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
  if (!world.runsOp(node, 'late renew')) return;
  const op = world.beginOp(node, 'renew', lease.resource, {
    ttlMs: held.ttlMs ?? lease.ttlMs,
    leaseOp: held.op,
  });
  const renewed = await client.renew(lease);
  world.endOp(node, op, renewed, renewed.kind === 'renewed' ? renewed.lease.token : null);
  markLeaseLimits(world, renewed);
  if (renewed.kind !== 'renewed') {
    world.mark('staleRenewRefused');
    return;
  }
  if (!giveBack || !world.runsOp(node, 'release')) return;
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
  if (!world.runsOp(node, 'force-release')) return;
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
  if (!world.runsOp(node, 'cleanup')) return;
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
  let op = world.beginOp(node, 'acquire', resource, { ttlMs, requestId });
  const healedAtMs = world.scheduler.nowMs;
  world.acquireWaits(node, op, waitMs);
  let got = await client.acquire(resource, { ttlMs, waitMs, requestId });
  // A blocking acquire answers unavailable when it loses its compare-and-set budget to other
  // nodes (or the store keeps failing): a caller waiting for the lease asks again, within its wait.
  // An answer `expired` (the service cannot tell any more whether an earlier attempt of the
  // request applied, after many grants to others) is asked again under a new request id: the old
  // one's copies can never be granted now.
  let ids = 0;
  for (
    let retries = 0;
    (got.kind === 'unavailable' || got.kind === 'expired') && retries < PROBE_RETRIES_MAX;
    retries++
  ) {
    const leftMs = waitMs - (world.scheduler.nowMs - healedAtMs);
    if (leftMs <= 0 || world.stopped()) break;
    if (got.kind === 'expired') {
      // A new request id is a new intended acquire: the old one ends with its answer, and the
      // checker and the model hold the grant to the id it was asked under.
      world.endOp(node, op, got, null);
      ids += 1;
      op = world.beginOp(node, 'acquire', resource, { ttlMs, requestId: `${requestId}.${ids}` });
    } else {
      world.endOp(node, op, got, null, false);
    }
    world.acquireWaits(node, op, leftMs);
    const retryId = ids === 0 ? requestId : `${requestId}.${ids}`;
    got = await client.acquire(resource, { ttlMs, waitMs: leftMs, requestId: retryId });
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
    world.setHeld(node, got.lease.resource, { lease: got.lease, op: op.id });
    world.setHeld(node, got.lease.resource, null);
    const back = world.beginOp(node, 'release', resource, { leaseOp: op.id });
    const released = await client.release(got.lease);
    world.endOp(node, back, released, null);
  }
  world.probesDone += 1;
}
