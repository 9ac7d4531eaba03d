import {
  claimLease,
  claimLeases,
  gateLease,
  heartbeatLease,
  releaseLease,
  type AgentHost,
} from '@leasehold/client';
import { formatDuration } from '@leasehold/core';
import {
  claimTool,
  forceReleaseTool,
  gateTool,
  releaseTool,
  renewTool,
  type McpAgentHost,
} from '@leasehold/server/mcp';

/** What an MCP tool answers (the SDK's CallToolResult). */
type ToolAnswer = Awaited<ReturnType<typeof gateTool>>;

/** What an agent's gate told it: act as owner until `untilWallMs` on its wall clock, or not. */
export type GateAnswer =
  | { readonly holds: true; readonly token: number; readonly untilWallMs: number }
  | { readonly holds: false };

/** How a claim of one or several resources ended, as the turn acts on it. */
export type ClaimAnswer = 'claimed' | 'refused' | 'refusedGaveBack';

/**
 * The commands an agent runs in its turn, through one of the two ways agents reach the service:
 * the agent CLI's decisions (`leasehold claim`, `gate`, `heartbeat`, `release`), or the MCP tools
 * (`leasehold mcp`: claim, gate, renew, release), which run the same decisions behind their own
 * arguments and answers. The turn acts on what the tool's answer says (its `structuredContent`),
 * so the checker judges the gate's yes as the agent read it.
 */
export interface AgentCommands {
  readonly via: 'cli' | 'mcp';
  claim(
    resources: readonly string[],
    options: { readonly ttlMs: number; readonly waitMs: number; readonly force: boolean },
  ): Promise<ClaimAnswer>;
  gate(resource: string): Promise<GateAnswer>;
  /** Whether the agent goes on working: false once the lease is lost or not held. */
  heartbeat(
    resource: string,
    minIntervalMs: number | undefined,
  ): Promise<'ok' | 'throttled' | 'stop'>;
  /** Whether the lease is released now. */
  release(resource: string): Promise<boolean>;
}

/** The agent CLI's commands. */
export function cliCommands(host: AgentHost): AgentCommands {
  return {
    via: 'cli',
    async claim(resources, { ttlMs, waitMs, force }) {
      const wait = waitMs > 0 ? { waitMs } : {};
      if (resources.length > 1) {
        const all = await claimLeases(host, resources, { ttlMs, ...wait });
        if (all.kind === 'claimedAll') return 'claimed';
        return all.kind === 'refused' && all.givenBack.length > 0 ? 'refusedGaveBack' : 'refused';
      }
      const claimed = await claimLease(host, resources[0]!, {
        ttlMs,
        ...wait,
        ...(force ? { force: true } : {}),
      });
      return claimed.kind === 'claimed' || claimed.kind === 'alreadyHeld' ? 'claimed' : 'refused';
    },
    async gate(resource) {
      const gate = await gateLease(host, resource);
      return gate.kind === 'holds'
        ? { holds: true, token: gate.token, untilWallMs: gate.untilWallMs }
        : { holds: false };
    },
    async heartbeat(resource, minIntervalMs) {
      const beat = await heartbeatLease(
        host,
        resource,
        minIntervalMs === undefined ? {} : { minIntervalMs },
      );
      if (beat.kind === 'lost' || beat.kind === 'notHeld') return 'stop';
      return beat.kind === 'throttled' || (beat.kind === 'renewed' && beat.skipped)
        ? 'throttled'
        : 'ok';
    },
    async release(resource) {
      return (await releaseLease(host, resource)).kind === 'released';
    },
  };
}

/**
 * The MCP tools' commands. The claim tool takes no `force`: an agent told to take a lease over
 * calls the force_release tool, then claims again. The renew tool takes no minimum interval: that
 * draw is made, and not used.
 */
export function mcpCommands(host: McpAgentHost, requestMs: number): AgentCommands {
  return {
    via: 'mcp',
    async claim(resources, { ttlMs, waitMs, force }) {
      const input = {
        resources,
        ttl: formatDuration(ttlMs),
        ...(waitMs > 0 ? { wait: formatDuration(waitMs) } : {}),
      };
      let said = data(await claimTool(host, input));
      const holder = said.holder;
      if (force && said.claimed !== true && typeof holder === 'string' && holder !== host.agent) {
        // Told to take the lease over, the agent calls the admin's force_release tool with the
        // holder the claim tool named, then claims again.
        const resource = resources[0]!;
        await forceReleaseTool(host.api, { resource, expected_holder: holder }, requestMs);
        said = data(await claimTool(host, input));
      }
      return said.claimed === true ? 'claimed' : 'refused';
    },
    async gate(resource) {
      const said = data(await gateTool(host, resource, requestMs));
      if (said.holds !== true) return { holds: false };
      const token = said.token;
      const actForMs = said.act_for_ms;
      if (typeof token !== 'number' || typeof actForMs !== 'number')
        throw new Error(
          `the MCP gate tool said holds without a token and a time: ${JSON.stringify(said)}`,
        );
      // "It may act on it for another X": from the instant the answer came.
      return { holds: true, token, untilWallMs: host.wallMs() + actForMs };
    },
    async heartbeat(resource) {
      const said = data(await renewTool(host, { resources: [resource] }));
      const problems = Array.isArray(said.problems)
        ? (said.problems as { problem?: unknown }[])
        : [];
      return problems.some((p) => p.problem === 'lost' || p.problem === 'notHeld') ? 'stop' : 'ok';
    },
    async release(resource) {
      const said = data(await releaseTool(host, { resources: [resource] }));
      const released = Array.isArray(said.released)
        ? (said.released as { resource?: unknown }[])
        : [];
      return released.some((r) => r.resource === resource);
    },
  };
}

function data(answer: ToolAnswer): Record<string, unknown> {
  return answer.structuredContent ?? {};
}
