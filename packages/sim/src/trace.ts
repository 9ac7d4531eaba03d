import { createHash, type Hash } from 'node:crypto';
import { LineBytes, type Step, writeStep } from '@leasehold/step';
import { HASH_BATCH_BYTES, TRACE_TAIL_EVENTS } from './limits.js';

const NEWLINE = 0x0a;

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
  /**
   * Lines written and not yet dropped: bytes before `#hashed` are hashed; the buffer is hashed and
   * cut back to the tail's lines once it holds HASH_BATCH_BYTES.
   */
  readonly #bytes = new LineBytes(HASH_BATCH_BYTES + HASH_BATCH_BYTES / 4);
  #hashed = 0;
  /** Where each of the last TRACE_TAIL_EVENTS lines starts in `#bytes`, a ring. */
  readonly #starts: number[] = [];
  /** The ring's slot for the next line (its oldest line once full). */
  #next = 0;
  readonly #sink: TraceSink | null;
  #events = 0;

  constructor(sink: TraceSink | null = null) {
    this.#sink = sink;
  }

  /** The run line: how the run was made (not an event: `events` does not count it). */
  header(header: TraceHeader): void {
    const start = this.#begin();
    this.#bytes.raw(JSON.stringify(header));
    this.#end(start);
  }

  /** One event's line. */
  write(step: Step): void {
    const start = this.#begin();
    writeStep(step, this.#bytes);
    this.#end(start);
    this.#events += 1;
  }

  /** An event's line written by the caller (a note that is not a step, e.g. a rejected step). */
  writeLine(line: string): void {
    const start = this.#begin();
    this.#bytes.raw(line);
    this.#end(start);
    this.#events += 1;
  }

  #begin(): number {
    if (this.#bytes.length >= HASH_BATCH_BYTES) this.#flush();
    const start = this.#bytes.length;
    if (this.#starts.length < TRACE_TAIL_EVENTS) this.#starts.push(start);
    else this.#starts[this.#next] = start;
    this.#next = (this.#next + 1) % TRACE_TAIL_EVENTS;
    return start;
  }

  #end(start: number): void {
    if (this.#sink !== null) this.#sink.write(this.#bytes.text(start));
    this.#bytes.byte(NEWLINE);
  }

  /** Hashes what is not yet hashed, then keeps only the tail's lines. */
  #flush(): void {
    const bytes = this.#bytes;
    this.#hash.update(bytes.bytes.subarray(this.#hashed, bytes.length));
    const oldest = this.#oldest();
    bytes.discard(oldest);
    for (let i = 0; i < this.#starts.length; i++) this.#starts[i]! -= oldest;
    this.#hashed = bytes.length;
  }

  #oldest(): number {
    return this.#starts.length < TRACE_TAIL_EVENTS
      ? (this.#starts[0] ?? 0)
      : this.#starts[this.#next]!;
  }

  /** Event lines written so far (the run line is not one). */
  get events(): number {
    return this.#events;
  }

  /** The last lines, oldest first. */
  tail(): readonly string[] {
    const count = this.#starts.length;
    const first = count < TRACE_TAIL_EVENTS ? 0 : this.#next;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const k = (first + i) % count;
      const end = i + 1 < count ? this.#starts[(k + 1) % count]! : this.#bytes.length;
      lines.push(this.#bytes.text(this.#starts[k], end - 1));
    }
    return lines;
  }

  /**
   * The hash of every line written so far, then of `state` (what the store holds at the end, every
   * field, owner keys and request ids included, which no line shows); call once, at the end.
   */
  digest(state = ''): string {
    this.#hash.update(this.#bytes.bytes.subarray(this.#hashed, this.#bytes.length));
    this.#hashed = this.#bytes.length;
    this.#hash.update(state);
    return this.#hash.digest('hex').slice(0, 16);
  }
}
