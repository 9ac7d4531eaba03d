import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { dstExploreCommand } from './dst-explore.js';
import { dstReplayCommand } from './dst-replay.js';
import { dstRunCommand } from './dst-run.js';
import { dstScenariosCommand } from './dst-scenarios.js';
import { dstValidateCommand } from './dst-validate.js';
import { dstZooCommand } from './dst-zoo.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { serveCommand } from './serve.js';
import { agentCommands } from './agent-commands.js';

/** How a command's action hands its exit code back to `runCli`. */
export type Done = (code: number) => void;

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/**
 * The whole command line, defined once: commander builds the help of every command from these
 * definitions, refuses unknown flags and commands, and prints `--version`. The CLI runs in-process,
 * so tests run it as users do: output goes through `io`, and the exit code comes back through
 * `done`.
 */
export function createProgram(io: CliIo, done: Done): Command {
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
  const dst = program
    .command('dst')
    .description('deterministic simulation testing: sweeps, replays, the model, the bug zoo');
  for (const command of [
    dstRunCommand(io, done),
    dstReplayCommand(io, done),
    dstScenariosCommand(io, done),
    dstExploreCommand(io, done),
    dstValidateCommand(io, done),
    dstZooCommand(io, done),
  ]) {
    dst.addCommand(command.copyInheritedSettings(dst));
  }
  for (const command of [serveCommand(io, done), ...agentCommands(io, done)]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/**
 * A command's flag values keyed by the flag as typed (`seed-base`, `no-shrink`), each as given:
 * the handlers check and convert them, so every error names the flag the user wrote.
 */
export function flagValues<T>(command: Command): T {
  const opts = command.opts<Record<string, unknown>>();
  const values: Record<string, unknown> = {};
  for (const option of command.options) {
    const name = option.long?.slice(2) ?? option.attributeName();
    const value = opts[option.attributeName()];
    if (option.negate) {
      if (value === false) values[name] = true;
    } else if (value !== undefined) values[name] = value;
  }
  return values as T;
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
    await createProgram(io, (c) => (code = c)).parseAsync(helpArgv(argv), { from: 'user' });
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
