import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Journal } from './journal';
import { sharedNowMs } from './shared-clock';

const NODE_SCRIPT = fileURLToPath(new URL('./sqlite-node-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Running {
  readonly node: string;
  readonly child: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number>;
  killed: boolean;
}

/** How a node process ended: by itself (0), by our SIGKILL, or in a failure of its own. */
export interface NodeExit {
  readonly node: string;
  readonly end: 'finished' | 'killed' | 'failed';
  readonly code: NodeJS.Signals | number;
}

/**
 * The SQLite run's node processes: slot i runs node `p<i>g<generation>`; a SIGKILL ends a
 * generation (journaled, so its beliefs end there) and a restart begins the next one, with its
 * memory lost, as a new holder.
 */
export class NodeProcesses {
  readonly #args: (node: string) => string[];
  readonly #journal: Journal;
  readonly #slots: Running[] = [];
  readonly #generations: number[] = [];
  readonly #ended: Promise<NodeExit>[] = [];
  #failures = 0;

  constructor(slots: number, args: (node: string) => string[], journal: Journal) {
    this.#args = args;
    this.#journal = journal;
    for (let slot = 0; slot < slots; slot++) {
      this.#generations.push(0);
      this.#slots.push(this.#spawn(slot));
    }
  }

  #spawn(slot: number): Running {
    const node = `p${slot}g${this.#generations[slot]!}`;
    const child = spawn(
      process.execPath,
      ['--conditions=@leasehold/source', '--import', 'tsx', NODE_SCRIPT, ...this.#args(node)],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const exited = new Promise<NodeJS.Signals | number>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? code ?? -1));
    });
    const running: Running = { node, child, exited, killed: false };
    this.#ended.push(
      exited.then((code) => {
        const end = running.killed ? 'killed' : code === 0 ? 'finished' : 'failed';
        if (end === 'failed') this.#failures += 1;
        return { node, code, end };
      }),
    );
    return running;
  }

  /** Some process ended in a failure of its own: a quota run would wait for work never done. */
  failed(): boolean {
    return this.#failures > 0;
  }

  /** SIGKILLs the current process of `slot` and waits until it is gone; null if it had ended. */
  async kill(slot: number): Promise<string | null> {
    const running = this.#slots[slot]!;
    if (running.child.exitCode !== null || running.child.signalCode !== null) return null;
    running.killed = true;
    running.child.kill('SIGKILL');
    this.#journal.append({ e: 'kill', node: running.node, atSharedMs: sharedNowMs() });
    await running.exited;
    return running.node;
  }

  restart(slot: number): void {
    this.#generations[slot] = this.#generations[slot]! + 1;
    this.#slots[slot] = this.#spawn(slot);
  }

  /** Waits for every process ever started, SIGKILLing those still running after `limitMs`. */
  async waitAll(limitMs: number): Promise<NodeExit[]> {
    const timer = setTimeout(() => {
      for (const running of this.#slots) running.child.kill('SIGKILL');
    }, limitMs);
    try {
      return await Promise.all(this.#ended);
    } finally {
      clearTimeout(timer);
    }
  }
}
