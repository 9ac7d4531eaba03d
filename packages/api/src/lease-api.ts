import type { Static, TSchema } from 'typebox';
import { REPLY_CHECKS } from './reply-checks.js';
import {
  declaresStatus,
  type ApiRequest,
  type ERROR_STATUSES,
  type RouteName,
} from './route-table.js';
import type { ROUTES } from './routes.js';
import type { ErrorReply } from './schemas.js';
import type { Transport } from './transport.js';

type Replies<R extends RouteName> = (typeof ROUTES)[R]['replies'];

export type ErrorStatus = (typeof ERROR_STATUSES)[number];

/** An answer of `route` the API declares: a body that matched its status's schema. */
export type Reply<R extends RouteName> =
  | {
      [S in keyof Replies<R> & number]: {
        readonly kind: 'reply';
        readonly status: S;
        readonly body: Replies<R>[S] extends TSchema ? Static<Replies<R>[S]> : never;
      };
    }[keyof Replies<R> & number]
  | {
      readonly kind: 'reply';
      readonly status: ErrorStatus;
      readonly body: Static<typeof ErrorReply>;
    };

/**
 * No declared answer: the request failed in flight, timed out, or was answered with a status or
 * a body the API does not declare (a 5xx, a proxy's page). Its outcome is unknown: a write may
 * have been applied.
 */
export interface Failed {
  readonly kind: 'failed';
  readonly reason: string;
}

export type Answer<R extends RouteName> = Reply<R> | Failed;

/** What a call sends besides its route. */
export interface CallInput {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * The typed client of the lease API, over any transport: every answer is checked against the
 * schema of its route and status (with the checks compiled from the schemas ahead of time), so a
 * caller reads typed fields, never a hand-parsed body.
 * `HttpLeaseClient` and the agent commands both talk to the service through it.
 */
export class LeaseApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async call<R extends RouteName>(
    route: R,
    input: CallInput,
    timeoutMs: number,
  ): Promise<Answer<R>> {
    const request: ApiRequest = { route, ...input };
    const sent = await this.#transport.send(request, { timeoutMs });
    if (sent.kind === 'failed') return sent;
    const { status, body } = sent;
    if (!declaresStatus(route, status))
      return { kind: 'failed', reason: `${route} answered ${status}: ${messageOf(body)}` };
    // The check compiled from the reply's schema (reply-checks.ts), or ErrorReply's.
    const check = REPLY_CHECKS[`${route} ${status}`] ?? REPLY_CHECKS.error!;
    if (!check(body)) {
      return {
        kind: 'failed',
        reason: `${route} answered ${status} with a body the API does not declare`,
      };
    }
    return { kind: 'reply', status, body } as Answer<R>;
  }
}

function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : 'no message';
}
