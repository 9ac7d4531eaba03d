import { readFileSync, statSync } from 'node:fs';
import { checkHolder } from '@leasehold/core';
import { AUTH_FILE_BYTES_MAX, AUTH_KEYS_MAX } from './limits.js';
import { secretsEqual } from './secrets.js';

/** Who an API key speaks for: one holder id, and/or the admin routes. */
export interface Principal {
  readonly holder: string | null;
  readonly admin: boolean;
}

/**
 * API keys from an auth file: `{ "keys": [ { "key": "...", "holder": "agent-1" },
 * { "key": "...", "admin": true } ] }`. A key bound to a holder can only act as that holder; only
 * admin keys reach `/v1/admin/*`. Keys are compared in constant time, and never logged.
 */
export class ApiKeys {
  readonly #entries: readonly { readonly key: string; readonly principal: Principal }[];

  private constructor(entries: readonly { key: string; principal: Principal }[]) {
    this.#entries = entries;
  }

  static parse(
    text: string,
    source: string,
  ): { kind: 'ok'; keys: ApiKeys } | { kind: 'refused'; reason: string } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { kind: 'refused', reason: `${source} is not JSON: ${(error as Error).message}` };
    }
    const keys = (parsed as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > AUTH_KEYS_MAX) {
      return {
        kind: 'refused',
        reason: `${source} needs "keys": an array of 1 to ${AUTH_KEYS_MAX} entries`,
      };
    }
    const entries: { key: string; principal: Principal }[] = [];
    for (const [index, entry] of keys.entries()) {
      const where = `${source}: keys[${index}]`;
      const { key, holder, admin } = (entry ?? {}) as Record<string, unknown>;
      if (typeof key !== 'string' || key.length < 16) {
        return {
          kind: 'refused',
          reason: `${where}.key must be a string of at least 16 characters`,
        };
      }
      if (holder !== undefined && checkHolder(holder) !== null) {
        return { kind: 'refused', reason: `${where}.holder must be a holder id (1 to 256 bytes)` };
      }
      if (admin !== undefined && typeof admin !== 'boolean') {
        return { kind: 'refused', reason: `${where}.admin must be true or false` };
      }
      if (holder === undefined && admin !== true) {
        return { kind: 'refused', reason: `${where} needs a "holder" or "admin": true` };
      }
      if (entries.some((e) => e.key === key)) {
        return { kind: 'refused', reason: `${where}.key appears twice` };
      }
      entries.push({
        key,
        principal: { holder: (holder as string | undefined) ?? null, admin: admin === true },
      });
    }
    return { kind: 'ok', keys: new ApiKeys(entries) };
  }

  static load(path: string): { kind: 'ok'; keys: ApiKeys } | { kind: 'refused'; reason: string } {
    try {
      if (statSync(path).size > AUTH_FILE_BYTES_MAX) {
        return { kind: 'refused', reason: `${path} is larger than ${AUTH_FILE_BYTES_MAX} bytes` };
      }
      return ApiKeys.parse(readFileSync(path, 'utf8'), path);
    } catch (error) {
      return {
        kind: 'refused',
        reason: `cannot read the auth file ${path}: ${(error as Error).message}`,
      };
    }
  }

  /** The principal of an `Authorization: Bearer <key>` header, or null. Every key is compared. */
  principalOf(header: string | undefined): Principal | null {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? '');
    if (match === null) return null;
    const presented = match[1] ?? '';
    let found: Principal | null = null;
    for (const entry of this.#entries) {
      if (secretsEqual(entry.key, presented)) found = entry.principal;
    }
    return found;
  }
}
