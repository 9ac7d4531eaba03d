import { TOKEN_MAX } from '@leasehold/core';
import { LEASE_ID_LENGTH_MAX } from './limits.js';

/**
 * A lease id names one grant: the resource and its fencing token, `<token>.<base64url(resource)>`.
 * It is not a secret (it shows in listings and logs); renew and release also need the owner key.
 * Being derived, it survives restarts and needs no table of its own.
 */
export function encodeLeaseId(resource: string, token: number): string {
  return `${token}.${Buffer.from(resource, 'utf8').toString('base64url')}`;
}

export interface LeaseRef {
  readonly resource: string;
  readonly token: number;
}

/** The grant a lease id names, or null when it is not one this service could have issued. */
export function decodeLeaseId(leaseId: string): LeaseRef | null {
  if (leaseId.length > LEASE_ID_LENGTH_MAX) return null;
  const match = /^([1-9][0-9]{0,15})\.([A-Za-z0-9_-]+)$/.exec(leaseId);
  if (match === null) return null;
  const token = Number(match[1]);
  if (!Number.isSafeInteger(token) || token > TOKEN_MAX) return null;
  const bytes = Buffer.from(match[2] ?? '', 'base64url');
  const resource = bytes.toString('utf8');
  // Only the canonical encoding of valid UTF-8 names a lease: no two ids name one grant.
  if (encodeLeaseId(resource, token) !== leaseId) return null;
  return { resource, token };
}
