import { assert } from '@leasehold/core';
import { fetchTransport, type FetchTransportOptions } from './fetch-transport.js';
import { SERVICE_URLS_MAX } from './limits.js';
import type { Transport, TransportReply } from './transport.js';

/** One replica of the lease service, as a client reaches it. */
export interface FailoverReplica {
  /** How messages name it (its URL). */
  readonly name: string;
  readonly transport: Transport;
}

/** A request moves on from a replica that could not serve it to the next. */
export interface FailoverEvent {
  readonly from: string;
  readonly to: string;
  /** Why `from` could not serve it. */
  readonly reason: string;
}

export interface FailoverOptions {
  /** The caller's monotonic clock (ms): a request's time runs out across all its attempts. */
  readonly monoMs: () => number;
  /** Hears each move to the next replica (logs, the simulator's coverage marks). */
  readonly onFailover?: (event: FailoverEvent) => void;
}

/**
 * Several replicas of the lease service (over one store) as one transport. A request goes to the
 * replica that answered last; on no answer (the transport's `failed`: the connection refused or
 * reset, the time ran out) or a 503 (a replica that cannot reach the store, or is shutting down)
 * the very same request, request id and all, goes to the next, so the service answers a retry of
 * an acquire that one replica applied with the grant it made (I-8). Any other answer is the
 * answer: a 409 or a 410 is the shared store's, and a 429 asks the caller to slow down, not to go
 * elsewhere. Each replica is tried at most once per request, within the request's `timeoutMs` as a
 * whole (a replica that never answers uses it up; the next request starts at the next replica); a
 * replica that failed is tried again when a later request comes round to it.
 *
 * An attempt sent to another replica is sent later than the first: a client that counts its
 * belief from before the first attempt (as `HttpLeaseClient` does) counts from no later than the
 * send of the attempt that was granted.
 */
export function failoverTransport(
  replicas: readonly FailoverReplica[],
  options: FailoverOptions,
): Transport {
  assert(replicas.length >= 1, 'failoverTransport needs at least one replica');
  assert(
    replicas.length <= SERVICE_URLS_MAX,
    `failoverTransport takes ${SERVICE_URLS_MAX} at most`,
  );
  /** Where the next request starts: the replica that answered last, or the one after a failure. */
  let first = 0;
  return {
    async send(request, { timeoutMs }): Promise<TransportReply> {
      const deadlineMonoMs = options.monoMs() + timeoutMs;
      const start = first;
      const failures: string[] = [];
      let unavailable: Extract<TransportReply, { kind: 'reply' }> | null = null;
      let noAnswer = false;
      for (let i = 0; i < replicas.length; i++) {
        const at = (start + i) % replicas.length;
        const replica = replicas[at]!;
        // Whole milliseconds, whatever the clock reads: a timer takes no fraction.
        const leftMs = i === 0 ? timeoutMs : Math.floor(deadlineMonoMs - options.monoMs());
        if (leftMs <= 0) {
          failures.push(`${replica.name}: not tried, the request's time ran out`);
          noAnswer = true;
          continue;
        }
        if (i > 0) {
          const from = replicas[(at + replicas.length - 1) % replicas.length]!.name;
          options.onFailover?.({ from, to: replica.name, reason: failures.at(-1) ?? '' });
        }
        const reply = await replica.transport.send(request, { timeoutMs: leftMs });
        if (reply.kind === 'reply' && reply.status !== 503) {
          first = at;
          return reply;
        }
        // Unless another request has found a replica that answers meanwhile.
        if (first === at) first = (at + 1) % replicas.length;
        if (reply.kind === 'failed') {
          noAnswer = true;
          failures.push(
            reply.reason.includes(replica.name) ? reply.reason : `${replica.name}: ${reply.reason}`,
          );
        } else {
          unavailable = reply;
          failures.push(`${replica.name} answered 503: ${messageOf(reply.body)}`);
        }
      }
      const every = failures.join('; ');
      // Every replica said none of its writes applied: the answer says so too, with its hints
      // (an acquire's `token_floor`), and names every replica.
      if (!noAnswer && unavailable !== null)
        return withMessage(unavailable, `no replica could serve it: ${every}`);
      return { kind: 'failed', reason: `no replica answered: ${every}` };
    },
  };
}

export interface FetchFailoverOptions extends Omit<FetchTransportOptions, 'url'> {
  /** The replicas of the lease service, in the order to try them first. */
  readonly urls: readonly string[];
  /** As `FailoverOptions`. */
  readonly monoMs: () => number;
  readonly onFailover?: (event: FailoverEvent) => void;
}

/**
 * HTTP with `fetch` to each of `urls`, failing over between them (`failoverTransport`); one URL
 * is plain `fetchTransport`.
 */
export function fetchFailoverTransport(options: FetchFailoverOptions): Transport {
  const { urls, monoMs, onFailover, ...each } = options;
  if (urls.length === 1) return fetchTransport({ ...each, url: urls[0]! });
  const replicas = urls.map((url) => ({
    name: url.replace(/\/+$/, ''),
    transport: fetchTransport({ ...each, url }),
  }));
  return failoverTransport(replicas, {
    monoMs,
    ...(onFailover === undefined ? {} : { onFailover }),
  });
}

function withMessage(
  reply: Extract<TransportReply, { kind: 'reply' }>,
  message: string,
): TransportReply {
  const body = reply.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return reply;
  return { ...reply, body: { ...body, message } };
}

function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : 'no message';
}
