import type { LeaseStore } from '@leasehold/store';
import type { SettingsStore } from './service-types.js';

/** The setting the service's runtime configuration is kept under. */
export const SETTINGS_NAME = 'service.config';

/**
 * The service's settings kept in the lease store itself (SQLite's settings table, an etcd key), so
 * every service on one store sees the same configuration and a restart keeps it. Null for a store
 * that keeps no settings: the service then keeps them in memory.
 */
export function storeSettings(store: LeaseStore): SettingsStore | null {
  const { readSetting, writeSetting } = store;
  if (readSetting === undefined || writeSetting === undefined) return null;
  return {
    async load() {
      const read = await readSetting.call(store, SETTINGS_NAME);
      if (read.kind === 'unavailable') return read;
      if (read.value === null) return { kind: 'ok', settings: null };
      try {
        return { kind: 'ok', settings: JSON.parse(read.value) as unknown };
      } catch {
        return { kind: 'unavailable', reason: `the setting ${SETTINGS_NAME} is not JSON` };
      }
    },
    save: (settings) => writeSetting.call(store, SETTINGS_NAME, JSON.stringify(settings)),
  };
}
