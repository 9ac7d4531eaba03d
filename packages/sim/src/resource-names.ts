import { Prng } from './prng.js';

/** Resource names mix slashes, quotes and non-ASCII, as real ones do. */
export const RESOURCE_NAMES = [
  'orders/42',
  'doc "draft"',
  'mem/🧠',
  "refs/heads/it's",
  'jobs\\nightly',
  'q?x=1&y=2',
  'résumé',
  'a',
] as const;

/** How a twin differs from the name it shadows. */
export type TwinKind = 'case' | 'normalization' | 'separator';

/** The separators a key encoding is tempted to treat as one (or to escape into each other). */
const SEPARATOR_SWAPS: ReadonlyArray<readonly [string, string]> = [
  ['/', ':'],
  ['/', '\\'],
  ['\\', '/'],
  ['/', '%2F'],
  ['?', '/'],
];

/**
 * Names a store adapter's key encoding could fold into `name` though the lease API holds them
 * apart: another case, the other Unicode normalization form (NFC and NFD of one text are two
 * resources), another separator. Each is a valid resource name different from `name`.
 */
export function twinsOf(name: string): Array<{ kind: TwinKind; name: string }> {
  const twins: Array<{ kind: TwinKind; name: string }> = [];
  const upper = name.replace(/\p{Ll}/u, (c) => c.toUpperCase());
  if (upper !== name) twins.push({ kind: 'case', name: upper });
  for (const form of ['NFD', 'NFC'] as const) {
    const other = name.normalize(form);
    if (other !== name) twins.push({ kind: 'normalization', name: other });
  }
  for (const [from, to] of SEPARATOR_SWAPS) {
    if (name.includes(from)) twins.push({ kind: 'separator', name: name.replace(from, to) });
  }
  if (!name.endsWith('/')) twins.push({ kind: 'separator', name: `${name}/` });
  return twins;
}

/**
 * The `count` resource names of a seed's world: the first `count` of RESOURCE_NAMES, except that
 * in half the seeds with room for two, the last two are a name and its twin of a drawn kind (case,
 * normalization form or separator; the first name stays where it is). Its own stream, so every
 * other draw of the seed is what it was. Two names one key could hold are then contended in one
 * run, and a store that folds them answers one's record for the other.
 */
export function drawResourceNames(seed: string, count: number): string[] {
  const names: string[] = RESOURCE_NAMES.slice(0, count);
  const prng = new Prng(seed, 'names');
  if (count < 2 || !prng.chance(1, 2)) return names;
  const kind = prng.pick<TwinKind>(['case', 'normalization', 'separator']);
  const kept = names.slice(0, count === 2 ? 1 : count - 2);
  const ofKind = (name: string) =>
    twinsOf(name).filter((twin) => twin.kind === kind && !kept.includes(twin.name));
  // With two names the first is the one shadowed; with more, a name of the pool not yet in the
  // world, with a twin of that kind, takes the second-last place.
  const bases =
    count === 2
      ? kept
      : RESOURCE_NAMES.filter((name) => !kept.includes(name) && ofKind(name).length > 0);
  if (bases.length === 0 || ofKind(bases[0]!).length === 0) return names;
  const base = prng.pick(bases);
  if (count > 2) names[count - 2] = base;
  names[count - 1] = prng.pick(ofKind(base)).name;
  return names;
}

/**
 * `name` quoted, every character outside printable ASCII written as its code point, so twins that
 * print alike (the two normalization forms of one text) read apart in a report.
 */
export function showName(name: string): string {
  return JSON.stringify(name).replace(
    /[^\x20-\x7e]/gu,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}
