import {
  ERROR_STATUSES,
  ErrorReply,
  ROUTE_NAMES,
  ROUTES,
  type ApiRequest,
  type RouteSpec,
} from '@leasehold/api';
import type { FastifyRequest } from 'fastify';
import type { App } from './fastify-app.js';
import type { LeaseService } from './lease-service.js';
import { error, handleRequest } from './request-path.js';
import { TEST_CLOCK_STEP_MS_MAX } from './limits.js';

/**
 * Every route of the table, served by the request path: fastify parses the JSON and resolves the
 * caller; `handleRequest` checks, decides and answers. The schemas given to fastify document the
 * routes (/openapi.json); checking them is the request path's job, so HTTP and the simulator
 * refuse exactly the same input with exactly the same answer.
 */
export function registerRoutes(
  app: App,
  service: LeaseService,
  advanceClock: ((ms: number) => void) | undefined,
): void {
  for (const route of ROUTE_NAMES) {
    const spec: RouteSpec = ROUTES[route];
    const response: Record<number, unknown> = { ...spec.replies };
    for (const status of ERROR_STATUSES) response[status] ??= ErrorReply;
    app.route({
      method: spec.method,
      url: spec.path,
      schema: {
        ...(spec.params === undefined ? {} : { params: spec.params }),
        ...(spec.query === undefined ? {} : { querystring: spec.query }),
        ...(spec.body === undefined ? {} : { body: spec.body }),
        response,
      },
      handler: async (request, reply) => {
        const answer = await handleRequest(service, apiRequest(route, request), request.principal);
        return reply.code(answer.status).send(answer.body);
      },
    });
  }
  if (advanceClock === undefined) return;
  app.post('/v1/admin/test/advance-clock', { schema: { hide: true } }, async (request, reply) => {
    const ms = (request.body as { ms?: unknown } | null)?.ms;
    if (
      typeof ms !== 'number' ||
      !Number.isSafeInteger(ms) ||
      ms < 0 ||
      ms > TEST_CLOCK_STEP_MS_MAX
    ) {
      const refused = error(
        400,
        'invalid',
        `ms must be an integer from 0 to ${TEST_CLOCK_STEP_MS_MAX}`,
        { field: 'ms' },
      );
      return reply.code(refused.status).send(refused.body);
    }
    advanceClock(ms);
    return { advanced_ms: ms };
  });
}

function apiRequest(route: ApiRequest['route'], request: FastifyRequest): ApiRequest {
  return {
    route,
    params: request.params as Record<string, string>,
    query: request.query as Record<string, string>,
    body: request.body,
  };
}
