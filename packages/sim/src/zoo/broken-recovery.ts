import { TTL_MS_LIMIT_MIN } from '@leasehold/core';
import { recoveryMark, type RecoveryRule } from '@leasehold/store';

/**
 * Z11: after lost commits, tokens and versions go on from what survived, as in a store that
 * acknowledges unsynced writes and restarts as if nothing was lost (Redis with
 * `appendfsync everysec`): a forgotten grant's token is issued again.
 */
export const recoveryWithoutJump: RecoveryRule = (ceilings, highest, atMs) => ({
  ...recoveryMark(ceilings, highest, atMs),
  token: highest.token + 1,
  version: highest.version + 1,
});

/**
 * Z12: the jumps, but no quarantine: the restarted store grants at once, while holders of grants it
 * forgot still believe (the restart problem of Redlock, whose remedy is a delayed restart).
 */
export const recoveryWithoutQuarantine: RecoveryRule = (ceilings, highest, atMs) => ({
  ...recoveryMark(ceilings, highest, atMs),
  ttlMs: TTL_MS_LIMIT_MIN,
});
