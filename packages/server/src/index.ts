// The public API of @leasehold/server.
export { ApiKeys } from './auth.js';
export type { Principal } from './auth.js';
export { buildHttpApp } from './http-app.js';
export type { App } from './fastify-app.js';
export type { HttpAppOptions } from './http-app.js';
export { decodeLeaseId, encodeLeaseId } from './lease-id.js';
export type { LeaseRef } from './lease-id.js';
export { LeaseQueries, leaseStatus } from './lease-queries.js';
export type { ListAnswer, ListFilter } from './lease-queries.js';
export { LeaseService } from './lease-service.js';
export { handleRequest } from './request-path.js';
export type { Caller } from './request-path.js';
export type {
  AcquireInput,
  LeaseServiceOptions,
  ReleaseInput,
  RenewInput,
} from './lease-service.js';
export * from './limits.js';
export { serviceMetrics } from './metrics.js';
export type { ServiceMetrics } from './metrics.js';
export type { RandomBytes } from './secrets.js';
export { applySettingsPatch, DEFAULT_SETTINGS, settingsView } from './service-settings.js';
export type { ServiceSettings, SettingsResult, SettingsView } from './service-settings.js';
export type {
  AcquireAnswer,
  ForceReleaseAnswer,
  Forbidden,
  Gone,
  LeaseStatus,
  LeaseView,
  NotFound,
  ReleaseAnswer,
  RenewAnswer,
  ServiceClock,
  ServiceObserver,
  ServiceUnavailable,
  SettingsStore,
} from './service-types.js';
export { startServer } from './start-server.js';
export { SETTINGS_NAME, storeSettings } from './store-settings.js';
export type { RunningServer, ServerOptions, StartResult } from './start-server.js';
export { systemRandom, systemServiceClock } from './system-clock.js';
