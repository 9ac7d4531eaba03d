import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceSink } from '@leasehold/sim';
import { FLUSH_BYTES } from './limits.js';

/** A JSON-lines trace file, written through a small buffer so memory stays flat on long runs. */
export class TraceFile implements TraceSink {
  readonly #fd: number;
  #buffer: string[] = [];
  #bufferedBytes = 0;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'w');
  }

  write(line: string): void {
    this.#buffer.push(line);
    this.#bufferedBytes += line.length + 1;
    if (this.#bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.#buffer.length === 0) return;
    writeSync(this.#fd, `${this.#buffer.join('\n')}\n`);
    this.#buffer = [];
    this.#bufferedBytes = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

/** Where a failing run's trace goes: `<dir>/<scenario>-<seed>.jsonl`. */
export function tracePath(dir: string, scenario: string, seed: string): string {
  return `${dir}/${scenario}-${seed}.jsonl`;
}
