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
export {
  declaresStatus,
  ERROR_STATUSES,
  requestPath,
  ROUTE_NAMES,
  ROUTE_TABLE,
} from './route-table.js';
export type { ApiAnswer, ApiRequest, RouteEntry, RouteName } from './route-table.js';
export { REPLY_CHECKS } from './reply-checks.js';
export type { ReplyCheck } from './reply-checks.js';
export { replySchema, ROUTES } from './routes.js';
export type { RouteSpec } from './routes.js';
export {
  AcquireBody,
  CleanupBody,
  CleanupReply,
  ConfigBody,
  ConfigReply,
  ErrorReply,
  ForceReleaseBody,
  ForceReleaseReply,
  HeldReply,
  HistoryQuery,
  HistoryReply,
  LeaseReply,
  ListQuery,
  ListReply,
  ReleaseBody,
  ReleaseHolderBody,
  ReleaseHolderReply,
  ReleaseReply,
  RenewBody,
  RenewReply,
  ResourceParams,
  StatusReply,
} from './schemas.js';
export type { Transport, TransportReply } from './transport.js';
