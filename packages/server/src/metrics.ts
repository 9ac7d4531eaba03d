import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServiceObserver } from './service-types.js';

/** Request latency buckets, in seconds: sub-millisecond loopback up to the longest wait. */
const LATENCY_BUCKETS_S = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60,
];

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly observer: ServiceObserver;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
}

/**
 * Prometheus metrics of one service (its own registry, so two services in one process never
 * mix): lease outcomes, active leases and waiters (read when scraped), request latency.
 */
export function serviceMetrics(sources: {
  activeLeases: () => Promise<number | null>;
  waiters: () => number;
}): ServiceMetrics {
  const registry = new Registry();
  const counter = (name: string, help: string) =>
    new Counter({ name, help, registers: [registry] });
  const grants = counter('leasehold_grants_total', 'Leases granted');
  const conflicts = counter('leasehold_conflicts_total', 'Acquires answered 409 (held by another)');
  const renewals = counter('leasehold_renewals_total', 'Leases renewed');
  const releases = counter('leasehold_releases_total', 'Leases released by their holder');
  const expirations = counter('leasehold_expirations_total', 'Leases marked expired by cleanup');
  const forceReleases = counter(
    'leasehold_force_releases_total',
    'Leases force-released by an admin',
  );
  new Gauge({
    name: 'leasehold_active_leases',
    help: 'Held, unexpired leases (counted when scraped; -1 if the store did not answer)',
    registers: [registry],
    async collect() {
      this.set((await sources.activeLeases()) ?? -1);
    },
  });
  new Gauge({
    name: 'leasehold_waiters',
    help: 'Acquires waiting for a lease',
    registers: [registry],
    collect() {
      this.set(sources.waiters());
    },
  });
  const latency = new Histogram({
    name: 'leasehold_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  });
  return {
    registry,
    observer: {
      granted: () => grants.inc(),
      conflict: () => conflicts.inc(),
      renewed: () => renewals.inc(),
      released: () => releases.inc(),
      expired: () => expirations.inc(),
      forceReleased: () => forceReleases.inc(),
    },
    observeRequest: (method, route, statusCode, seconds) =>
      latency.observe({ method, route, status_code: String(statusCode) }, seconds),
  };
}
