import { openEtcdStore } from '@leasehold/store-etcd';
import { openSqliteStore } from '@leasehold/store-sqlite';
import type { LeaseStore } from '@leasehold/store';
import { UsageError } from './io.js';

/** Where leases live, as the store flags name it. */
export interface StoreFlags {
  readonly db?: string;
  readonly store?: string;
  readonly 'etcd-endpoints'?: string;
  readonly 'etcd-prefix'?: string;
}

export const DB_FILE_DEFAULT = 'leases.db';

export type OpenedStore =
  | { readonly kind: 'ok'; readonly store: LeaseStore; readonly description: string }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Opens the store the flags name: a SQLite file (the default, `leases.db` in the working
 * directory) or an etcd cluster. Conflicting or incomplete flags are usage errors.
 */
export function openStoreFromFlags(flags: StoreFlags, cwd: string): OpenedStore {
  const kind = flags.store ?? 'sqlite';
  if (kind === 'etcd') {
    if (flags.db !== undefined)
      throw new UsageError('--db names a SQLite file; leave it out with --store etcd');
    const endpoints = (flags['etcd-endpoints'] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    if (endpoints.length === 0) {
      throw new UsageError('--store etcd needs --etcd-endpoints http://host:2379[,...]');
    }
    const opened = openEtcdStore({
      endpoints,
      ...(flags['etcd-prefix'] === undefined ? {} : { prefix: flags['etcd-prefix'] }),
    });
    if (opened.kind === 'refused') return opened;
    return { kind: 'ok', store: opened.store, description: `etcd ${endpoints.join(',')}` };
  }
  if (kind !== 'sqlite')
    throw new UsageError(`--store must be sqlite or etcd (got ${JSON.stringify(kind)})`);
  if (flags['etcd-endpoints'] !== undefined || flags['etcd-prefix'] !== undefined) {
    throw new UsageError('--etcd-endpoints and --etcd-prefix need --store etcd');
  }
  const path = flags.db ?? DB_FILE_DEFAULT;
  const opened = openSqliteStore(path.startsWith('/') ? path : `${cwd}/${path}`);
  if (opened.kind === 'refused') return opened;
  return { kind: 'ok', store: opened.store, description: `SQLite ${path}` };
}
