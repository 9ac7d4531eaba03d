/**
 * Seeds. One seed determines a run. Users write seeds in decimal (`12345`) or hex (`0x3039`, or a
 * bare commit hash such as `9f2c1e0`); every seed is reduced to an unsigned 64-bit integer and
 * printed in decimal, so a seed copied from a report reproduces the run exactly.
 */
const SEED_BITS_MASK = (1n << 64n) - 1n;

export type SeedResult =
  | { readonly kind: 'ok'; readonly seed: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export function parseSeed(text: string): SeedResult {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed))
    return { kind: 'ok', seed: (BigInt(trimmed) & SEED_BITS_MASK).toString() };
  const hex = trimmed.startsWith('0x') ? trimmed.slice(2) : trimmed;
  if (/^[0-9a-f]+$/.test(hex) && hex.length <= 64) {
    return { kind: 'ok', seed: (BigInt(`0x${hex}`) & SEED_BITS_MASK).toString() };
  }
  return {
    kind: 'invalid',
    reason: `seed must be a decimal integer (12345) or hex (0x3039, or a commit hash); got ${JSON.stringify(text)}`,
  };
}

/** The i-th seed of a sweep starting at `base`: consecutive, so sweeps are easy to read. */
export function sweepSeed(base: string, index: number): string {
  return ((BigInt(base) + BigInt(index)) & SEED_BITS_MASK).toString();
}
