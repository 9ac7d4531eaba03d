/** Where one route of the API is and which statuses it declares, with no schema attached. */
export interface RouteEntry {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** With `:resource` where a path parameter goes (fastify's syntax). */
  readonly path: string;
  /** Only admin keys may call it (when the service checks API keys). */
  readonly admin: boolean;
  /** Success and expected refusals (every route may also answer with an ErrorReply). */
  readonly statuses: readonly number[];
}

/**
 * Every route of the lease API, by name, as plain data: what a client needs to send a request and
 * to know which answers are declared. `ROUTES` (routes.ts) gives each its schemas; this table
 * loads no schema library, so a client that only sends requests (the agent commands, one process
 * per call) does not build one.
 */
export const ROUTE_TABLE = {
  acquire: { method: 'POST', path: '/v1/leases/acquire', admin: false, statuses: [201, 409] },
  renew: { method: 'POST', path: '/v1/leases/renew', admin: false, statuses: [200, 409] },
  release: { method: 'POST', path: '/v1/leases/release', admin: false, statuses: [200] },
  list: { method: 'GET', path: '/v1/leases', admin: false, statuses: [200] },
  status: { method: 'GET', path: '/v1/leases/:resource', admin: false, statuses: [200] },
  history: { method: 'GET', path: '/v1/leases/:resource/history', admin: false, statuses: [200] },
  forceRelease: {
    method: 'POST',
    path: '/v1/admin/force-release',
    admin: true,
    statuses: [200, 409],
  },
  releaseHolder: { method: 'POST', path: '/v1/admin/release-holder', admin: true, statuses: [200] },
  cleanup: { method: 'POST', path: '/v1/admin/cleanup', admin: true, statuses: [200] },
  getConfig: { method: 'GET', path: '/v1/admin/config', admin: true, statuses: [200] },
  putConfig: { method: 'PUT', path: '/v1/admin/config', admin: true, statuses: [200] },
} as const satisfies Record<string, RouteEntry>;

export type RouteName = keyof typeof ROUTE_TABLE;

export const ROUTE_NAMES = Object.keys(ROUTE_TABLE) as RouteName[];

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
  const entry: RouteEntry = ROUTE_TABLE[request.route];
  const path = entry.path.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(request.params?.[name] ?? ''),
  );
  // Built only when there is one: URLSearchParams is the first use of Node's URL module.
  if (request.query === undefined || Object.keys(request.query).length === 0) return path;
  const query = new URLSearchParams(request.query).toString();
  return query === '' ? path : `${path}?${query}`;
}

/** Whether `route` declares an answer with `status` (its own, or an ErrorReply any route gives). */
export function declaresStatus(route: RouteName, status: number): boolean {
  const own: readonly number[] = ROUTE_TABLE[route].statuses;
  return own.includes(status) || (ERROR_STATUSES as readonly number[]).includes(status);
}
