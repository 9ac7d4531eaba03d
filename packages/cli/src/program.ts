import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The command groups, each in modules of its own, loaded only when one of its commands runs. */
type Group = 'dst' | 'serve' | 'agent' | 'mcp';

/**
 * Which group each top-level command belongs to. A command line naming one of these loads that
 * group alone: an agent's `leasehold heartbeat` after every tool call never loads the simulator,
 * the service or a store driver (help.test.ts checks this table against the commands defined).
 */
export const COMMAND_GROUPS: Readonly<Record<string, Group>> = {
  dst: 'dst',
  serve: 'serve',
  claim: 'agent',
  heartbeat: 'agent',
  release: 'agent',
  leases: 'agent',
  gate: 'agent',
  'release-holder': 'agent',
  cleanup: 'agent',
  guard: 'agent',
  mcp: 'mcp',
};

const GROUPS: readonly Group[] = ['dst', 'serve', 'agent', 'mcp'];

async function groupCommands(group: Group, io: CliIo, done: Done): Promise<Command[]> {
  switch (group) {
    case 'dst': {
      const [explore, replay, run, scenarios, validate, zoo] = await Promise.all([
        import('./dst-explore.js'),
        import('./dst-replay.js'),
        import('./dst-run.js'),
        import('./dst-scenarios.js'),
        import('./dst-validate.js'),
        import('./dst-zoo.js'),
      ]);
      const dst = new Command('dst').description(
        'deterministic simulation testing: sweeps, replays, the model, the bug zoo',
      );
      for (const command of [
        run.dstRunCommand(io, done),
        replay.dstReplayCommand(io, done),
        scenarios.dstScenariosCommand(io, done),
        explore.dstExploreCommand(io, done),
        validate.dstValidateCommand(io, done),
        zoo.dstZooCommand(io, done),
      ]) {
        dst.addCommand(command);
      }
      return [dst];
    }
    case 'serve':
      return [(await import('./serve.js')).serveCommand(io, done)];
    case 'agent': {
      const [agent, guard] = await Promise.all([
        import('./agent-commands.js'),
        import('./guard.js'),
      ]);
      return [...agent.agentCommands(io, done), guard.guardCommand(io, done)];
    }
    case 'mcp':
      return [(await import('./mcp-command.js')).mcpCommand(io, done)];
  }
}

/**
 * The whole command line, defined once: commander builds the help of every command from these
 * definitions, refuses unknown flags and commands, and prints `--version`. The CLI runs in-process,
 * so tests run it as users do: output goes through `io`, and the exit code comes back through
 * `done`. Given the command line, a program for a command of one group holds that group alone
 * (`COMMAND_GROUPS`); without one, or for anything else (`--help`, a typo), every command.
 */
export async function createProgram(
  io: CliIo,
  done: Done,
  argv: readonly string[] = [],
): Promise<Command> {
  const program = new Command('leasehold')
    .description('leases you can trust, and the simulator that keeps them honest')
    .version(VERSION, '-V, --version', 'print the version of leasehold')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'leasehold: ')),
    })
    .showHelpAfterError('(add --help for usage)');
  const named = Object.hasOwn(COMMAND_GROUPS, argv[0] ?? '') ? COMMAND_GROUPS[argv[0]!] : undefined;
  const wanted =
    argv[0] === '--version' || argv[0] === '-V' ? [] : named === undefined ? GROUPS : [named];
  for (const commands of await Promise.all(wanted.map((g) => groupCommands(g, io, done)))) {
    for (const command of commands) {
      program.addCommand(command);
      copySettings(command, program);
    }
  }
  return program;
}

/** Commander copies a parent's settings when a command is added through it; added, we do it. */
function copySettings(command: Command, parent: Command): void {
  command.copyInheritedSettings(parent);
  for (const child of command.commands) copySettings(child, command);
}

/** `leasehold help dst run` is `leasehold dst run --help` (commander's help takes one word). */
function helpArgv(argv: readonly string[]): string[] {
  if (argv[0] === 'help' && argv.length > 2) return [...argv.slice(1), '--help'];
  return [...argv];
}

/** The CLI, runnable in-process: argv in, exit code out, all output through `io`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  try {
    const line = helpArgv(argv);
    const program = await createProgram(io, (c) => (code = c), line);
    await program.parseAsync(line, { from: 'user' });
    return code;
  } catch (error) {
    // Help and --version end with exit code 0; anything commander refused is bad usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      io.stderr(`leasehold: ${error.message}\n`);
      return EXIT.usage;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`leasehold: internal error (a bug in the harness, please report it):\n${detail}\n`);
    return EXIT.internal;
  }
}
