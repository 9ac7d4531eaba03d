// The public API of @leasehold/store-etcd.
export { EtcdStore } from './etcd-store.js';
export {
  ETCD_TIMEOUT_MS_DEFAULT,
  ETCD_TIMEOUT_MS_MAX,
  ETCD_TIMEOUT_MS_MIN,
  ETCD_TXN_OPS_MAX,
  ETCD_WATCHES_MAX,
  PREFIX_BYTES_MAX,
  READ_CACHE_ENTRIES_MAX,
  SCAN_PAGES_MAX,
  SCAN_PAGE_KEYS,
} from './limits.js';
export { openEtcdStore } from './open-etcd-store.js';
export type { EtcdStoreOptions, OpenEtcdResult } from './open-etcd-store.js';
