import {
  failoverTransport,
  type ApiAnswer,
  type ApiRequest,
  type Transport,
  type TransportReply,
} from '@leasehold/api';
import type { CallOrigin, NoAnswerCause } from '@leasehold/step';
import { fires } from './faults.js';
import { LATENCY_MS_BASE_MAX, LATENCY_MS_FAULT_MAX, LATENCY_MS_MIN } from './limits.js';
import type { Network } from './network.js';
import type { NodeProcesses, SimNode } from './node-process.js';
import type { KeyRole, WorldKeys } from './api-keys.js';
import { Prng } from './prng.js';
import type { WorldContext } from './world-context.js';

/**
 * Percent of agents given every replica's URL (they fail over between them, as `--server a,b`
 * does); the others reach the service through one load balancer's address.
 */
const FAILOVER_AGENT_PCT = 50;

/** How an agent reaches the service: through a load balancer, or given the replicas' URLs. */
type Addressing =
  | { readonly kind: 'balancer' }
  /** Every replica, listed from the `first`th on (agents need not list them alike). */
  | { readonly kind: 'failover'; readonly first: number };

/** One request in flight from an agent: answered at most once (by an answer or its timeout). */
interface InFlight {
  readonly id: number;
  readonly node: SimNode;
  readonly incarnation: number;
  readonly replica: SimNode;
  readonly request: ApiRequest;
  /** The `Authorization` header it carries, when the run's replicas check API keys. */
  readonly authorization: string | undefined;
  readonly resolve: (reply: TransportReply) => void;
  settled: boolean;
}

/** The shell's answer to a request whose API key it does not know. */
const UNKNOWN_KEY: ApiAnswer = {
  status: 401,
  body: { error: 'unauthorized', message: 'send Authorization: Bearer <key> with a known key' },
};

/**
 * The service topology's network between agents and replicas of the lease service, as each
 * agent's `Transport`. An agent behind a load balancer sends each request to the replica it picks;
 * an agent given every replica's URL sends it through `failoverTransport` (the wrapper the client
 * and the CLI use): to the replica that answered last, and on no answer or a 503 on to the next.
 * Each request to a replica may be lost, delayed, reordered, duplicated, held past the agent's
 * timeout, or cut off by a partition; the replica runs the service's request path (the same
 * `handleRequest` fastify calls) with every store call naming the request it serves; its answer
 * travels back the same way, or is lost. Bodies go as JSON both ways, as over HTTP. An agent that
 * gets no answer in time sees its request fail, its outcome unknown.
 */
export class ServiceNetwork {
  readonly #ctx: WorldContext;
  readonly #processes: NodeProcesses;
  readonly #links: Network;
  #requests = 0;
  #serves = 0;
  /** By agent, drawn once from its own stream (so no other draw of the run moves). */
  readonly #addressing = new Map<string, Addressing>();

  /** The run's API keys, or null when its replicas check none. */
  readonly keys: WorldKeys | null;

  constructor(ctx: WorldContext, processes: NodeProcesses, links: Network, keys: WorldKeys | null) {
    this.#ctx = ctx;
    this.#processes = processes;
    this.#links = links;
    this.keys = keys;
  }

  /**
   * `node`'s transport: what its `HttpLeaseClient` and agent commands send through. Each call is
   * a new process's (an agent command) or a new client's: a failover transport starts afresh.
   */
  transportFor(node: SimNode, role: KeyRole = 'own'): Transport {
    const addressing = this.#addressingOf(node);
    const authorization = this.keys?.authorization(node.id, role);
    if (addressing.kind === 'balancer')
      return {
        send: (request, options) =>
          this.#send(node, null, request, options.timeoutMs, authorization),
      };
    const replicas = this.#processes.replicas;
    const listed = replicas.map((_, i) => replicas[(addressing.first + i) % replicas.length]!);
    const ctx = this.#ctx;
    return failoverTransport(
      listed.map((replica) => ({
        name: replica.id,
        transport: {
          send: (request, options) =>
            this.#send(node, replica, request, options.timeoutMs, authorization),
        },
      })),
      { monoMs: () => node.clock.monoMs(), onFailover: () => ctx.mark('requestFailedOver') },
    );
  }

  #addressingOf(node: SimNode): Addressing {
    let addressing = this.#addressing.get(node.id);
    if (addressing === undefined) {
      const prng = new Prng(this.#ctx.seed, `addressing:${node.id}`);
      const replicas = this.#processes.replicas.length;
      addressing =
        prng.int(100) < FAILOVER_AGENT_PCT
          ? { kind: 'failover', first: prng.int(replicas) }
          : { kind: 'balancer' };
      this.#addressing.set(node.id, addressing);
    }
    return addressing;
  }

  #latencyMs(): number {
    const ctx = this.#ctx;
    if (ctx.swarm().netDelay === undefined)
      return ctx.network.between(LATENCY_MS_MIN, LATENCY_MS_BASE_MAX);
    const latencyMs = ctx.network.between(LATENCY_MS_MIN, LATENCY_MS_FAULT_MAX);
    if (latencyMs > LATENCY_MS_BASE_MAX) ctx.counted('netDelay');
    return latencyMs;
  }

  /** One request to `to`, or (null) to the replica the load balancer picks. */
  #send(
    node: SimNode,
    to: SimNode | null,
    request: ApiRequest,
    timeoutMs: number,
    authorization: string | undefined,
  ): Promise<TransportReply> {
    const ctx = this.#ctx;
    const incarnation = node.incarnation;
    const wallMs = node.clock.wallMs();
    const monoMs = node.clock.monoMs();
    const sentAtMs = ctx.scheduler.elapsedMs;
    const op = node.op?.id ?? null;
    ctx.scheduler.yielded();
    return new Promise<TransportReply>((resolve) => {
      const injected = this.#processes.atAwait(node);
      if (injected === null || ctx.stopped()) return;
      const replicas = this.#processes.replicas;
      const replica = to ?? replicas[ctx.network.int(replicas.length)]!;
      const swarm = ctx.swarm();
      const inSafety = ctx.phase() === 'safety';
      const duplicateDrawn = inSafety && fires(swarm, 'netDuplicate', ctx.faults);
      const duplicate = duplicateDrawn && ctx.strikes('netDuplicate', node.id);
      const id = ++this.#requests;
      ctx.record({
        kind: 'request',
        node: node.id,
        inc: incarnation,
        req: id,
        op,
        route: request.route,
        replica: replica.id,
        wallMs,
        monoMs,
        copies: duplicate ? 2 : 1,
        ...tokenFloorOf(request),
      });
      const flight: InFlight = {
        id,
        node,
        incarnation,
        replica,
        request: JSON.parse(JSON.stringify(request)) as ApiRequest,
        authorization,
        resolve,
        settled: false,
      };
      const scheduler = ctx.scheduler;
      const departMs = scheduler.nowMs + injected.delayMs;
      const timeoutAtMs = node.clock.trueMsAtMono(monoMs + timeoutMs) + injected.delayMs;
      scheduler.at(timeoutAtMs, () => this.#noAnswer(flight, 'timeout'));
      if (inSafety) this.#links.maybePartition();
      if (this.#links.cut(node.id, replica.id)) return;
      if (
        inSafety &&
        fires(swarm, 'netRequestLost', ctx.faults) &&
        ctx.strikes('netRequestLost', node.id)
      ) {
        ctx.fired('netRequestLost', node.id);
        return;
      }
      let arriveMs = departMs + this.#latencyMs();
      if (inSafety && fires(swarm, 'netLateDelivery', ctx.faults)) {
        const lateMs = Math.max(arriveMs, timeoutAtMs + ctx.faults.between(1, timeoutMs));
        if (ctx.strikes('netLateDelivery', node.id)) {
          arriveMs = lateMs;
          ctx.fired('netLateDelivery', node.id, arriveMs - departMs);
        }
      }
      const sent = { node: node.id, req: id, atMs: sentAtMs, monoMs };
      scheduler.at(arriveMs, () => this.#arrive(flight, 0, op, sent));
      if (duplicateDrawn) {
        const againMs = arriveMs + ctx.faults.between(1, timeoutMs);
        if (!duplicate) return;
        ctx.fired('netDuplicate', node.id, againMs - arriveMs);
        scheduler.at(againMs, () => this.#arrive(flight, 1, op, sent));
      }
    });
  }

  /** One copy of a request reaches its replica, which serves it (or refuses: it is down). */
  #arrive(
    flight: InFlight,
    copy: number,
    op: number | null,
    sent: Omit<CallOrigin, 'serve'>,
  ): Promise<void> | undefined {
    const ctx = this.#ctx;
    if (ctx.stopped()) return undefined;
    const replica = flight.replica;
    const serve = ++this.#serves;
    ctx.record({ kind: 'serve', serve, req: flight.id, replica: replica.id, copy });
    const handler = replica.replica;
    if (replica.down || handler === null) {
      // Nothing listens: the connection is refused at once.
      if (copy === 0) this.#answerBack(flight, replica, serve, null);
      return undefined;
    }
    const incarnation = replica.incarnation;
    const served = { op, origin: { ...sent, serve } };
    // The HTTP shell resolves the caller before the request path: a key it does not know is a 401.
    const caller = this.keys === null ? null : this.keys.callerOf(flight.authorization);
    if (caller === 'unknown') {
      if (copy === 0) this.#answerBack(flight, replica, serve, UNKNOWN_KEY);
      return undefined;
    }
    return ctx.scheduler.wake(() => {
      handler(flight.request, served, caller).then(
        (answer) => {
          if (replica.incarnation !== incarnation || replica.down) return;
          if (copy === 0) this.#answerBack(flight, replica, serve, answer);
        },
        (error: unknown) => ctx.failure(error),
      );
    }, true);
  }

  /** The replica's answer (null: refused) travels back to the agent, unless it is lost. */
  #answerBack(flight: InFlight, replica: SimNode, serve: number, answer: ApiAnswer | null): void {
    const ctx = this.#ctx;
    const swarm = ctx.phase() === 'safety' ? ctx.swarm() : {};
    if (this.#links.cut(replica.id, flight.node.id)) return;
    if (
      answer !== null &&
      fires(swarm, 'netReplyLost', ctx.faults) &&
      ctx.strikes('netReplyLost', flight.node.id)
    ) {
      ctx.fired('netReplyLost', flight.node.id);
      return;
    }
    const body = answer === null ? null : (JSON.parse(JSON.stringify(answer.body)) as unknown);
    const scheduler = ctx.scheduler;
    scheduler.at(scheduler.nowMs + this.#latencyMs(), () =>
      answer === null
        ? this.#noAnswer(flight, 'refused')
        : this.#deliver(
            flight,
            { kind: 'reply', status: answer.status, body },
            { status: answer.status, serve },
          ),
    );
  }

  #noAnswer(flight: InFlight, cause: NoAnswerCause): Promise<void> | undefined {
    const reason =
      cause === 'timeout' ? `${flight.request.route}: no answer in time` : 'connection refused';
    return this.#deliver(flight, { kind: 'failed', reason }, { status: null, serve: null }, cause);
  }

  #deliver(
    flight: InFlight,
    reply: TransportReply,
    answered: { readonly status: number | null; readonly serve: number | null },
    cause: NoAnswerCause | null = null,
  ): Promise<void> | undefined {
    if (flight.settled) return undefined;
    flight.settled = true;
    const node = flight.node;
    if (node.incarnation !== flight.incarnation || node.down) return undefined;
    this.#ctx.record({
      kind: 'response',
      req: flight.id,
      node: node.id,
      replica: flight.replica.id,
      status: answered.status,
      serve: answered.serve,
      cause,
      wallMs: node.clock.wallMs(),
    });
    return this.#processes.wake(node, flight.incarnation, () => flight.resolve(reply));
  }
}

/** The token floor an acquire carries, for the trace (what the node sent, as a store call's proposal). */
function tokenFloorOf(request: ApiRequest): { tokenFloor?: number } {
  if (request.route !== 'acquire') return {};
  const floor = (request.body as { token_floor?: unknown } | undefined)?.token_floor;
  return typeof floor === 'number' ? { tokenFloor: floor } : {};
}
