import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HOLDER_HEADER, ROUTES } from '@leasehold/api';
import { checkHolder } from '@leasehold/core';
import Fastify, { type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { ApiKeys } from './auth.js';
import type { App } from './fastify-app.js';
import { handleError } from './http-errors.js';
import { BODY_BYTES_MAX, PATH_PARAM_LENGTH_MAX, RATE_LIMIT_PER_MINUTE_DEFAULT } from './limits.js';
import type { LeaseService } from './lease-service.js';
import { registerMcpRoute } from './mcp-http.js';
import type { ServiceMetrics } from './metrics.js';
import { registerRoutes } from './routes.js';

export interface HttpAppOptions {
  readonly service: LeaseService;
  readonly metrics: ServiceMetrics;
  /** With keys, every /v1 request needs one; without, the service is open (bind it to loopback). */
  readonly apiKeys?: ApiKeys;
  /** fastify's logger (pino) options, or false. */
  readonly logger?: FastifyServerOptions['logger'];
  readonly rateLimitPerMinute?: number;
  /** Readiness beyond "listening": e.g. the store answers a read. */
  readonly ready?: () => Promise<boolean>;
  /** Adds `POST /v1/admin/test/advance-clock`: for tests of expiry against a real process. */
  readonly advanceClock?: (ms: number) => void;
}

/**
 * The HTTP shell around a LeaseService: schemas in, JSON out, nothing decided here. Errors are
 * JSON naming the field; a bad request never reaches the store.
 */
export async function buildHttpApp(options: HttpAppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_BYTES_MAX,
    routerOptions: { maxParamLength: PATH_PARAM_LENGTH_MAX },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // The request path checks every input against the route's schema (`request-path.ts`), and its
  // answer goes out as it is: fastify's schemas only document the routes.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorateRequest('principal', null);
  // JSON only: a text body is refused as 415, not read as a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'leasehold lease service',
        version: '1',
        description: 'Time-bound exclusive leases with fencing tokens, for agents and processes.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  const apiKeys = options.apiKeys;
  app.addHook('onRequest', async (request, reply) => {
    if (apiKeys === undefined || !request.url.startsWith('/v1/')) return;
    request.principal = apiKeys.principalOf(request.headers.authorization);
    if (request.principal === null) {
      return reply
        .code(401)
        .send({ error: 'unauthorized', message: 'send Authorization: Bearer <API key>' });
    }
    // Admin-only routes are refused by the request path, which knows the route table.
    if (request.url.startsWith('/v1/admin/test/') && !request.principal.admin) {
      return reply
        .code(403)
        .send({ error: 'forbidden', message: 'admin routes need an admin key' });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.observeRequest(
      request.method,
      route,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? RATE_LIMIT_PER_MINUTE_DEFAULT,
    timeWindow: 60_000,
    // After the body is parsed, so an acquire is counted against the holder it names.
    hook: 'preHandler',
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `more than ${context.max} requests a minute; retry in ${context.after}`,
    }),
  });
  registerRoutes(app, options.service, options.advanceClock);
  // The lease tools for coding agents (MCP), behind the same keys: `mcp-http.ts`.
  registerMcpRoute(app, options.service, apiKeys);
  probeRoutes(app, options);
  return app;
}

/**
 * Who a request is counted against, the same for every route: the holder of its API key (all
 * admin keys without a holder share one count); without API keys, the holder the caller names
 * (the `Leasehold-Holder` header the typed client and the agent CLI send, else an acquire's
 * `holder`); else its address. Without API keys a holder is what the caller says it is: the limit
 * stops a runaway agent, not one that lies (that needs `--auth-file`).
 */
function rateLimitKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal !== null && principal !== undefined)
    return principal.holder === null ? 'admin' : `holder:${principal.holder}`;
  const named = namedHolder(request.headers[HOLDER_HEADER]);
  if (named !== null) return `holder:${named}`;
  const body = request.body as { holder?: unknown } | undefined;
  if (request.routeOptions.url === ROUTES.acquire.path && typeof body?.holder === 'string')
    return `holder:${body.holder}`;
  return `ip:${request.ip}`;
}

/** The holder a `Leasehold-Holder` header names (percent-encoded), or null for none or a bad one. */
function namedHolder(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  let holder: string;
  try {
    holder = decodeURIComponent(header);
  } catch {
    return null;
  }
  return checkHolder(holder) === null ? holder : null;
}

function probeRoutes(app: App, options: HttpAppOptions): void {
  const unlimited = { rateLimit: false } as const;
  app.get('/healthz', { config: unlimited, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  app.get('/readyz', { config: unlimited, schema: { hide: true } }, async (_request, reply) => {
    const ready = (await options.ready?.()) ?? true;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'store unavailable' });
  });
  app.get('/metrics', { config: unlimited, schema: { hide: true } }, async (_request, reply) => {
    const body = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(body);
  });
  app.get('/openapi.json', { config: unlimited, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
