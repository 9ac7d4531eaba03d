import { readFileSync } from 'node:fs';
import { HISTORY_LIMIT_MAX, LIST_LIMIT_MAX, WAIT_MS_MAX, type LeaseApi } from '@leasehold/api';
import { ACQUIRE_ALL_RESOURCES_MAX, agentFailure } from '@leasehold/client';
import {
  DURATION_TEXT_LENGTH_MAX,
  formatDuration,
  HOLDER_BYTES_MAX,
  RESOURCE_BYTES_MAX,
} from '@leasehold/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { claimTool, gateTool, releaseTool, renewTool } from './mcp-agent-tools.js';
import { done, failureAnswer, refused, statusText, type ToolAnswer } from './mcp-answer.js';
import type { McpAgentHost } from './mcp-kept-leases.js';
import { MCP_HISTORY_LIMIT_DEFAULT, MCP_LIST_LIMIT_DEFAULT } from './limits.js';
import { forceReleaseTool, listTool, releaseHolderTool, statusTool } from './mcp-space-tools.js';

/*
 * The lease tools a coding agent calls over the Model Context Protocol, defined once: `leasehold
 * mcp` serves them over stdio, `leasehold serve` at /mcp over Streamable HTTP. Every tool runs over
 * the typed lease API (`LeaseApi`), so it meets the same request path, checks and API keys as any
 * other caller.
 */

export interface LeaseholdMcpOptions {
  /** The lease API, for the tools that need no agent (list, status, admin). */
  readonly api: LeaseApi;
  readonly requestMs: number;
  /** The agent served (claim, renew, release and gate act as it), or null for none. */
  readonly agent: McpAgentHost | null;
  /** With no agent: how a caller names one (over this transport), for the agent tools' refusal. */
  readonly noAgent: string;
  /** Offer force_release and release_holder (the service still checks the key). */
  readonly admin: boolean;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const resource = z
  .string()
  .min(1)
  .max(RESOURCE_BYTES_MAX)
  .describe('What to lease: any name the agents agree on, e.g. "src/app.ts", "branch:main"');
const holder = z.string().min(1).max(HOLDER_BYTES_MAX);
const duration = (what: string) =>
  z
    .string()
    .max(DURATION_TEXT_LENGTH_MAX)
    .optional()
    .describe(`${what}, with a unit: "90s", "30m", "1h30m"`);

/** A new MCP server with every lease tool; connect it to one transport. */
export function leaseholdMcpServer(options: LeaseholdMcpOptions): McpServer {
  const server = new McpServer(
    { name: 'leasehold', version: VERSION },
    { instructions: instructions(options.agent?.agent ?? null) },
  );
  registerAgentTools(server, options);
  registerSpaceTools(server, options);
  if (options.admin) registerAdminTools(server, options);
  return server;
}

function instructions(agent: string | null): string {
  const who = agent === null ? 'the agent this connection names' : `agent "${agent}"`;
  return `Leases for ${who}: before changing a shared resource (a file, a branch, a task), claim it; if another agent holds it, the answer says who and for how long, so wait or work on something else. Renew what you hold while you work (a lease expires after its ttl, default 5m) and release it when done.`;
}

/** The agent tools, or, without an agent, tools that say how to name one. */
function withAgent<I>(
  options: LeaseholdMcpOptions,
  run: (agent: McpAgentHost, input: I) => Promise<ToolAnswer>,
): (input: I) => Promise<ToolAnswer> {
  return async (input) =>
    options.agent === null
      ? refused(`no agent is named, so there is nothing to act as: ${options.noAgent}`, {
          problem: 'noAgent',
        })
      : run(options.agent, input);
}

function registerAgentTools(server: McpServer, options: LeaseholdMcpOptions): void {
  server.registerTool(
    'claim',
    {
      title: 'Claim leases',
      description: `Claim exclusive leases on one or more resources for this agent before working on them (editing a file, pushing a branch, taking a task). All or nothing: if any is held by another agent, none is taken, and the answer names who holds it and for how long: wait, or work on something else. A lease expires after its ttl (default 5m) unless renewed; a resource this agent already holds stays held. At most ${ACQUIRE_ALL_RESOURCES_MAX} resources at once.`,
      inputSchema: {
        resources: z.array(resource).min(1).max(ACQUIRE_ALL_RESOURCES_MAX),
        ttl: duration('How long each lease lasts unless renewed (default 5m, at most 24h)'),
        wait: duration(
          `How long to wait for holders to release, for the whole set (at most ${formatDuration(WAIT_MS_MAX)}; default: do not wait)`,
        ),
        max_renewals: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("Each lease's own renewal limit, kept with it: renewals past it are refused"),
        max_age: duration(
          "Each lease's own maximum age, at least its ttl: renewals never extend it past claim time plus this",
        ),
      },
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    withAgent(options, (agent, input) => claimTool(agent, input)),
  );
  server.registerTool(
    'renew',
    {
      title: 'Renew leases (heartbeat)',
      description:
        "Renew this agent's leases so they do not expire while it works; call it well within each lease's ttl (e.g. every third of it). Without resources, renews every lease this agent holds. A lease that was lost (it expired and was claimed by another agent, or an admin released it) is reported: stop working on that resource.",
      inputSchema: {
        resources: z.array(resource).min(1).max(ACQUIRE_ALL_RESOURCES_MAX).optional(),
        ttl: duration("New time to live, counted from now (default: the lease's own)"),
      },
      annotations: { idempotentHint: true, openWorldHint: false },
    },
    withAgent(options, (agent, input) => renewTool(agent, input)),
  );
  server.registerTool(
    'release',
    {
      title: 'Release leases',
      description:
        "Release this agent's leases on resources it is done with, so other agents can claim them at once.",
      inputSchema: { resources: z.array(resource).min(1).max(ACQUIRE_ALL_RESOURCES_MAX) },
      annotations: { idempotentHint: true, openWorldHint: false },
    },
    withAgent(options, (agent, input) => releaseTool(agent, input)),
  );
  server.registerTool(
    'gate',
    {
      title: 'Who holds a resource',
      description:
        'Who holds a resource and until when, and whether this agent holds it and may act on it now (check before changing a resource after a long pause).',
      inputSchema: { resource },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (input) =>
      options.agent === null
        ? statusOnly(options, input.resource)
        : gateTool(options.agent, input.resource, options.requestMs),
  );
}

async function statusOnly(options: LeaseholdMcpOptions, name: string): Promise<ToolAnswer> {
  const answer = await options.api.call(
    'status',
    { params: { resource: name } },
    options.requestMs,
  );
  if (answer.kind !== 'reply' || answer.status !== 200)
    return failureAnswer(agentFailure(answer), `gate of ${name}`);
  return done(`${statusText(answer.body)} (no agent is named: ${options.noAgent})`, {
    ...answer.body,
  });
}

function registerSpaceTools(server: McpServer, options: LeaseholdMcpOptions): void {
  server.registerTool(
    'list',
    {
      title: 'List leases',
      description:
        'List leases: all of them, or only those of one holder, under a prefix (e.g. "src/"), or with a status (held, free, expired).',
      inputSchema: {
        holder: holder.optional().describe('Only leases this agent holds'),
        prefix: z
          .string()
          .max(RESOURCE_BYTES_MAX)
          .optional()
          .describe('Only resources starting with it'),
        status: z.enum(['held', 'free', 'expired']).optional(),
        limit: z
          .number()
          .int()
          .min(1)
          .max(LIST_LIMIT_MAX)
          .optional()
          .describe(`Rows at most (default ${MCP_LIST_LIMIT_DEFAULT})`),
        after: resource.optional().describe('List after this resource (the "next" of an answer)'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) => listTool(options.api, input, options.requestMs),
  );
  server.registerTool(
    'status',
    {
      title: 'Lease status and history',
      description:
        "One resource's lease now (holder, token, expiry, who held it last) and its history, oldest first: who claimed, renewed, released or force-released it, and when.",
      inputSchema: {
        resource,
        history_limit: z
          .number()
          .int()
          .min(1)
          .max(HISTORY_LIMIT_MAX)
          .optional()
          .describe(`History events at most (default ${MCP_HISTORY_LIMIT_DEFAULT})`),
        after_seq: z.number().int().min(0).optional().describe('History after this event number'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) => statusTool(options.api, input, options.requestMs),
  );
}

function registerAdminTools(server: McpServer, options: LeaseholdMcpOptions): void {
  server.registerTool(
    'force_release',
    {
      title: 'Admin: force-release a lease',
      description:
        "Admin: release a resource's lease whoever holds it, only if expected_holder still holds it (a lease that changed hands meanwhile is left alone). The holder is fenced. Only for an agent known to be dead or stuck, never to take work from a live agent. Needs an admin API key when the service checks keys.",
      inputSchema: { resource, expected_holder: holder.describe('Who must hold it now') },
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    (input) => forceReleaseTool(options.api, input, options.requestMs),
  );
  server.registerTool(
    'release_holder',
    {
      title: 'Admin: release every lease of an agent',
      description:
        'Admin: release every lease an agent holds (an agent that died or was stopped), and list them. Needs an admin API key when the service checks keys.',
      inputSchema: { holder: holder.describe('The agent whose leases to release') },
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    (input) => releaseHolderTool(options.api, input.holder, options.requestMs),
  );
}
