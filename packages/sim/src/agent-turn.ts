import { LeaseApi, type ApiRequest, type Transport, type TransportReply } from '@leasehold/api';
import {
  goneToOther,
  MemoryAgentState,
  type AgentHost,
  type AgentLease,
  type Lease,
} from '@leasehold/client';
import { MemoryKeptLeases } from '@leasehold/server/mcp';
import type { OpKind } from '@leasehold/step';
import { cliCommands, mcpCommands, type AgentCommands, type GateAnswer } from './agent-commands.js';
import { PPM } from './limits.js';
import { Prng } from './prng.js';
import { noteLeaseId, queryTurn } from './query-turn.js';
import { carelessTurn } from './careless-requests.js';
import type { SimNode } from './node-process.js';
import type { World } from './world.js';

/** Percent of claims an agent makes with `--force` (taking the lease over from its holder). */
const FORCE_CLAIM_PCT = 10;
/** Percent of claims that wait for the holder (`--wait`). */
const WAIT_CLAIM_PCT = 30;
/** Percent of claims (not forced) that take a second resource too, all or none (`claim a b`). */
const CLAIM_PAIR_PCT = 20;
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
 * What an agent keeps between its commands, by node: its leases, as the agent CLI's state file
 * keeps them (they outlive a crash of the agent's process), and, for the workload's bookkeeping,
 * the logical op whose grant each kept lease is (its renewals and releases act on that grant).
 */
interface AgentMemory {
  readonly state: MemoryAgentState | MemoryKeptLeases;
  readonly grantOps: Map<string, number>;
  /** The resource of each lease id granted, for the renewals and releases that name the id. */
  readonly resourceOfLease: Map<string, string>;
}

const memories = new WeakMap<World, Map<string, AgentMemory>>();

/**
 * Percent of agents that work through the MCP tools rather than the agent CLI. A quarter: the CLI's
 * own paths the tools do not take (a heartbeat's minimum interval, a forced claim in one call)
 * stay common enough for a default sweep to reach their rare failures (production bug B34 is
 * reported 8 times in 5,400 runs at a quarter, never at a half).
 */
const MCP_AGENT_PCT = 25;

/**
 * Whether `node` is an agent working through the MCP tools (`leasehold mcp`), drawn once per node
 * from a stream of its own, so the other streams draw as they would without it.
 */
function viaMcp(world: World, node: SimNode): boolean {
  return new Prng(world.seed, `mcp-agent:${node.id}`).int(100) < MCP_AGENT_PCT;
}

/**
 * An agent's memory. The CLI's state file outlives a crash of the agent's process; the leases an
 * MCP server keeps live in that server's memory, and it dies with the agent's session, so a node
 * working through MCP starts each incarnation with none.
 */
function memoryOf(world: World, node: SimNode, mcp: boolean): AgentMemory {
  let byNode = memories.get(world);
  if (byNode === undefined) {
    byNode = new Map();
    memories.set(world, byNode);
  }
  const key = mcp ? `${node.id}#${node.incarnation}` : node.id;
  let memory = byNode.get(key);
  if (memory === undefined) {
    const state = mcp ? new MemoryKeptLeases() : new MemoryAgentState();
    memory = { state, grantOps: new Map(), resourceOfLease: new Map() };
    byNode.set(key, memory);
  }
  return memory;
}

/**
 * The transport an agent's commands use, with the workload's bookkeeping: each request of a
 * mutating route is one logical op of its own (a `claim --force` is an acquire, a force-release
 * and an acquire), begun when it is sent and ended with what came back, so the checker judges
 * every write the commands cause as it judges a client's calls.
 */
function bookkeeping(
  world: World,
  node: SimNode,
  inner: Transport,
  memory: AgentMemory,
  turnResource: string,
): Transport {
  return {
    async send(request, options): Promise<TransportReply> {
      const kind = OP_OF_ROUTE[request.route];
      if (kind === undefined) return inner.send(request, options);
      const body = (request.body ?? {}) as Record<string, unknown>;
      // A renewal or release names its lease by id: the resource granted under it, else the turn's.
      const named =
        typeof body.lease_id === 'string' ? memory.resourceOfLease.get(body.lease_id) : undefined;
      const resource = typeof body.resource === 'string' ? body.resource : (named ?? turnResource);
      const ttlMs = typeof body.ttl_ms === 'number' ? body.ttl_ms : null;
      const expectedHolder = typeof body.expected_holder === 'string' ? body.expected_holder : null;
      const leaseOp =
        kind === 'renew' || kind === 'release' ? (memory.grantOps.get(resource) ?? null) : null;
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
      const answer = answerOf(request.route, reply, node.id);
      if (kind === 'acquire' && answer.kind === 'granted') {
        memory.grantOps.set(resource, op.id);
        const leaseId =
          reply.kind === 'reply' ? (reply.body as { lease_id?: unknown }).lease_id : null;
        if (typeof leaseId === 'string') {
          memory.resourceOfLease.set(leaseId, resource);
          if (typeof answer.token === 'number') noteLeaseId(world, resource, answer.token, leaseId);
        }
      }
      world.endOp(node, op, answer, answer.token ?? null);
      return reply;
    },
  };
}

/** An answer as the checker records it: the client's words, and the fields it carries. */
type Answer = { readonly kind: string; readonly token?: number } & Record<string, unknown>;

/**
 * An HTTP answer as the outcome the checker records, in the words and field names the lease
 * clients use for it (the lease of a grant or renewal, the holder of a `held`, the reason of an
 * `expired`), so trace validation judges what the service told the agent.
 */
function answerOf(route: ApiRequest['route'], reply: TransportReply, agent: string): Answer {
  if (reply.kind === 'failed') return { kind: 'unavailable' };
  const body = (reply.body ?? {}) as Record<string, unknown>;
  const token = typeof body.token === 'number' ? { token: body.token } : {};
  const replayed = typeof body.replayed === 'boolean' ? { replayed: body.replayed } : {};
  switch (reply.status) {
    case 201:
      return { kind: 'granted', ...token, lease: leaseFields(body), ...replayed };
    case 200:
      if (route === 'renew')
        return body.skipped === true
          ? { kind: 'skipped' }
          : { kind: 'renewed', ...token, lease: leaseFields(body) };
      if (route === 'release') return { kind: 'released', ...token, ...replayed };
      if (route === 'forceRelease')
        return { kind: 'forceReleased', previousHolder: body.previous_holder, ...token };
      return { kind: 'ok' };
    case 409:
      switch (body.error) {
        case 'held':
          return {
            kind: 'held',
            holder: body.holder,
            ...token,
            expiresAtMs: body.expires_at_ms,
            retryAfterMs: body.retry_after_ms,
          };
        case 'max_renewals_reached':
          return {
            kind: 'maxRenewalsReached',
            renewals: body.renewals,
            maxRenewals: body.max_renewals,
            limit: body.limit,
          };
        case 'not_held':
          return { kind: 'notHeld' };
        case 'holder_mismatch':
          // As the clients word it: another holder than the one expected has it.
          return { kind: 'notHolder', holder: body.holder };
        default:
          return { kind: 'conflict' };
      }
    case 410: {
      // As the lease clients word it: a lease another node holds now, or held last, is not this
      // one's.
      const holder = typeof body.holder === 'string' ? body.holder : null;
      if (route === 'release') return { kind: 'notHolder', holder };
      const other = goneToOther(body as Parameters<typeof goneToOther>[0], agent);
      if (other !== null) return { ...other };
      return { kind: 'expired', ...token, reason: body.reason };
    }
    case 400:
      return {
        kind: 'invalid',
        field: String(body.field ?? 'request'),
        reason: String(body.message ?? ''),
      };
    case 403:
    case 404:
      return { kind: 'notHolder', holder: null };
    default:
      return { kind: 'unavailable' };
  }
}

/** A lease's fields in an answer's body, named as the clients' `Lease` names them. */
function leaseFields(body: Record<string, unknown>): Record<string, unknown> {
  return {
    resource: body.resource,
    holder: body.holder,
    token: body.token,
    ttlMs: body.ttl_ms,
    acquiredAtMs: body.acquired_at_ms,
    expiresAtMs: body.expires_at_ms,
    renewals: body.renewals,
    maxRenewals: body.max_renewals,
    maxAgeMs: body.max_age_ms,
  };
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
    maxRenewals: null,
    maxAgeMs: null,
    validUntilMonoMs: 0,
  };
}

/**
 * An agent working through the agent CLI's own decisions, as a coding agent's hooks run them, or
 * (a quarter of the agents, `agent-commands.ts`) through the MCP tools that run the same decisions:
 * claim a resource (now and then with `--wait` or `--force`, or with a second one, both or
 * neither), then round after round gate
 * before each edit (a fenced write, only while the gate's answer holds) and heartbeat (throttled
 * half the time), then release. Half the turns on a lease the agent kept from an earlier one go
 * straight to the gate, as a session's hooks do between its start and its end. The world samples
 * the gate's answer as the agent's belief: yes until the instant on the agent's wall clock the
 * gate said its answer holds. Now and then a turn only asks (a status, a listing; query-turn.ts), or, where
 * the service checks API keys, oversteps the agent's key (careless-requests.ts).
 */
export async function agentTurn(world: World, node: SimNode, transport: Transport): Promise<void> {
  if (await queryTurn(world, node, transport)) return;
  if (await carelessTurn(world, node)) return;
  const prng = node.compose;
  const settings = world.settings;
  const mcp = viaMcp(world, node);
  const memory = memoryOf(world, node, mcp);
  const state = memory.state;
  // A session keeps working on the file it holds: half the turns stay on a kept lease.
  const keptNames = world.resources.filter((name) => state.read(name) !== undefined);
  const resource =
    keptNames.length > 0 && prng.chance(1, 2) ? prng.pick(keptNames) : prng.pick(world.resources);
  const ttlMs = prng.pick(settings.ttlMs);
  const host: AgentHost = {
    agent: node.id,
    api: new LeaseApi(bookkeeping(world, node, transport, memory, resource)),
    state,
    wallMs: () => node.clock.wallMs(),
    config: world.config,
    requestMs: world.httpTimeoutMs,
    description: 'simulated service',
    requestId: () => `${node.id}.${node.incarnation}.claim${world.nextOpId()}`,
  };
  const commands =
    state instanceof MemoryKeptLeases
      ? mcpCommands({ ...host, state }, world.httpTimeoutMs)
      : cliCommands(host);
  if (commands.via === 'mcp') world.mark('agentViaMcp');
  // A session that claimed this resource earlier (its kept lease outlives a crash, as the CLI's
  // state file does) goes on as its hooks do: gate before each edit and heartbeat, no claim.
  const kept = host.state.read(resource);
  const resumed = kept !== undefined && prng.chance(1, 2);
  if (resumed) world.mark('agentSessionResumed');
  else if (!(await claimTurn(world, node, commands, resource, ttlMs, kept?.releasing === true)))
    return;
  await workTurn(world, node, commands, memory, resource, ttlMs);
}

/**
 * The claim a turn starts with: a release sent earlier and never confirmed sent again first (the
 * CLI and the MCP tools say to), then one resource (now and then forced, or waiting), or two,
 * both or neither. Whether the turn goes on to work.
 */
async function claimTurn(
  world: World,
  node: SimNode,
  commands: AgentCommands,
  resource: string,
  ttlMs: number,
  releasing: boolean,
): Promise<boolean> {
  const prng = node.compose;
  if (releasing) {
    world.mark('agentReleaseRetried');
    if (!(await commands.release(resource))) return false;
  }
  const force = prng.int(100) < FORCE_CLAIM_PCT;
  const waitMs = prng.int(100) < WAIT_CLAIM_PCT ? prng.between(1, world.settings.waitMs) : 0;
  const others = world.resources.filter((name) => name !== resource);
  if (!force && others.length > 0 && prng.int(100) < CLAIM_PAIR_PCT) {
    // `claim a b`: both or neither, as the CLI and the MCP claim tool run it. The second lease
    // stays kept for later turns, as a session keeps the files it claimed.
    const all = await commands.claim([resource, prng.pick(others)], { ttlMs, waitMs, force });
    if (all === 'refusedGaveBack') world.mark('agentClaimGaveBack');
    if (all !== 'claimed') return false;
    world.mark('agentClaimedSeveral');
    return true;
  }
  const claimed = await commands.claim([resource], { ttlMs, waitMs, force });
  if (claimed !== 'claimed') return false;
  if (force) world.mark('agentClaimForced');
  return true;
}

/**
 * Round after round: gate before each edit (a fenced write, only while the gate's answer holds)
 * and heartbeat (throttled half the time), then release.
 */
async function workTurn(
  world: World,
  node: SimNode,
  commands: AgentCommands,
  memory: AgentMemory,
  resource: string,
  ttlMs: number,
): Promise<void> {
  const prng = node.compose;
  const rounds = prng.between(1, world.settings.writes);
  let gate: GateAnswer | null = null;
  let gatedAtMs = -1;
  // A hook acts on the gate's exit code: yes at the instant it answered, whatever instant it named;
  // after that, only until the instant on the agent's wall clock it said its answer holds.
  const believes = () =>
    gate !== null &&
    gate.holds &&
    (world.scheduler.nowMs === gatedAtMs || node.clock.wallMs() < gate.untilWallMs);
  for (let i = 0; i < rounds && world.phase() === 'safety'; i++) {
    gate = await commands.gate(resource);
    gatedAtMs = world.scheduler.nowMs;
    const lease = memory.state.read(resource);
    if (!gate.holds || lease === undefined) {
      world.setHeld(node, resource, null);
      world.mark('agentGateRefused');
      break;
    }
    world.mark('agentGateHeld');
    world.setHeld(node, resource, {
      lease: leaseOf(resource, node.id, lease),
      op: memory.grantOps.get(resource) ?? 0,
      gate: believes,
      floor: false,
    });
    // The edit follows the gate's yes at once, as `leasehold agent gate X && edit` does.
    await world.fencedWrite(node, resource, gate.token);
    await node.clock.sleep(prng.between(10, world.settings.workMs));
    const minIntervalMs =
      prng.int(100) < THROTTLED_HEARTBEAT_PCT ? prng.between(0, ttlMs) : undefined;
    const beat = await commands.heartbeat(resource, minIntervalMs);
    if (beat === 'throttled') world.mark('agentHeartbeatThrottled');
    if (beat === 'stop') {
      world.setHeld(node, resource, null);
      return;
    }
  }
  world.setHeld(node, resource, null);
  if (world.phase() !== 'safety') return;
  await commands.release(resource);
}
