import { isDeepStrictEqual } from 'node:util';
import { ApiKeys } from '@leasehold/server/service';
import type { Prng } from './prng.js';

/*
 * The service's auth file (`leasehold serve --auth-file`), offered as an operator writes it: the
 * world's own keys (one per agent, bound to its holder id; an admin key; a key with a holder of
 * the longest documented length, an admin's or not), and careless files. The rules, as the README states them and written here on their own: `{"keys":
 * [...]}` with 1 to AUTH_KEYS_DOCUMENTED_MAX entries; each entry's `key` a string of at least
 * KEY_CHARS_MIN characters, unique; `holder`, when given, a holder id (1 to HOLDER_BYTES_DOCUMENTED_MAX
 * bytes); `admin`, when given, true or false; every entry names a holder or is an admin's. A valid
 * file must give each key exactly its principal and any other header none; a careless one must be
 * refused naming the file and the entry.
 */

const AUTH_KEYS_DOCUMENTED_MAX = 10_000;
const KEY_CHARS_MIN = 16;
const HOLDER_BYTES_DOCUMENTED_MAX = 256;
const KEY_CHARS_DRAWN_MAX = 40;
const SOURCE = 'keys.json';

interface Entry {
  readonly key: unknown;
  readonly holder?: unknown;
  readonly admin?: unknown;
}

/** A key of printable ASCII (what a Bearer header carries), `length` characters long. */
function drawKey(prng: Prng, length: number): string {
  let key = '';
  for (let i = 0; i < length; i++) key += String.fromCharCode(prng.between(0x21, 0x7e));
  return key;
}

/** The world's own auth file: a key per holder, an admin key, and one with the longest holder. */
function validEntries(prng: Prng, holders: readonly string[]): Entry[] {
  const entries: Entry[] = holders.map((holder) => ({
    key: drawKey(prng, prng.between(KEY_CHARS_MIN, KEY_CHARS_DRAWN_MAX)),
    holder,
  }));
  entries.push({ key: drawKey(prng, KEY_CHARS_MIN), admin: true });
  entries.push({
    key: drawKey(prng, KEY_CHARS_DRAWN_MAX),
    holder: 'h'.repeat(HOLDER_BYTES_DOCUMENTED_MAX),
    admin: prng.chance(1, 2),
  });
  return entries.filter((entry, i) => entries.findIndex((other) => other.key === entry.key) === i);
}

/** A file of one entry too many (the count is judged before any entry). */
const TOO_MANY_KEYS = `{"keys":[${'{},'.repeat(AUTH_KEYS_DOCUMENTED_MAX)}{}]}`;

/**
 * Careless files, each with the entry the refusal must name (null: the file as a whole) and the
 * field of it (null: the entry as a whole).
 */
function carelessFiles(valid: readonly Entry[]): [string, number | null, string | null][] {
  const last = valid.length;
  const key = String(valid[0]!.key);
  const withEntry = (entry: unknown, field: string | null): [string, number, string | null] => [
    JSON.stringify({ keys: [...valid, entry] }),
    last,
    field,
  ];
  return [
    [JSON.stringify({ keys: valid }).slice(0, -1), null, null],
    [JSON.stringify({ keys: [] }), null, null],
    [JSON.stringify({ clefs: valid }), null, null],
    [TOO_MANY_KEYS, null, null],
    withEntry({ key: key.slice(0, KEY_CHARS_MIN - 1), admin: true }, 'key'),
    withEntry({ key: 1234567890123456, admin: true }, 'key'),
    withEntry({ key: `${key}-holderless`, holder: '' }, 'holder'),
    withEntry(
      { key: `${key}-long-holder`, holder: 'h'.repeat(HOLDER_BYTES_DOCUMENTED_MAX + 1) },
      'holder',
    ),
    withEntry({ key: `${key}-number-holder`, holder: 7 }, 'holder'),
    withEntry({ key: `${key}-admin-text`, holder: 'n1', admin: 'yes' }, 'admin'),
    withEntry({ key: `${key}-nobody`, admin: false }, null),
    withEntry({ key: `${key}-nobody-at-all` }, null),
    withEntry(null, 'key'),
    withEntry({ key, holder: 'someone-else' }, 'key'),
  ];
}

/**
 * Offers `ApiKeys.parse` the world's auth file and careless ones; what the first answer breaks of
 * the rules above, or null.
 */
export function apiKeyOffersProblem(prng: Prng, holders: readonly string[]): string | null {
  const valid = validEntries(prng, holders);
  const parsed = ApiKeys.parse(JSON.stringify({ keys: valid }), SOURCE);
  if (parsed.kind !== 'ok') return `a valid auth file was refused: ${parsed.reason}`;
  for (const entry of valid) {
    const key = String(entry.key);
    const expected = { holder: entry.holder ?? null, admin: entry.admin === true };
    const got = parsed.keys.principalOf(`Bearer ${key}`);
    if (!isDeepStrictEqual(got, expected))
      return `key ${JSON.stringify(key)} speaks for ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`;
    // A key cut short, one character too long, or sent without its scheme speaks for nobody.
    for (const header of [`Bearer ${key.slice(1)}`, `Bearer ${key}~`, key]) {
      if (valid.some((other) => `Bearer ${String(other.key)}` === header)) continue;
      const nobody = parsed.keys.principalOf(header);
      if (nobody !== null)
        return `the header ${JSON.stringify(header)} speaks for ${JSON.stringify(nobody)}, but no key of the file is sent so`;
    }
  }
  const anonymous = parsed.keys.principalOf(undefined);
  if (anonymous !== null)
    return `a request without an Authorization header speaks for ${JSON.stringify(anonymous)}`;
  for (const [text, index, field] of carelessFiles(valid)) {
    const answer = ApiKeys.parse(text, SOURCE);
    const entry = index === null ? SOURCE : `${SOURCE}: keys[${index}]`;
    const where = field === null ? entry : `${entry}.${field}`;
    if (answer.kind === 'ok')
      return `a careless auth file was accepted (${where} breaks the rules): ${text.slice(0, 200)}`;
    if (!answer.reason.includes(where))
      return `a careless auth file was refused without naming ${where}: ${answer.reason}`;
  }
  return null;
}
