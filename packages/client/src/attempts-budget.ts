import { invalid, type Invalid } from '@leasehold/core';
import type { ClientDefaults } from './client-defaults.js';
import { ATTEMPTS_MAX } from './limits.js';

/** Options every mutating call accepts: its own retry budget. */
export interface BudgetOptions {
  /**
   * Store round trips this call may make (1..ATTEMPTS_MAX); defaults to the client's
   * `defaults.attemptsMax`, else ATTEMPTS_MAX.
   */
  readonly attemptsMax?: number;
}

/** The budget of a call, or why the caller's value is refused (user input is never asserted). */
export function attemptsBudget(
  options: BudgetOptions,
  defaults: ClientDefaults = {},
): number | Invalid {
  if (options.attemptsMax !== undefined) return checkBudget('attemptsMax', options.attemptsMax);
  if (defaults.attemptsMax !== undefined)
    return checkBudget('defaults.attemptsMax', defaults.attemptsMax);
  return ATTEMPTS_MAX;
}

function checkBudget(field: string, value: unknown): number | Invalid {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return invalid(field, `must be an integer from 1 to ${ATTEMPTS_MAX} (ATTEMPTS_MAX)`);
  }
  if (value < 1 || value > ATTEMPTS_MAX) {
    return invalid(field, `must be from 1 to ${ATTEMPTS_MAX} (ATTEMPTS_MAX), got ${String(value)}`);
  }
  return value;
}
