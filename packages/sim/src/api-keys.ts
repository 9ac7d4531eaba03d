import { ApiKeys, type Caller } from '@leasehold/server/service';
import { Prng } from './prng.js';

/** Percent of service runs whose replicas check API keys (`leasehold serve --auth-file`). */
const KEYS_CHECKED_PCT = 50;
/** Length of each drawn key (the auth file's least is 16 characters). */
const KEY_CHARS = 24;

/**
 * Which of its two keys an agent sends: its own (bound to its holder id, and an admin's, so its
 * forced claims and the operator's turns go through), or one bound to its holder only (what a
 * careless call to an admin route is sent with).
 */
export type KeyRole = 'own' | 'holderOnly';

/**
 * The API keys of a service run that checks them: each agent's two keys, in an auth file the
 * replicas parse with `ApiKeys.parse`, as `leasehold serve --auth-file` does; each request's
 * caller is what `principalOf` makes of the key it carries, as the HTTP shell resolves it.
 */
export class WorldKeys {
  readonly #keys: ApiKeys;
  readonly #byNode: ReadonlyMap<string, Readonly<Record<KeyRole, string>>>;

  private constructor(keys: ApiKeys, byNode: Map<string, Record<KeyRole, string>>) {
    this.#keys = keys;
    this.#byNode = byNode;
  }

  /**
   * The keys of this run, drawn from a stream of their own (so no other draw moves), or null when
   * its replicas check none (or the auth file was refused: the auth-file rules report that).
   */
  static draw(seed: string, holders: readonly string[]): WorldKeys | null {
    const prng = new Prng(seed, 'api-keys');
    if (prng.int(100) >= KEYS_CHECKED_PCT) return null;
    const byNode = new Map<string, Record<KeyRole, string>>();
    const entries: { key: string; holder: string; admin?: true }[] = [];
    for (const holder of holders) {
      const own = drawKey(prng, holder);
      const holderOnly = drawKey(prng, holder);
      byNode.set(holder, { own, holderOnly });
      entries.push({ key: own, holder, admin: true }, { key: holderOnly, holder });
    }
    const parsed = ApiKeys.parse(JSON.stringify({ keys: entries }), 'keys.json');
    return parsed.kind === 'ok' ? new WorldKeys(parsed.keys, byNode) : null;
  }

  /** The `Authorization` header `node` sends with its `role` key. */
  authorization(node: string, role: KeyRole): string | undefined {
    const key = this.#byNode.get(node)?.[role];
    return key === undefined ? undefined : `Bearer ${key}`;
  }

  /** Who a request with this header speaks for; `unknown`: the shell answers 401. */
  callerOf(authorization: string | undefined): Exclude<Caller, null> | 'unknown' {
    return this.#keys.principalOf(authorization) ?? 'unknown';
  }
}

/** A key no other agent has: the holder's name keeps it apart, drawn characters make it secret. */
function drawKey(prng: Prng, holder: string): string {
  let key = `${holder}.`;
  while (key.length < KEY_CHARS + holder.length)
    key += String.fromCharCode(prng.between(0x21, 0x7e));
  return key;
}
