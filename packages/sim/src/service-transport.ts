import type { ApiAnswer, ApiRequest, Transport, TransportReply } from '@leasehold/api';
import type { CallOrigin, NoAnswerCause } from '@leasehold/step';
import { fires } from './faults.js';
import { LATENCY_MS_BASE_MAX, LATENCY_MS_FAULT_MAX, LATENCY_MS_MIN } from './limits.js';
import type { Network } from './network.js';
import type { NodeProcesses, SimNode } from './node-process.js';
import type { WorldContext } from './world-context.js';

/** One request in flight from an agent: answered at most once (by an answer or its timeout). */
interface InFlight {
  readonly id: number;
  readonly node: SimNode;
  readonly incarnation: number;
  readonly replica: SimNode;
  readonly request: ApiRequest;
  readonly resolve: (reply: TransportReply) => void;
  settled: boolean;
}

/**
 * The service topology's network between agents and replicas of the lease service, as each
 * agent's `Transport`: a request goes to one replica (the load balancer's pick), and may be lost,
 * delayed, reordered, duplicated, held past the agent's timeout, or cut off by a partition; the
 * replica runs the service's request path (the same `handleRequest` fastify calls) with every store
 * call naming the request it serves; its answer travels back the same way, or is lost. Bodies go
 * as JSON both ways, as over HTTP. An agent that gets no answer in time sees its request fail, its
 * outcome unknown.
 */
export class ServiceNetwork {
  readonly #ctx: WorldContext;
  readonly #processes: NodeProcesses;
  readonly #links: Network;
  #requests = 0;
  #serves = 0;

  constructor(ctx: WorldContext, processes: NodeProcesses, links: Network) {
    this.#ctx = ctx;
    this.#processes = processes;
    this.#links = links;
  }

  /** `node`'s transport: what its `HttpLeaseClient` and agent commands send through. */
  transportFor(node: SimNode): Transport {
    return { send: (request, options) => this.#send(node, request, options.timeoutMs) };
  }

  #latencyMs(): number {
    const ctx = this.#ctx;
    if (ctx.swarm().netDelay === undefined)
      return ctx.network.between(LATENCY_MS_MIN, LATENCY_MS_BASE_MAX);
    const latencyMs = ctx.network.between(LATENCY_MS_MIN, LATENCY_MS_FAULT_MAX);
    if (latencyMs > LATENCY_MS_BASE_MAX) ctx.counted('netDelay');
    return latencyMs;
  }

  #send(node: SimNode, request: ApiRequest, timeoutMs: number): Promise<TransportReply> {
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
      const replica = replicas[ctx.network.int(replicas.length)]!;
      const swarm = ctx.swarm();
      const inSafety = ctx.phase() === 'safety';
      const duplicate = inSafety && fires(swarm, 'netDuplicate', ctx.faults);
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
        resolve,
        settled: false,
      };
      const scheduler = ctx.scheduler;
      const departMs = scheduler.nowMs + injected.delayMs;
      const timeoutAtMs = node.clock.trueMsAtMono(monoMs + timeoutMs) + injected.delayMs;
      scheduler.at(timeoutAtMs, () => this.#noAnswer(flight, 'timeout'));
      if (inSafety) this.#links.maybePartition();
      if (this.#links.cut(node.id, replica.id)) return;
      if (inSafety && fires(swarm, 'netRequestLost', ctx.faults)) {
        ctx.fired('netRequestLost', node.id);
        return;
      }
      let arriveMs = departMs + this.#latencyMs();
      if (inSafety && fires(swarm, 'netLateDelivery', ctx.faults)) {
        arriveMs = Math.max(arriveMs, timeoutAtMs + ctx.faults.between(1, timeoutMs));
        ctx.fired('netLateDelivery', node.id, arriveMs - departMs);
      }
      const sent = { node: node.id, req: id, atMs: sentAtMs, monoMs };
      scheduler.at(arriveMs, () => this.#arrive(flight, 0, op, sent));
      if (duplicate) {
        const againMs = arriveMs + ctx.faults.between(1, timeoutMs);
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
    return ctx.scheduler.wake(() => {
      handler(flight.request, served).then(
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
    if (answer !== null && fires(swarm, 'netReplyLost', ctx.faults)) {
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
