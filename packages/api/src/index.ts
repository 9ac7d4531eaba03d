// The public API of @leasehold/api: the lease service's HTTP API as data.
export { failoverTransport, fetchFailoverTransport } from './failover-transport.js';
export type {
  FailoverEvent,
  FailoverOptions,
  FailoverReplica,
  FetchFailoverOptions,
} from './failover-transport.js';
export { fetchTransport, HOLDER_HEADER } from './fetch-transport.js';
export type { FetchLike, FetchTransportOptions } from './fetch-transport.js';
export { checkInput, validatorOf } from './input-check.js';
export type { InputPart, InputProblem } from './input-check.js';
export { LeaseApi } from './lease-api.js';
export type { Answer, CallInput, ErrorStatus, Failed, Reply } from './lease-api.js';
export * from './limits.js';
export { ERROR_STATUSES, replySchema, requestPath, ROUTE_NAMES, ROUTES } from './routes.js';
export type { ApiAnswer, ApiRequest, RouteName, RouteSpec } from './routes.js';
export * from './schemas.js';
export type { Transport, TransportReply } from './transport.js';
