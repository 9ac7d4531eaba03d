import { existsSync, writeFileSync } from 'node:fs';

/**
 * The driver's word that the run's work is done: nodes check it once per step of their workload
 * and then take no new lease. Cheap to check, so a node can look at every step.
 */
export interface StopSignal {
  raise(): void;
  raised(): boolean;
}

/** For nodes in the driver's process (etcd clients). */
export class MemoryStopSignal implements StopSignal {
  #raised = false;

  raise(): void {
    this.#raised = true;
  }

  raised(): boolean {
    return this.#raised;
  }
}

/**
 * For node processes (SQLite): a file in the run's temp dir. A restarted process sees it at once,
 * and so does one that was starting when it was raised; nothing to deliver, nothing to lose.
 */
export class FileStopSignal implements StopSignal {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  raise(): void {
    writeFileSync(this.#path, 'stop\n');
  }

  raised(): boolean {
    return existsSync(this.#path);
  }
}
