import { QUOTED_NAMES_MAX } from './limits.js';

/**
 * A growable buffer of UTF-8 text that trace lines are written into in place: the simulator writes
 * one line per simulated event, and building each as a string (then joining, flattening and
 * encoding it to hash it) cost more than a fifth of a checked run. Every write here produces the
 * bytes the matching string would encode to, so a line reads back as exactly that string.
 */
export class LineBytes {
  /** The bytes written: `bytes[0 .. length)`. */
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1_024) {
    this.bytes = new Uint8Array(capacity);
  }

  /** The text of `bytes[from .. to)`. */
  text(from = 0, to = this.length): string {
    return decoder.decode(this.bytes.subarray(from, to));
  }

  /** Drops the bytes before `from`; the rest move to the front. */
  discard(from: number): void {
    this.bytes.copyWithin(0, from, this.length);
    this.length -= from;
  }

  /** One byte (an ASCII character's code). */
  byte(code: number): void {
    this.#room(1);
    this.bytes[this.length++] = code;
  }

  /** Text known to be ASCII (field names, punctuation): one byte per character. */
  ascii(text: string): void {
    this.#room(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Any text, as UTF-8 (a lone surrogate as U+FFFD, as Node encodes one). */
  raw(text: string): void {
    this.#room(text.length * MAX_UTF8_PER_UNIT);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.length = at;
        this.#utf8(text, i);
        return;
      }
      bytes[at++] = code;
    }
    this.length = at;
  }

  /** `text` from `i` on, beyond ASCII: room is already made. */
  #utf8(text: string, i: number): void {
    const bytes = this.bytes;
    let at = this.length;
    for (; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code < 0x80) {
        bytes[at++] = code;
        continue;
      }
      if (code < 0x800) {
        bytes[at++] = 0xc0 | (code >> 6);
        bytes[at++] = 0x80 | (code & 0x3f);
        continue;
      }
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          bytes[at++] = 0xf0 | (point >> 18);
          bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
          bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
          bytes[at++] = 0x80 | (point & 0x3f);
          i += 1;
          continue;
        }
        code = REPLACEMENT;
      }
      bytes[at++] = 0xe0 | (code >> 12);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    }
    this.length = at;
  }

  /** A string as `JSON.stringify` writes it, quotes included. */
  json(text: string): void {
    this.#room(text.length + 2);
    const bytes = this.bytes;
    const start = this.length;
    let at = start;
    bytes[at++] = QUOTE;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) {
        // Escapes and non-ASCII text: rare in a trace, written the long way.
        this.length = start;
        this.raw(JSON.stringify(text));
        return;
      }
      bytes[at++] = code;
    }
    bytes[at++] = QUOTE;
    this.length = at;
  }

  /**
   * A name (node, resource, field) as `JSON.stringify` writes it; the same few names recur on
   * nearly every line, so their bytes are kept. `inner` leaves the quotes out (a name inside a
   * quoted string: its escapes are the same).
   */
  name(name: string, inner = false): void {
    let quoted = quotedNames.get(name);
    if (quoted === undefined) {
      quoted = encoder.encode(JSON.stringify(name));
      if (quotedNames.size < QUOTED_NAMES_MAX) quotedNames.set(name, quoted);
    }
    const from = inner ? 1 : 0;
    const to = inner ? quoted.length - 1 : quoted.length;
    this.#room(to - from);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = from; i < to; i++) bytes[at++] = quoted[i]!;
    this.length = at;
  }

  /**
   * A number as `String` writes it. Integers are written digit by digit; one beyond a small
   * integer's range (epoch milliseconds: nearly every line has one) as two halves, each small.
   */
  number(value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.raw(String(value));
      return;
    }
    this.#room(MAX_INTEGER_BYTES);
    if (value < 0) {
      this.bytes[this.length++] = MINUS;
      value = -value;
    }
    if (value < LOW_BASE) {
      this.#digits(value, digitCount(value));
      return;
    }
    const high = Math.floor(value / LOW_BASE);
    this.#digits(high, digitCount(high));
    this.#digits(value - high * LOW_BASE, LOW_DIGITS);
  }

  /** `value` (below LOW_BASE) in exactly `count` digits, zeros in front. */
  #digits(value: number, count: number): void {
    const bytes = this.bytes;
    const end = this.length + count;
    // As a 32-bit integer, dividing by ten is a multiplication.
    let rest = value | 0;
    for (let at = end - 1; at >= this.length; at--) {
      const next = (rest / 10) | 0;
      bytes[at] = ZERO + rest - next * 10;
      rest = next;
    }
    this.length = end;
  }

  /** A number as `String` writes it, `null` for none. */
  numberOrNull(value: number | null): void {
    if (value === null) this.ascii('null');
    else this.number(value);
  }

  /** Any value as a template literal writes it (`${value}`). */
  value(value: unknown): void {
    if (typeof value === 'number') this.number(value);
    else if (value === true) this.ascii('true');
    else if (value === false) this.ascii('false');
    else this.raw(String(value));
  }

  #room(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + bytes));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;
/** A safe integer has at most 16 digits; a sign makes 17. */
const MAX_INTEGER_BYTES = 17;
/** An integer is written as two halves from here on: the low one's digits, all small integers. */
const LOW_DIGITS = 8;
const LOW_BASE = 10 ** LOW_DIGITS;

/** Decimal digits of a non-negative integer below LOW_BASE (zero has one). */
function digitCount(value: number): number {
  if (value < 10_000) return value < 10 ? 1 : value < 100 ? 2 : value < 1_000 ? 3 : 4;
  return value < 100_000 ? 5 : value < 1_000_000 ? 6 : value < 10_000_000 ? 7 : 8;
}
const REPLACEMENT = 0xfffd;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const quotedNames = new Map<string, Uint8Array>();
const encoder = new TextEncoder();
const decoder = new TextDecoder();
