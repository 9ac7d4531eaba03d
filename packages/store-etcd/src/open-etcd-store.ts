import { Etcd3, type CallContext } from 'etcd3';
import { EtcdStore } from './etcd-store.js';
import { Keys } from './keys.js';
import { LeaderRoute } from './leader-route.js';
import {
  ETCD_TIMEOUT_MS_DEFAULT,
  ETCD_TIMEOUT_MS_MAX,
  ETCD_TIMEOUT_MS_MIN,
  PREFIX_BYTES_MAX,
} from './limits.js';

export interface EtcdStoreOptions {
  /** Client URLs of the cluster's members, e.g. `http://127.0.0.1:2379`. */
  readonly endpoints: readonly string[];
  /** Key prefix (namespace) of this store's keys. Default `leasehold/`. */
  readonly prefix?: string;
  /**
   * Longest time one store call may take, fail-over included; past it the call answers
   * `unavailable` (a write: `maybeApplied`). Default ETCD_TIMEOUT_MS_DEFAULT.
   */
  readonly timeoutMs?: number;
  /**
   * Called once per request sent to etcd (every attempt, every member), with the gRPC method:
   * for metrics, and for the benchmark's round trips per cycle.
   */
  readonly onRequest?: (method: string) => void;
}

export type OpenEtcdResult =
  | { readonly kind: 'ok'; readonly store: EtcdStore }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Creates a store on the etcd cluster at `endpoints`. Nothing is sent until the first call, so an
 * unreachable cluster shows up as `unavailable` results (within the timeout), not here.
 */
export function openEtcdStore(options: EtcdStoreOptions): OpenEtcdResult {
  const timeoutMs = options.timeoutMs ?? ETCD_TIMEOUT_MS_DEFAULT;
  if (
    !Number.isInteger(timeoutMs) ||
    timeoutMs < ETCD_TIMEOUT_MS_MIN ||
    timeoutMs > ETCD_TIMEOUT_MS_MAX
  ) {
    return {
      kind: 'refused',
      reason: `timeoutMs must be a whole number from ${ETCD_TIMEOUT_MS_MIN} to ${ETCD_TIMEOUT_MS_MAX}`,
    };
  }
  const prefix = options.prefix ?? 'leasehold/';
  if (!/^[\x21-\x7e]*\/$/.test(prefix) || prefix.length > PREFIX_BYTES_MAX) {
    return {
      kind: 'refused',
      reason: `prefix must be printable ASCII ending in "/", at most ${PREFIX_BYTES_MAX} bytes`,
    };
  }
  if (options.endpoints.length === 0 || !options.endpoints.every(isEndpoint)) {
    return { kind: 'refused', reason: 'endpoints must be one or more http(s)://host:port URLs' };
  }
  const onRequest = options.onRequest;
  const connect = (hosts: string[]) =>
    new Etcd3({
      hosts,
      dialTimeout: timeoutMs,
      ...(onRequest === undefined
        ? {}
        : {
            defaultCallOptions: (context: CallContext) => {
              onRequest(context.method);
              return {};
            },
          }),
    });
  const pool = connect([...options.endpoints]);
  const endpoints = [...new Set(options.endpoints)];
  const members = new Map(
    endpoints.length < 2 ? [] : endpoints.map((endpoint) => [endpoint, connect([endpoint])]),
  );
  const route = new LeaderRoute(pool, members, timeoutMs);
  return { kind: 'ok', store: new EtcdStore(pool, route, new Keys(prefix), timeoutMs) };
}

function isEndpoint(url: string): boolean {
  return /^https?:\/\/[^/\s]+:\d+$/.test(url);
}
