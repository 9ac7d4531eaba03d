import { createHash, type Hash } from 'node:crypto';
import { TRACE_TAIL_EVENTS } from './limits.js';

/** Characters of trace hashed per call (a batch is one string, so memory stays flat). */
const HASH_BATCH_CHARS = 16_384;

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
  /** Lines not yet hashed: hashed in batches (the same digest as line by line, fewer calls). */
  #pending = '';
  /** The last TRACE_TAIL_EVENTS lines, a ring: `#next` is where the next line goes. */
  readonly #tail: string[] = [];
  #next = 0;
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
    this.#pending += line + '\n';
    if (this.#pending.length >= HASH_BATCH_CHARS) {
      this.#hash.update(this.#pending);
      this.#pending = '';
    }
    if (this.#tail.length < TRACE_TAIL_EVENTS) this.#tail.push(line);
    else this.#tail[this.#next] = line;
    this.#next = (this.#next + 1) % TRACE_TAIL_EVENTS;
    this.#sink?.write(line);
  }

  /** Event lines written so far (the run line is not one). */
  get events(): number {
    return this.#events;
  }

  /** The last lines, oldest first. */
  tail(): readonly string[] {
    if (this.#tail.length < TRACE_TAIL_EVENTS) return [...this.#tail];
    return [...this.#tail.slice(this.#next), ...this.#tail.slice(0, this.#next)];
  }

  /** The hash of every line written so far; call once, at the end. */
  digest(): string {
    this.#hash.update(this.#pending);
    this.#pending = '';
    return this.#hash.digest('hex').slice(0, 16);
  }
}
