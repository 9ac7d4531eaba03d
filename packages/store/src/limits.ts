/** Largest page a list or history query returns. */
export const LIST_LIMIT_MAX = 1_000;
/** Page size when a query names none. */
export const LIST_LIMIT_DEFAULT = 100;

/**
 * How far above the highest token (and version) issued so far a synced commit raises the token
 * (and version) ceiling (recovery.ts). One commit in CEILING_STEP grants (writes) on the busiest
 * resource must be synced; a recovery after lost commits skips at most this many of either.
 */
export const CEILING_STEP = 1_000;

/**
 * Watches (`LeaseStore.watch`) one store keeps waiting at once. Past it a watch never fires (it
 * ends only when its signal aborts), so a caller falls back to its own timer: memory stays flat
 * however many clients block, and no caller spins on watches that resolve at once.
 */
export const WATCHERS_MAX = 10_000;
/** Longest setting name, and value (UTF-16 code units), a store keeps (readSetting/writeSetting). */
export const SETTING_NAME_LENGTH_MAX = 64;
export const SETTING_VALUE_LENGTH_MAX = 65_536;
