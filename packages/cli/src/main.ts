import { dstExplore, DST_EXPLORE_HELP } from './dst-explore.js';
import { dstReplay, DST_REPLAY_HELP } from './dst-replay.js';
import { dstRun, DST_RUN_HELP } from './dst-run.js';
import { dstScenarios } from './dst-scenarios.js';
import { dstValidate, DST_VALIDATE_HELP } from './dst-validate.js';
import { dstZoo } from './dst-zoo.js';
import { EXIT, UsageError, type CliIo } from './io.js';

export const HELP = `leasehold: leases you can trust, and the simulator that keeps them honest

usage:
  leasehold dst run [flags]       seeded simulation sweep; checks I-1..I-8 on every step
  leasehold dst replay [flags]    print the full trace of one seed
  leasehold dst scenarios         list scenarios and faults
  leasehold dst explore [flags]   check a spec/Lease.tla configuration exhaustively
  leasehold dst validate [flags]  check one seed's trace step by step against the model
  leasehold dst zoo [flags]       prove the harness catches every classic lease bug (Z1..Z12)
  leasehold help [command]

Run 'leasehold dst run --help' for its flags.`;

/** The CLI, runnable in-process: argv in, exit code out, all output through `io`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`leasehold: ${error.message}\n`);
      return EXIT.usage;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`leasehold: internal error (a bug in the harness, please report it):\n${detail}\n`);
    return EXIT.internal;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
    const topic =
      command === 'run'
        ? DST_RUN_HELP
        : command === 'replay'
          ? DST_REPLAY_HELP
          : command === 'explore'
            ? DST_EXPLORE_HELP
            : command === 'validate'
              ? DST_VALIDATE_HELP
              : HELP;
    io.stdout(`${topic}\n`);
    return EXIT.ok;
  }
  if (group !== 'dst')
    throw new UsageError(`unknown command ${JSON.stringify(group)} (commands: dst, help)`);
  switch (command) {
    case 'run':
      return dstRun(rest, io);
    case 'replay':
      return dstReplay(rest, io);
    case 'scenarios':
      return dstScenarios(io);
    case 'explore':
      return dstExplore(rest, io);
    case 'validate':
      return dstValidate(rest, io);
    case 'zoo':
      return dstZoo(rest, io);
    default:
      throw new UsageError(
        `unknown dst command ${JSON.stringify(command ?? '')} (dst commands: run, replay, scenarios, zoo, explore, validate)`,
      );
  }
}
