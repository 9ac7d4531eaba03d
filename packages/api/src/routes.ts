import type { TSchema } from 'typebox';
import {
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
import { ROUTE_NAMES, ROUTE_TABLE, type RouteEntry, type RouteName } from './route-table.js';

/** One route of the API: where it is, what it takes, and what it answers by status. */
export interface RouteSpec extends RouteEntry {
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  /** Success and expected refusals, by status (every route may also answer with an ErrorReply). */
  readonly replies: Readonly<Record<number, TSchema>>;
}

/** Each route's schemas, a reply schema for each status the route table declares (and no other). */
type RouteSchemas = {
  readonly [R in RouteName]: {
    readonly params?: TSchema;
    readonly query?: TSchema;
    readonly body?: TSchema;
    readonly replies: Readonly<Record<(typeof ROUTE_TABLE)[R]['statuses'][number], TSchema>>;
  };
};

const SCHEMAS = {
  acquire: { body: AcquireBody, replies: { 201: LeaseReply, 409: HeldReply } },
  renew: { body: RenewBody, replies: { 200: RenewReply, 409: ErrorReply } },
  release: { body: ReleaseBody, replies: { 200: ReleaseReply } },
  list: { query: ListQuery, replies: { 200: ListReply } },
  status: { params: ResourceParams, replies: { 200: StatusReply } },
  history: { params: ResourceParams, query: HistoryQuery, replies: { 200: HistoryReply } },
  forceRelease: { body: ForceReleaseBody, replies: { 200: ForceReleaseReply, 409: ErrorReply } },
  releaseHolder: { body: ReleaseHolderBody, replies: { 200: ReleaseHolderReply } },
  cleanup: { body: CleanupBody, replies: { 200: CleanupReply } },
  getConfig: { replies: { 200: ConfigReply } },
  putConfig: { body: ConfigBody, replies: { 200: ConfigReply } },
} as const satisfies RouteSchemas;

type Routes = {
  readonly [R in RouteName]: (typeof ROUTE_TABLE)[R] & (typeof SCHEMAS)[R];
};

/**
 * Every route of the lease API, by name, with its schemas: the service's request path, its
 * fastify shell, its OpenAPI document and the typed client's reply checks (reply-checks.ts, made
 * from these schemas) all come from this one table.
 */
export const ROUTES = Object.fromEntries(
  ROUTE_NAMES.map((name) => [name, { ...ROUTE_TABLE[name], ...SCHEMAS[name] }]),
) as Routes;

/** The schema a reply of `route` with `status` must match. */
export function replySchema(route: RouteName, status: number): TSchema {
  const replies: Readonly<Record<number, TSchema>> = ROUTES[route].replies;
  return replies[status] ?? ErrorReply;
}
