import { hash, timingSafeEqual } from 'node:crypto';
import { OWNER_KEY_RANDOM_BYTES, REQUEST_ID_RANDOM_BYTES } from './limits.js';

/** Random bytes, injected: the system's in production, a seeded stream in the simulator. */
export type RandomBytes = (count: number) => Uint8Array;

export function newOwnerKey(random: RandomBytes): string {
  return Buffer.from(random(OWNER_KEY_RANDOM_BYTES)).toString('base64url');
}

export function newRequestId(random: RandomBytes): string {
  return `srv-${Buffer.from(random(REQUEST_ID_RANDOM_BYTES)).toString('base64url')}`;
}

/**
 * Compares two secrets in time that does not depend on where they differ: both are hashed first,
 * so neither their contents nor (beyond the hash) their lengths leak through timing.
 */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}
