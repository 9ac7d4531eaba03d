/** Flags and statistics shared by the benchmark scripts (`npm run bench:*`). */
const args = process.argv.slice(2);

/** `--name N`: a positive whole number, or `fallback`; anything else exits 64 naming the flag. */
export function intFlag(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} needs a positive whole number (got ${args[i + 1]})`);
    process.exit(64);
  }
  return value;
}

/** `--name TEXT`, or undefined. */
export function stringFlag(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
}

/** The middle value (the upper middle for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
