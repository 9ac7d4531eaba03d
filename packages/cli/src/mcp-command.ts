import { Command } from 'commander';
import type { KeptLeases, McpAgentHost } from '@leasehold/server/mcp';
import type { AgentFlags } from './agent-context.js';
import type { AgentStateFile } from './agent-state.js';
import { EXIT, type CliIo, type Done } from './io.js';
import { flagValues } from './parse-flags.js';

/*
 * `leasehold mcp`: the lease tools of `@leasehold/server/mcp` for one agent, over MCP on stdio, as
 * a coding agent starts it from its MCP configuration. It finds the service (or the local file)
 * and the agent exactly as the agent commands do, and keeps the owner keys in the same state file,
 * so a hook's `leasehold gate` sees what the agent claimed through the tools. The MCP SDK and the
 * rest are loaded by the action, so `leasehold mcp --help` starts as fast as any command.
 */

const MCP_HELP = `
Tools: claim (one or several resources, all or nothing), renew, release, gate, list, status
(with history); admin: force_release, release_holder (an admin key, when the service checks keys).
stdout carries the protocol; the first line on stderr names the agent and the service.

Exit codes:
  0   the client ended the session (stdin closed), or SIGTERM/SIGINT
  64  bad usage (a flag, no agent id)
  69  the lease service or the local lease file could not be opened`;

export function mcpCommand(io: CliIo, done: Done): Command {
  return new Command('mcp')
    .description("serve this agent's lease tools to a coding agent over MCP (stdio)")
    .option('--agent <id>', "the agent's holder id (or LEASEHOLD_AGENT)")
    .option(
      '--server <urls>',
      "the lease service (or LEASEHOLD_URL): its URL, or its replicas' URLs comma separated; without one, a local file",
    )
    .option(
      '--db <file>',
      "local SQLite file when no server is named (or LEASEHOLD_DB; default: the git repository's, shared by its worktrees)",
    )
    .option('--state-dir <dir>', 'where the agent keeps its owner keys (default .leasehold)')
    .option('--config <file>', 'config file (default .leasehold/config.json if present)')
    .addHelpText('after', MCP_HELP)
    .action(async (_options, self: Command) =>
      done(await serveMcp(flagValues<AgentFlags>(self), io)),
    );
}

async function serveMcp(values: AgentFlags, io: CliIo): Promise<number> {
  const [{ agentContext }, { BackendUnavailable }] = await Promise.all([
    import('./agent-context.js'),
    import('./agent-backend.js'),
  ]);
  let context: Awaited<ReturnType<typeof agentContext>> | undefined;
  try {
    context = await agentContext(values, io);
    const [{ leaseholdMcpServer }, { StdioServerTransport }] = await Promise.all([
      import('@leasehold/server/mcp'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
    ]);
    const agent: McpAgentHost = { ...context.host, state: keptIn(context.state) };
    const server = leaseholdMcpServer({
      api: context.host.api,
      requestMs: context.host.requestMs,
      agent,
      noAgent: 'start leasehold mcp with --agent or LEASEHOLD_AGENT',
      // The service decides: with API keys, only an admin key's admin calls are answered.
      admin: true,
    });
    const ended = sessionEnd();
    await server.connect(new StdioServerTransport());
    io.stderr(
      `leasehold: serving lease tools to ${context.agent} over MCP on stdio (${context.backend.description}; owner keys in ${context.state.path})\n`,
    );
    const why = await ended;
    io.stderr(`leasehold: ${why}: stopped; held leases stay held until released or expired\n`);
    await server.close();
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof BackendUnavailable)) throw error;
    io.stderr(`leasehold: ${error.message}\n`);
    return EXIT.unavailable;
  } finally {
    await context?.backend.close();
  }
}

/** The agent's state file as the kept leases the tools act on. */
function keptIn(state: AgentStateFile): KeptLeases {
  return {
    read: (resource) => state.read(resource),
    put: (resource, lease) => state.put(resource, lease),
    forget: (resource) => state.forget(resource),
    resources: () => Object.keys(state.readAll().leases),
  };
}

/** Resolves when the client closes stdin, or a signal asks the server to stop. */
function sessionEnd(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (why: string) => () => {
      process.stdin.off('end', onEnd);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(why);
    };
    const onEnd = stop('stdin closed');
    const onTerm = stop('SIGTERM');
    const onInt = stop('SIGINT');
    process.stdin.once('end', onEnd);
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}
