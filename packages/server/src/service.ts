// '@leasehold/server/service': the lease service without its HTTP shell (no fastify, no metrics):
// the transport-agnostic LeaseService and the request path, for callers that carry requests
// themselves (the agent CLI over a local file, the simulator's replicas).
export { ApiKeys } from './auth.js';
export type { Principal } from './auth.js';
export { decodeLeaseId, encodeLeaseId } from './lease-id.js';
export { LeaseService } from './lease-service.js';
export type { LeaseServiceOptions } from './lease-service.js';
export { handleRequest } from './request-path.js';
export type { Caller } from './request-path.js';
export type { RandomBytes } from './secrets.js';
export type { ServiceClock, ServiceObserver, SettingsStore } from './service-types.js';
export { SETTINGS_NAME, storeSettings } from './store-settings.js';
export { systemRandom, systemServiceClock } from './system-clock.js';
