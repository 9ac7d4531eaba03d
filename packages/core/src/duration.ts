import { describeValue, invalid, type Invalid } from './invalid.js';
import { DURATION_MS_MAX, DURATION_TEXT_LENGTH_MAX } from './limits.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const UNITS_TEXT = 'ms, s, m, h, d';
const PART = /(\d+)(ms|s|m|h|d)/y;

export type DurationResult = { readonly kind: 'ok'; readonly ms: number } | Invalid;

/**
 * Parses `500ms`, `30s`, `60m`, `1h`, `2d`, compounds such as `1h30m`, and plain integers
 * (milliseconds). Numbers are accepted too, when they are whole milliseconds.
 */
export function parseDuration(value: unknown, field = 'duration'): DurationResult {
  if (typeof value === 'number') return durationFromNumber(value, field);
  if (typeof value !== 'string') {
    return invalid(field, `must be a duration string such as "30s" (got ${describeValue(value)})`);
  }
  const text = value.trim();
  if (text.length === 0) return invalid(field, 'must not be empty');
  if (text.length > DURATION_TEXT_LENGTH_MAX) {
    return invalid(field, `must be at most ${DURATION_TEXT_LENGTH_MAX} characters`);
  }
  if (/^\d+$/.test(text)) return durationFromNumber(Number(text), field);

  let totalMs = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null) return unknownFormat(field, value, text.slice(start));
    totalMs += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    if (!(totalMs <= DURATION_MS_MAX)) return tooLong(field);
  }
  return { kind: 'ok', ms: totalMs };
}

function durationFromNumber(value: number, field: string): DurationResult {
  if (!Number.isInteger(value) || value < 0) {
    return invalid(field, `must be a whole, non-negative number of milliseconds (got ${value})`);
  }
  if (value > DURATION_MS_MAX) return tooLong(field);
  return { kind: 'ok', ms: value };
}

function unknownFormat(field: string, value: string, rest: string): Invalid {
  return invalid(
    field,
    `must be an integer with a unit (${UNITS_TEXT}), e.g. "60m" or "1h30m"; ` +
      `could not read ${JSON.stringify(rest)} in ${JSON.stringify(value)}`,
  );
}

function tooLong(field: string): Invalid {
  return invalid(field, `must be at most ${DURATION_MS_MAX} ms (365 days)`);
}

/** Formats milliseconds the way `parseDuration` reads them back: `1h30m`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  let rest = ms;
  let text = '';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
