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

/** One route of the API: where it is, what it takes, and what it answers by status. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** With `:resource` where a path parameter goes (fastify's syntax). */
  readonly path: string;
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  /** Only admin keys may call it (when the service checks API keys). */
  readonly admin: boolean;
  /** Success and expected refusals, by status (every route may also answer with an ErrorReply). */
  readonly replies: Readonly<Record<number, TSchema>>;
}

/**
 * Every route of the lease API, by name: the service's request path, its fastify shell, its
 * OpenAPI document and the typed client are all built from this one table.
 */
export const ROUTES = {
  acquire: {
    method: 'POST',
    path: '/v1/leases/acquire',
    body: AcquireBody,
    admin: false,
    replies: { 201: LeaseReply, 409: HeldReply },
  },
  renew: {
    method: 'POST',
    path: '/v1/leases/renew',
    body: RenewBody,
    admin: false,
    replies: { 200: RenewReply, 409: ErrorReply },
  },
  release: {
    method: 'POST',
    path: '/v1/leases/release',
    body: ReleaseBody,
    admin: false,
    replies: { 200: ReleaseReply },
  },
  list: {
    method: 'GET',
    path: '/v1/leases',
    query: ListQuery,
    admin: false,
    replies: { 200: ListReply },
  },
  status: {
    method: 'GET',
    path: '/v1/leases/:resource',
    params: ResourceParams,
    admin: false,
    replies: { 200: StatusReply },
  },
  history: {
    method: 'GET',
    path: '/v1/leases/:resource/history',
    params: ResourceParams,
    query: HistoryQuery,
    admin: false,
    replies: { 200: HistoryReply },
  },
  forceRelease: {
    method: 'POST',
    path: '/v1/admin/force-release',
    body: ForceReleaseBody,
    admin: true,
    replies: { 200: ForceReleaseReply, 409: ErrorReply },
  },
  releaseHolder: {
    method: 'POST',
    path: '/v1/admin/release-holder',
    body: ReleaseHolderBody,
    admin: true,
    replies: { 200: ReleaseHolderReply },
  },
  cleanup: {
    method: 'POST',
    path: '/v1/admin/cleanup',
    body: CleanupBody,
    admin: true,
    replies: { 200: CleanupReply },
  },
  getConfig: {
    method: 'GET',
    path: '/v1/admin/config',
    admin: true,
    replies: { 200: ConfigReply },
  },
  putConfig: {
    method: 'PUT',
    path: '/v1/admin/config',
    body: ConfigBody,
    admin: true,
    replies: { 200: ConfigReply },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

export const ROUTE_NAMES = Object.keys(ROUTES) as RouteName[];

/** Statuses any route may answer with an ErrorReply besides its own (bad input, auth, load). */
export const ERROR_STATUSES = [400, 401, 403, 404, 410, 429, 503] as const;

/** One request to the API, whatever carries it: HTTP, or a simulated network. */
export interface ApiRequest {
  readonly route: RouteName;
  /** The path parameter (`:resource`), for the routes that have one. */
  readonly params?: Readonly<Record<string, string>>;
  /** The query string's fields, as text. */
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** One answer: the HTTP status and the JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The request's path with its parameter filled in and its query string. */
export function requestPath(request: ApiRequest): string {
  const spec: RouteSpec = ROUTES[request.route];
  const path = spec.path.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(request.params?.[name] ?? ''),
  );
  const query = new URLSearchParams(request.query ?? {}).toString();
  return query === '' ? path : `${path}?${query}`;
}

/** The schema a reply of `route` with `status` must match. */
export function replySchema(route: RouteName, status: number): TSchema {
  const replies: Readonly<Record<number, TSchema>> = ROUTES[route].replies;
  return replies[status] ?? ErrorReply;
}
