import type { Command } from 'commander';
import { UsageError } from './io.js';

/** A whole number within [min, max] from a flag, or a usage error naming the flag. */
export function intFlag(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(
      `--${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
    );
  }
  const n = Number(value);
  if (n < min || n > max)
    throw new UsageError(`--${flag} must be from ${min} to ${max} (got ${n})`);
  return n;
}

/** `--shard K/N`: 1 <= K <= N. */
export function shardFlag(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || index < 1 || count < 1 || index > count) {
    throw new UsageError(
      `--shard must be K/N with 1 <= K <= N, e.g. 1/4 (got ${JSON.stringify(value)})`,
    );
  }
  return { index, count };
}

/**
 * A command's flag values keyed by the flag as typed (`seed-base`, `no-shrink`), each as given:
 * the handlers check and convert them, so every error names the flag the user wrote.
 */
export function flagValues<T>(command: Command): T {
  const opts = command.opts<Record<string, unknown>>();
  const values: Record<string, unknown> = {};
  for (const option of command.options) {
    const name = option.long?.slice(2) ?? option.attributeName();
    const value = opts[option.attributeName()];
    if (option.negate) {
      if (value === false) values[name] = true;
    } else if (value !== undefined) values[name] = value;
  }
  return values as T;
}
