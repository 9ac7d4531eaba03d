import { createHash } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { encodeStep, type Step } from '@leasehold/step';
import { expect } from 'vitest';
import { TRACE_TAIL_EVENTS } from '../src/limits.js';
import { Trace } from '../src/trace.js';

/** A line of any length (some beyond the hash batch), any text, or a note that is not a step. */
const length = fc.oneof(
  { arbitrary: fc.nat(300), weight: 10 },
  { arbitrary: fc.integer({ min: 1_000, max: 5_000 }), weight: 5 },
  { arbitrary: fc.integer({ min: 70_000, max: 150_000 }), weight: 1 },
);
const entry = fc.oneof(
  fc.tuple(length, fc.string({ unit: 'binary', maxLength: 3 })).map(([chars, text]): Step => ({
    kind: 'failure',
    step: chars,
    atMs: 0,
    message: text.padEnd(chars, 'é'),
  })),
  fc.string({ maxLength: 40 }).map((text) => JSON.stringify({ note: text })),
);

test.prop([fc.array(entry, { minLength: 20, maxLength: 200 })], { numRuns: 30 })(
  'hashes, streams and keeps the tail of every line, however long, across its batches',
  (entries) => {
    const streamed: string[] = [];
    const trace = new Trace({ write: (line) => streamed.push(line) });
    trace.header({ run: 'test', seed: 1 });
    for (const e of entries) {
      if (typeof e === 'string') trace.writeLine(e);
      else trace.write(e);
    }
    const lines = [
      JSON.stringify({ run: 'test', seed: 1 }),
      ...entries.map((e) => (typeof e === 'string' ? e : encodeStep(e))),
    ];
    expect(streamed).toEqual(lines);
    expect(trace.events).toBe(entries.length);
    expect(trace.tail()).toEqual(lines.slice(-TRACE_TAIL_EVENTS));
    const whole = createHash('sha256').update(lines.map((l) => `${l}\n`).join(''));
    expect(trace.digest()).toBe(whole.digest('hex').slice(0, 16));
  },
);
