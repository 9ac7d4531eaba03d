import { invalid, type Invalid } from '@leasehold/core';
import { ATTEMPTS_MAX } from './limits.js';

/** Options every mutating call accepts: its own retry budget. */
export interface BudgetOptions {
  /** Store round trips this call may make (1..ATTEMPTS_MAX); defaults to ATTEMPTS_MAX. */
  readonly attemptsMax?: number;
}

/** The budget of a call, or why the caller's value is refused (user input is never asserted). */
export function attemptsBudget(options: BudgetOptions): number | Invalid {
  const value: unknown = options.attemptsMax;
  if (value === undefined) return ATTEMPTS_MAX;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return invalid('attemptsMax', `must be an integer from 1 to ${ATTEMPTS_MAX} (ATTEMPTS_MAX)`);
  }
  if (value < 1 || value > ATTEMPTS_MAX) {
    return invalid(
      'attemptsMax',
      `must be from 1 to ${ATTEMPTS_MAX} (ATTEMPTS_MAX), got ${String(value)}`,
    );
  }
  return value;
}
