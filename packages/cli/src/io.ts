/**
 * Everything the CLI touches of its process, injected: the CLI is a thin shell that tests run
 * in-process, through the same calls a user's command makes.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stderr is a terminal (live progress bar) or a log (periodic lines). */
  readonly interactive: boolean;
  /** Colors on or off. */
  readonly color: boolean;
}

/**
 * Exit codes, as the README documents them ("Deterministic simulation testing" for `dst`, "The
 * lease service and the agent CLI" for the agent commands).
 */
export const EXIT = {
  ok: 0,
  safety: 1,
  /** An agent command was refused: the lease is held by another, lost, or not this agent's. */
  refused: 1,
  liveness: 2,
  crash: 3,
  nondeterminism: 4,
  /** A step the spec does not allow, with no invariant broken (trace validation). */
  nonconforming: 5,
  usage: 64,
  /** A service the command needs (a store, a port, a lease server) could not be reached. */
  unavailable: 69,
  /** The lease service checks API keys, and the agent sent none or one it does not know (401). */
  auth: 77,
  /** The harness itself failed (a bug in leasehold, not in the implementation under test). */
  internal: 70,
} as const;

/** A usage error: the message names the flag and what it accepts; the CLI exits 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** How a command's action hands its exit code back to `runCli`. */
export type Done = (code: number) => void;
