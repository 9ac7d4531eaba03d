import { describeValue, invalid, type Invalid } from './invalid.js';
import { utf8ByteLength } from './utf8.js';

/** A non-empty, well-formed string of at most `bytesMax` UTF-8 bytes, or why not. */
export function checkName(field: string, value: unknown, bytesMax: number): Invalid | null {
  if (typeof value !== 'string') {
    return invalid(field, `must be a string (got ${describeValue(value)})`);
  }
  if (value.length === 0) return invalid(field, 'must not be empty');
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short well-formed strings need no counting.
  if (value.length * 3 <= bytesMax && value.isWellFormed()) return null;
  const bytes = utf8ByteLength(value);
  if (bytes < 0) return invalid(field, 'must be valid UTF-8 (it holds a lone surrogate)');
  if (bytes > bytesMax) {
    return invalid(field, `must be at most ${bytesMax} UTF-8 bytes (got ${bytes})`);
  }
  return null;
}

/** An integer number of milliseconds within [min, max], or why not. */
export function checkIntegerMs(
  field: string,
  value: unknown,
  min: number,
  max: number,
): Invalid | null {
  return checkInteger(field, value, min, max, ' ms');
}

export function checkInteger(
  field: string,
  value: unknown,
  min: number,
  max: number,
  unit = '',
): Invalid | null {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    return invalid(field, `must be a number (got ${describeValue(value)})`);
  }
  if (!Number.isInteger(value)) {
    return invalid(field, `must be a whole number${unit ? ` of${unit}` : ''} (got ${value})`);
  }
  if (value < min) return invalid(field, `must be at least ${min}${unit} (got ${value})`);
  if (value > max) return invalid(field, `must be at most ${max}${unit} (got ${value})`);
  return null;
}

/** A fencing token: a positive safe integer. */
export function checkToken(field: string, value: unknown): Invalid | null {
  return checkInteger(field, value, 1, Number.MAX_SAFE_INTEGER);
}
