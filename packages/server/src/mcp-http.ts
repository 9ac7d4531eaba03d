import { HOLDER_HEADER, LeaseApi, type ApiRequest, type Transport } from '@leasehold/api';
import { checkHolder, DEFAULT_CONFIG } from '@leasehold/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeys, Principal } from './auth.js';
import type { App } from './fastify-app.js';
import type { LeaseService } from './lease-service.js';
import { REQUEST_ID_RANDOM_BYTES } from './limits.js';
import { MemoryKeptLeases, type McpAgentHost } from './mcp-kept-leases.js';
import { handleRequest } from './request-path.js';
import { systemRandom, systemServiceClock } from './system-clock.js';
import { MCP_AGENTS_MAX, MCP_REQUEST_MS_MAX } from './limits.js';

/*
 * The lease tools at /mcp, over the MCP Streamable HTTP transport, stateless: each POST is one
 * exchange with a server of its own, so any replica of the service can answer it. The API key
 * names the agent (a key bound to a holder acts as that holder; an admin key, or a service that
 * checks no keys, takes the agent from the `Leasehold-Holder` header), and the tools call the
 * request path with that key, so /mcp refuses exactly what /v1 refuses. The owner keys of what an
 * agent claimed stay in this process, per agent.
 */

export const MCP_PATH = '/mcp';

const NO_AGENT =
  'send an API key bound to the agent (Authorization: Bearer <key>), or name the agent in the Leasehold-Holder header';

/** Serves the lease tools at /mcp, behind the same API keys as /v1. */
export function registerMcpRoute(
  app: App,
  service: LeaseService,
  apiKeys: ApiKeys | undefined,
): void {
  const keepers = new AgentKeepers(MCP_AGENTS_MAX);
  // The agent's belief is counted on this process's wall clock: its requests are sent from here.
  const clock = systemServiceClock();
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: MCP_PATH,
    schema: { hide: true },
    onRequest: async (request, reply) => {
      if (apiKeys === undefined) return;
      request.principal = apiKeys.principalOf(request.headers.authorization);
      if (request.principal === null) {
        return reply
          .code(401)
          .send({ error: 'unauthorized', message: 'send Authorization: Bearer <API key>' });
      }
    },
    handler: async (request, reply) => {
      if (request.method !== 'POST') return methodNotAllowed(reply);
      const caller = request.principal;
      const name = caller?.holder ?? namedHolder(request.headers[HOLDER_HEADER]);
      const kept = name === null ? null : keepers.of(name);
      if (kept === undefined) {
        return reply.code(503).send({
          error: 'unavailable',
          message: `this service keeps the leases of ${MCP_AGENTS_MAX} agents for /mcp already (MCP_AGENTS_MAX); release leases, or retry later`,
        });
      }
      const api = new LeaseApi(inProcess(service, caller));
      const agent: McpAgentHost | null =
        name === null || kept === null
          ? null
          : {
              agent: name,
              api,
              state: kept,
              wallMs: clock.wallMs,
              config: DEFAULT_CONFIG,
              requestMs: MCP_REQUEST_MS_MAX,
              description: 'this service (/mcp)',
              requestId: () =>
                `mcp-${Buffer.from(systemRandom(REQUEST_ID_RANDOM_BYTES)).toString('base64url')}`,
            };
      await serveExchange(request, reply, {
        api,
        requestMs: MCP_REQUEST_MS_MAX,
        agent,
        noAgent: NO_AGENT,
        admin: caller === null || caller.admin,
      });
    },
  });
}

type Loaded = [
  typeof import('./mcp-tools.js'),
  typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
];
let loading: Promise<Loaded> | undefined;

/** The MCP SDK is loaded on the first /mcp request: a service nobody asks for tools never does. */
function loadMcp(): Promise<Loaded> {
  loading ??= Promise.all([
    import('./mcp-tools.js'),
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
  ]);
  return loading;
}

async function serveExchange(
  request: FastifyRequest,
  reply: FastifyReply,
  options: import('./mcp-tools.js').LeaseholdMcpOptions,
): Promise<void> {
  const [{ leaseholdMcpServer }, { StreamableHTTPServerTransport }] = await loadMcp();
  const server = leaseholdMcpServer(options);
  // No session id generator: stateless, one exchange per request.
  const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
  reply.hijack();
  reply.raw.once('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request.raw, reply.raw, request.body);
}

function methodNotAllowed(reply: FastifyReply): FastifyReply {
  return reply
    .code(405)
    .header('allow', 'POST')
    .send({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'this service answers MCP over POST only (no sessions)' },
      id: null,
    });
}

/** The request path in this process, as the caller's key: /v1's checks, without a socket. */
function inProcess(service: LeaseService, caller: Principal | null): Transport {
  return {
    async send(request: ApiRequest) {
      // As JSON, both ways, exactly as over HTTP.
      const sent = JSON.parse(JSON.stringify(request)) as ApiRequest;
      const answer = await handleRequest(service, sent, caller);
      return {
        kind: 'reply',
        status: answer.status,
        body: JSON.parse(JSON.stringify(answer.body)),
      };
    },
  };
}

/** The holder a `Leasehold-Holder` header names (percent-encoded), as the rate limit reads it. */
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

/** Each agent's kept leases, bounded by the number of agents. */
class AgentKeepers {
  readonly #byAgent = new Map<string, MemoryKeptLeases>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The agent's kept leases, or undefined when every place is taken by an agent keeping some. */
  of(agent: string): MemoryKeptLeases | undefined {
    const known = this.#byAgent.get(agent);
    if (known !== undefined) return known;
    if (this.#byAgent.size >= this.#max) {
      for (const [other, kept] of this.#byAgent) if (kept.size === 0) this.#byAgent.delete(other);
    }
    if (this.#byAgent.size >= this.#max) return undefined;
    const kept = new MemoryKeptLeases();
    this.#byAgent.set(agent, kept);
    return kept;
  }
}
