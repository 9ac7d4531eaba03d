import { LeaseApi, type ApiRequest, type Transport, type TransportReply } from '@leasehold/api';
import {
  claimLease,
  gateLease,
  heartbeatLease,
  MemoryAgentState,
  releaseLease,
  type AgentHost,
  type AgentLease,
  type GateOutcome,
  type Lease,
} from '@leasehold/client';
import type { OpKind } from '@leasehold/step';
import { PPM } from './limits.js';
import type { SimNode } from './node-process.js';
import type { World } from './world.js';

/** Percent of claims an agent makes with `--force` (taking the lease over from its holder). */
const FORCE_CLAIM_PCT = 10;
/** Percent of claims that wait for the holder (`--wait`). */
const WAIT_CLAIM_PCT = 30;
/** Percent of heartbeats sent with `--min-interval` (the service's throttle). */
const THROTTLED_HEARTBEAT_PCT = 50;

/** What each API route is to the checker: the logical op its request carries, if any. */
const OP_OF_ROUTE: Readonly<Partial<Record<ApiRequest['route'], OpKind>>> = {
  acquire: 'acquire',
  renew: 'renew',
  release: 'release',
  forceRelease: 'forceRelease',
  cleanup: 'expire',
};

/**
 * An agent's kept leases, by node: like the agent CLI's state file, they outlive a crash of the
 * agent's process.
 */
const kept = new WeakMap<World, Map<string, MemoryAgentState>>();

function stateOf(world: World, node: SimNode): MemoryAgentState {
  let states = kept.get(world);
  if (states === undefined) {
    states = new Map();
    kept.set(world, states);
  }
  let state = states.get(node.id);
  if (state === undefined) {
    state = new MemoryAgentState();
    states.set(node.id, state);
  }
  return state;
}

/** The ops an agent's commands began: its last granted acquire (renewals and releases act on it). */
interface AgentOps {
  granted: number | null;
}

/**
 * The transport an agent's commands use, with the workload's bookkeeping: each request of a
 * mutating route is one logical op of its own (a `claim --force` is an acquire, a force-release
 * and an acquire), begun when it is sent and ended with what came back, so the checker judges
 * every write the commands cause as it judges a client's calls.
 */
function bookkeeping(world: World, node: SimNode, inner: Transport, ops: AgentOps): Transport {
  return {
    async send(request, options): Promise<TransportReply> {
      const kind = OP_OF_ROUTE[request.route];
      if (kind === undefined) return inner.send(request, options);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const resource =
        typeof body.resource === 'string' ? body.resource : (world.resources[0] ?? '');
      const ttlMs = typeof body.ttl_ms === 'number' ? body.ttl_ms : null;
      const expectedHolder = typeof body.expected_holder === 'string' ? body.expected_holder : null;
      const leaseOp = kind === 'renew' || kind === 'release' ? ops.granted : null;
      const op = world.beginOp(node, kind, resource, {
        ...(ttlMs === null ? {} : { ttlMs }),
        ...(leaseOp === null ? {} : { leaseOp }),
        expectedHolder,
      });
      if (kind === 'acquire') {
        // The service waits on its replica's monotonic clock: on the agent's, that may be shorter
        // by the drift of both clocks.
        const waitMs = typeof body.wait_ms === 'number' ? body.wait_ms : 0;
        const driftMs = Math.ceil((2 * waitMs * world.settings.driftPpm) / PPM);
        world.acquireWaits(node, op, Math.max(0, waitMs - driftMs));
      }
      const reply = await inner.send(request, options);
      const answer = answerOf(request.route, reply);
      if (kind === 'acquire' && answer.kind === 'granted') ops.granted = op.id;
      world.endOp(node, op, answer, answer.token ?? null);
      return reply;
    },
  };
}

/** An HTTP answer as the outcome the checker records (the client's words for it). */
function answerOf(
  route: ApiRequest['route'],
  reply: TransportReply,
): { kind: string; token?: number; field?: string; reason?: string } {
  if (reply.kind === 'failed') return { kind: 'unavailable' };
  const body = (reply.body ?? {}) as Record<string, unknown>;
  const token = typeof body.token === 'number' ? { token: body.token } : {};
  switch (reply.status) {
    case 201:
      return { kind: 'granted', ...token };
    case 200:
      if (route === 'renew')
        return body.skipped === true ? { kind: 'skipped' } : { kind: 'renewed', ...token };
      if (route === 'release') return { kind: 'released' };
      if (route === 'forceRelease') return { kind: 'forceReleased', ...token };
      return { kind: 'ok' };
    case 409:
      return { kind: typeof body.error === 'string' ? body.error : 'conflict' };
    case 410:
      return { kind: 'expired' };
    case 400:
      return {
        kind: 'invalid',
        field: String(body.field ?? 'request'),
        reason: String(body.message ?? ''),
      };
    case 403:
    case 404:
      return { kind: 'notHolder' };
    default:
      return { kind: 'unavailable' };
  }
}

/** A kept lease as the `Lease` the world tracks (the agent keeps no monotonic belief). */
function leaseOf(resource: string, agent: string, kept: AgentLease): Lease {
  return {
    resource,
    holder: agent,
    token: kept.token,
    ownerKey: kept.owner_key,
    ttlMs: kept.ttl_ms,
    acquiredAtMs: 0,
    expiresAtMs: 0,
    renewals: 0,
    validUntilMonoMs: 0,
  };
}

/**
 * An agent working through the agent CLI's own decisions, as a coding agent's hooks run them:
 * claim a resource (now and then with `--wait` or `--force`), then round after round gate
 * before each edit (a fenced write, only while the gate's answer holds) and heartbeat (throttled
 * half the time), then release. Half the turns on a lease the agent kept from an earlier one go
 * straight to the gate, as a session's hooks do between its start and its end. The world samples
 * the gate's answer as the agent's belief: yes until the instant on the agent's wall clock the
 * gate said its answer holds.
 */
export async function agentTurn(world: World, node: SimNode, transport: Transport): Promise<void> {
  const prng = node.compose;
  const settings = world.settings;
  const state = stateOf(world, node);
  // A session keeps working on the file it holds: half the turns stay on a kept lease.
  const keptNames = world.resources.filter((name) => state.read(name) !== undefined);
  const resource =
    keptNames.length > 0 && prng.chance(1, 2) ? prng.pick(keptNames) : prng.pick(world.resources);
  const ttlMs = prng.pick(settings.ttlMs);
  const ops: AgentOps = { granted: null };
  const host: AgentHost = {
    agent: node.id,
    api: new LeaseApi(bookkeeping(world, node, transport, ops)),
    state,
    wallMs: () => node.clock.wallMs(),
    config: world.config,
    requestMs: world.httpTimeoutMs,
    description: 'simulated service',
    requestId: () => `${node.id}.${node.incarnation}.claim${world.nextOpId()}`,
  };
  // A session that claimed this resource earlier (its kept lease outlives a crash, as the CLI's
  // state file does) goes on as its hooks do: gate before each edit and heartbeat, no claim.
  const kept = host.state.read(resource);
  const resumed = kept !== undefined && prng.chance(1, 2);
  if (resumed) {
    world.mark('agentSessionResumed');
  } else {
    // A release this agent sent earlier was never confirmed: the CLI says to send it again.
    if (kept?.releasing === true) {
      world.mark('agentReleaseRetried');
      const released = await releaseLease(host, resource);
      if (released.kind !== 'released') return;
    }
    const force = prng.int(100) < FORCE_CLAIM_PCT;
    const waitMs = prng.int(100) < WAIT_CLAIM_PCT ? prng.between(1, settings.waitMs) : 0;
    const claimed = await claimLease(host, resource, {
      ttlMs,
      ...(waitMs > 0 ? { waitMs } : {}),
      ...(force ? { force: true } : {}),
    });
    if (claimed.kind !== 'claimed' && claimed.kind !== 'alreadyHeld') return;
    if (force) world.mark('agentClaimForced');
  }
  const rounds = prng.between(1, settings.writes);
  let gate: GateOutcome | null = null;
  const believes = () =>
    gate !== null && gate.kind === 'holds' && node.clock.wallMs() < gate.untilWallMs;
  for (let i = 0; i < rounds && world.phase() === 'safety'; i++) {
    gate = await gateLease(host, resource);
    const lease = host.state.read(resource);
    if (gate.kind !== 'holds' || lease === undefined) {
      world.setHeld(node, resource, null);
      world.mark('agentGateRefused');
      break;
    }
    world.mark('agentGateHeld');
    world.setHeld(node, resource, {
      lease: leaseOf(resource, node.id, lease),
      op: ops.granted ?? 0,
      gate: believes,
      floor: false,
    });
    if (believes()) await world.fencedWrite(node, resource, gate.token);
    await node.clock.sleep(prng.between(10, settings.workMs));
    const minIntervalMs =
      prng.int(100) < THROTTLED_HEARTBEAT_PCT ? prng.between(0, ttlMs) : undefined;
    const beat = await heartbeatLease(
      host,
      resource,
      minIntervalMs === undefined ? {} : { minIntervalMs },
    );
    if (beat.kind === 'throttled' || (beat.kind === 'renewed' && beat.skipped))
      world.mark('agentHeartbeatThrottled');
    if (beat.kind === 'lost' || beat.kind === 'notHeld') {
      world.setHeld(node, resource, null);
      return;
    }
  }
  world.setHeld(node, resource, null);
  if (world.phase() !== 'safety') return;
  await releaseLease(host, resource);
}
