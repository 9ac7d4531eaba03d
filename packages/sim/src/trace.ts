import { createHash, type Hash } from 'node:crypto';
import { TRACE_TAIL_EVENTS } from './limits';

/** Where a run's full trace goes (a JSON-lines file in the CLI); the simulator does no I/O itself. */
export interface TraceSink {
  write(line: string): void;
}

/** The first line of a trace: how the run was made (keys in a fixed order). */
export type TraceHeader = Readonly<Record<string, string | number | boolean | null>>;

/**
 * The trace of one run, one JSON line per step (`@leasehold/step`'s encoding): hashed as it is
 * written (determinism check, C-8), its last lines kept for the failure report, and everything
 * streamed to an optional sink. Memory stays flat however long the run.
 */
export class Trace {
  readonly #hash: Hash = createHash('sha256');
  readonly #tail: string[] = [];
  readonly #sink: TraceSink | null;
  #events = 0;

  constructor(sink: TraceSink | null = null) {
    this.#sink = sink;
  }

  /** The run line: how the run was made (not an event: `events` does not count it). */
  header(header: TraceHeader): void {
    this.#line(JSON.stringify(header));
  }

  /** One event's line. */
  write(line: string): void {
    this.#line(line);
    this.#events += 1;
  }

  #line(line: string): void {
    this.#hash.update(line);
    this.#hash.update('\n');
    if (this.#tail.length >= TRACE_TAIL_EVENTS) this.#tail.shift();
    this.#tail.push(line);
    this.#sink?.write(line);
  }

  /** Event lines written so far (the run line is not one). */
  get events(): number {
    return this.#events;
  }

  tail(): readonly string[] {
    return [...this.#tail];
  }

  /** The hash of every line written so far; call once, at the end. */
  digest(): string {
    return this.#hash.digest('hex').slice(0, 16);
  }
}
