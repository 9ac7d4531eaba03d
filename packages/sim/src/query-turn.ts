import { LeaseApi, type Transport } from '@leasehold/api';
import {
  listTool,
  MCP_HISTORY_LIMIT_DEFAULT,
  MCP_LIST_LIMIT_DEFAULT,
  statusTool,
} from '@leasehold/server/mcp';
import type { SimNode } from './node-process.js';
import { QUERY_LIMIT_DOCUMENTED_MAX } from './limits.js';
import { nodeStream } from './node-streams.js';
import type { Prng } from './prng.js';
import {
  historyProblem,
  historyTextProblem,
  listProblem,
  listTextProblem,
  statusProblem,
  statusTextProblem,
  type ListFilterSent,
} from './query-answers.js';
import type { QueryWindow } from './store-states.js';
import type { World } from './world.js';

/** Percent of an agent's turns that ask about leases instead of claiming one. */
const QUERY_TURN_PCT = 15;
/** Largest page a listing asks for when it asks for a small one (so paging is met). */
const LIST_PAGE_SMALL_MAX = 3;
/** Largest history page and `after_seq` a status query asks for. */
const HISTORY_LIMIT_SMALL_MAX = 4;
const HISTORY_AFTER_SEQ_MAX = 12;

/** Percent of queries that ask for a page outside the documented 1 to QUERY_LIMIT_DOCUMENTED_MAX. */
const CARELESS_LIMIT_PCT = 10;
const OUT_OF_RANGE_LIMITS = [0, QUERY_LIMIT_DOCUMENTED_MAX + 1] as const;

const leaseIds = new WeakMap<World, Map<string, string>>();

function grantsOf(world: World): Map<string, string> {
  let ids = leaseIds.get(world);
  if (ids === undefined) {
    ids = new Map();
    leaseIds.set(world, ids);
  }
  return ids;
}

/** The lease id the service answered a grant of `token` on `resource` with (agent-turn.ts). */
export function noteLeaseId(world: World, resource: string, token: number, id: string): void {
  grantsOf(world).set(`${token}:${resource}`, id);
}

/**
 * Now and then an agent asks instead of claiming, as the MCP tools let it: a resource's status
 * with its history, or a listing (filtered by holder, prefix or status, a small page, after a
 * resource). The answers are judged against the states the world saw the store go through while
 * the query was in flight (query-answers.ts). Whether the turn was a query.
 */
export async function queryTurn(
  world: World,
  node: SimNode,
  transport: Transport,
): Promise<boolean> {
  const prng = nodeStream(world, node, 'query');
  if (prng.int(100) >= QUERY_TURN_PCT) return false;
  const window = world.store.openQuery();
  if (window === null) return true;
  try {
    const api = new LeaseApi(transport);
    if (prng.chance(1, 2)) await askStatus(world, prng, api, window);
    else await askList(world, prng, api, window);
  } finally {
    world.store.states.close(window);
  }
  return true;
}

async function askStatus(
  world: World,
  prng: Prng,
  api: LeaseApi,
  window: QueryWindow,
): Promise<void> {
  const resource = prng.pick(world.resources);
  const careless = prng.int(100) < CARELESS_LIMIT_PCT;
  const historyLimit = careless
    ? prng.pick(OUT_OF_RANGE_LIMITS)
    : prng.chance(1, 2)
      ? prng.between(1, HISTORY_LIMIT_SMALL_MAX)
      : undefined;
  const afterSeq = prng.chance(1, 4) ? prng.between(0, HISTORY_AFTER_SEQ_MAX) : undefined;
  const answer = await statusTool(
    api,
    {
      resource,
      ...(historyLimit === undefined ? {} : { history_limit: historyLimit }),
      ...(afterSeq === undefined ? {} : { after_seq: afterSeq }),
    },
    world.httpTimeoutMs,
  );
  if (world.stopped()) return;
  if (careless) {
    refusalProblem(world, 'status', answer, `a history of ${historyLimit} events`);
    return;
  }
  if (answer.isError === true) return;
  world.mark('agentAskedStatus');
  const body = answer.structuredContent ?? {};
  const states = world.store.states.statesDuring(window, resource);
  const ids = grantsOf(world);
  const leaseIdOf = (r: string, token: number) => ids.get(`${token}:${r}`);
  const first = answer.content[0];
  const text = first?.type === 'text' ? first.text : '';
  const events = Array.isArray(body.history) ? (body.history as Record<string, unknown>[]) : [];
  let problem =
    (states === null ? null : statusProblem(resource, body, states, leaseIdOf)) ??
    statusTextProblem(body, text) ??
    historyTextProblem(events, text);
  if (problem === null && world.store.states.historyUnchanged(window)) {
    const store = await world.store.store.history(resource, {
      limit: historyLimit ?? MCP_HISTORY_LIMIT_DEFAULT,
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
    // Every write appends to the store's history, and its retention may then drop the oldest.
    const trimmed = world.store.states.writtenSince(window);
    if (store.kind === 'ok') problem = historyProblem(resource, events, store.events, trimmed);
  }
  if (problem !== null) world.serviceContract('status', problem);
}

async function askList(
  world: World,
  prng: Prng,
  api: LeaseApi,
  window: QueryWindow,
): Promise<void> {
  const careless = prng.int(100) < CARELESS_LIMIT_PCT;
  const limit = careless
    ? prng.pick(OUT_OF_RANGE_LIMITS)
    : prng.chance(1, 2)
      ? prng.between(1, LIST_PAGE_SMALL_MAX)
      : undefined;
  const holder = prng.chance(1, 3) ? prng.pick(world.processes.nodes).id : undefined;
  const some = prng.pick(world.resources);
  const prefix = prng.chance(1, 4) ? some.slice(0, prng.between(1, some.length)) : undefined;
  const status = prng.chance(1, 4) ? prng.pick(['held', 'free', 'expired'] as const) : undefined;
  const after = prng.chance(1, 4) ? prng.pick(world.resources) : undefined;
  const filter: ListFilterSent = {
    limit: limit ?? MCP_LIST_LIMIT_DEFAULT,
    ...(holder === undefined ? {} : { holder }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(status === undefined ? {} : { status }),
    ...(after === undefined ? {} : { after }),
  };
  // Without a small page the tool's own default is judged.
  const answer = await listTool(api, { ...filter, limit }, world.httpTimeoutMs);
  if (world.stopped()) return;
  if (careless) {
    refusalProblem(world, 'list', answer, `a page of ${limit} leases`);
    return;
  }
  if (answer.isError === true) return;
  world.mark('agentListed');
  const body = answer.structuredContent ?? {};
  const rows = Array.isArray(body.leases) ? (body.leases as Record<string, unknown>[]) : [];
  const ids = grantsOf(world);
  const problem = listProblem(
    filter,
    rows,
    body.next,
    world.store.named(),
    (resource) => world.store.states.statesDuring(window, resource),
    (r, token) => ids.get(`${token}:${r}`),
  );
  const first = answer.content[0];
  const text = first?.type === 'text' ? first.text : '';
  const words = problem ?? listTextProblem(rows, body.next, text);
  if (words !== null) world.serviceContract('list', words);
}

/**
 * A page size outside the documented range is refused naming `limit`, and nothing is listed
 * (an answer the service could not give, `unavailable`, is no verdict).
 */
function refusalProblem(
  world: World,
  query: string,
  answer: Awaited<ReturnType<typeof listTool>>,
  asked: string,
): void {
  const said = answer.structuredContent ?? {};
  if (said.problem === 'unavailable') return;
  world.mark('queryLimitRefused');
  if (answer.isError === true && said.problem === 'invalid' && said.field === 'limit') return;
  world.serviceContract(
    query,
    `${query} asked for ${asked} (the documented range is 1 to ${QUERY_LIMIT_DOCUMENTED_MAX}) and was answered ${JSON.stringify(said).slice(0, 200)}, not refused naming limit`,
  );
}
