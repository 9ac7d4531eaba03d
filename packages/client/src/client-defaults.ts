import { checkTtlMs, type Invalid, type LeaseConfig } from '@leasehold/core';

/**
 * What a client uses for what a call does not say itself (`defaults` of `LeaseClientOptions` and
 * `HttpLeaseClientOptions`). Checked when a call uses them: a bad default is answered `invalid`
 * naming `defaults.<field>`, as a bad value in the call would be.
 */
export interface ClientDefaults {
  /** Store round trips (requests, over HTTP) of an acquire, renew or release that names none. */
  readonly attemptsMax?: number;
  /**
   * TTL of an acquire that names none (else `LeaseClient` takes its configuration's
   * `ttlMsDefault`, and `HttpLeaseClient` the service's default).
   */
  readonly ttlMs?: number;
}

/** The TTL an acquire asks for: its own, else the client's default (checked), else undefined. */
export function acquireTtlMs(
  ttlMs: number | undefined,
  defaults: ClientDefaults,
  config: LeaseConfig,
): number | undefined | Invalid {
  if (ttlMs !== undefined || defaults.ttlMs === undefined) return ttlMs;
  const problem = checkTtlMs(defaults.ttlMs, config);
  if (problem === null) return defaults.ttlMs;
  return { ...problem, field: 'defaults.ttlMs', reason: `defaults.${problem.reason}` };
}
