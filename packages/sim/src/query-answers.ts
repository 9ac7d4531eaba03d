import type { LeaseRecord } from '@leasehold/core';
import type { HistoryEntry } from '@leasehold/store';

/*
 * The service's answers to queries judged against the states the world saw the store go through
 * while each query was in flight (`store-states.ts`): a status or a listing shows, for each
 * resource, one state the store held between the query's send and its answer, every field of it as
 * the API documents it; a listing leaves out no resource that matched its filter the whole time;
 * a history is the store's own, field by field. Whether a held lease shows as `held` or `expired`
 * is judged on the answering replica's wall clock, which the answer does not name: either passes.
 */

type Body = Readonly<Record<string, unknown>>;

/** The lease id the service gave when it granted `token` on `resource`, if an agent saw it. */
export type LeaseIdOf = (resource: string, token: number) => string | undefined;

/** Why `body` shows no state of `states` of `resource`, or null when it shows one. */
export function statusProblem(
  resource: string,
  body: Body,
  states: readonly (LeaseRecord | null)[],
  leaseIdOf: LeaseIdOf,
): string | null {
  let last: string | null = null;
  for (const state of states) {
    last = viewProblem(resource, body, state, leaseIdOf);
    if (last === null) return null;
  }
  return `${JSON.stringify(resource)} shown as ${shown(body)}, a state the store did not hold while it was asked (it held ${states.map(recordText).join(', then ')}): ${last}`;
}

/** The first field of `body` that does not show `state` as the API documents it, or null. */
function viewProblem(
  resource: string,
  body: Body,
  state: LeaseRecord | null,
  leaseIdOf: LeaseIdOf,
): string | null {
  const expected: [string, unknown][] = [['resource', resource]];
  if (state === null || state.status === 'free') {
    expected.push(
      ['status', 'free'],
      ['holder', null],
      ['token', state?.token ?? 0],
      ['lease_id', null],
      ['expires_at_ms', null],
      ['expires_at', null],
      ['ttl_ms', null],
      ['acquired_at', null],
      ['renewals', null],
      ['max_renewals', null],
      ['max_age_ms', null],
      ['last_holder', state?.lastHolder ?? null],
      ['freed_by', state?.freedBy ?? null],
    );
    if (state === null) expected.push(['updated_at', null]);
  } else {
    expected.push(
      ['holder', state.holder],
      ['token', state.token],
      ['expires_at_ms', state.expiresAtMs],
      ['ttl_ms', state.ttlMs],
      ['renewals', state.renewals],
      ['max_renewals', state.maxRenewals],
      ['max_age_ms', state.maxAgeMs],
      ['last_holder', null],
      ['freed_by', null],
    );
    if (body.status !== 'held' && body.status !== 'expired')
      return `status ${JSON.stringify(body.status)}, not held or expired`;
    const problem =
      instantProblem(body, 'expires_at', state.expiresAtMs) ??
      instantProblem(body, 'acquired_at', state.acquiredAtMs) ??
      leaseIdProblem(body, leaseIdOf(resource, state.token));
    if (problem !== null) return problem;
  }
  for (const [field, value] of expected) {
    if (body[field] !== value)
      return `${field} ${JSON.stringify(body[field])}, expected ${JSON.stringify(value)}`;
  }
  return state === null ? null : instantProblem(body, 'updated_at', state.updatedAtMs);
}

function instantProblem(body: Body, field: string, ms: number): string | null {
  const text = body[field];
  if (typeof text === 'string' && text.endsWith('Z') && Date.parse(text) === ms) return null;
  return `${field} ${JSON.stringify(text)}, expected the ISO instant of ${ms} ms`;
}

function leaseIdProblem(body: Body, granted: string | undefined): string | null {
  const id = body.lease_id;
  if (typeof id !== 'string' || id === '') return `lease_id ${JSON.stringify(id)}`;
  if (granted !== undefined && id !== granted)
    return `lease_id ${JSON.stringify(id)}, but the grant of that token gave ${JSON.stringify(granted)}`;
  return null;
}

/** What a status tool says in words: the resource, its token, and who holds it (if anyone). */
export function statusTextProblem(body: Body, text: string): string | null {
  const first = text.split('\n')[0] ?? '';
  const needed = [String(body.resource), `token ${String(body.token)}`];
  if (body.holder !== null) needed.push(String(body.holder));
  if (body.status === 'expired' || body.status === 'free') needed.push('can be claimed');
  const missing = needed.find((part) => !first.includes(part));
  return missing === undefined
    ? null
    : `the status text ${JSON.stringify(first)} does not say ${JSON.stringify(missing)}`;
}

/**
 * What a listing says in words: a line per row naming its status, resource, holder (or `-`) and
 * token, in the rows' order; `no leases` for none; and, when there is a next page, the `after`
 * to ask for it.
 */
export function listTextProblem(rows: readonly Body[], next: unknown, text: string): string | null {
  const lines = text.split('\n');
  for (const [i, row] of rows.entries()) {
    const line = lines[i] ?? '';
    const needed = [
      `${String(row.status)} ${String(row.resource)}: `,
      row.holder === null ? ': -,' : `: ${String(row.holder)},`,
      `token ${String(row.token)}`,
    ];
    const missing = needed.find((part) => !line.includes(part));
    if (missing !== undefined)
      return `line ${i + 1} of a listing, ${JSON.stringify(line)}, does not say ${JSON.stringify(missing)}`;
  }
  if (rows.length === 0 && lines[0] !== 'no leases')
    return `an empty listing says ${JSON.stringify(lines[0])}, not "no leases"`;
  if (next !== null && !text.includes(`after ${JSON.stringify(next)}`))
    return `a listing with a next page does not say to list again after ${JSON.stringify(next)}`;
  return null;
}

/** What a status says of its history: a line per event, oldest first, with its seq and token. */
export function historyTextProblem(events: readonly Body[], text: string): string | null {
  const lines = text.split('\n');
  if (events.length === 0)
    return lines.includes('no history events') ? null : 'a status without events does not say so';
  const from = lines.indexOf('history, oldest first:');
  if (from < 0) return 'a status with events does not say "history, oldest first:"';
  for (const [i, event] of events.entries()) {
    const line = lines[from + 1 + i] ?? '';
    const needed = [`#${String(event.seq)} `, ` ${String(event.kind)} ${String(event.holder)}`];
    needed.push(`token ${String(event.token)}`);
    if (event.previous_holder !== null) needed.push(`(from ${String(event.previous_holder)})`);
    const missing = needed.find((part) => !line.includes(part));
    if (missing !== undefined)
      return `history line ${i + 1}, ${JSON.stringify(line)}, does not say ${JSON.stringify(missing)}`;
  }
  return null;
}

export interface ListFilterSent {
  readonly holder?: string;
  readonly prefix?: string;
  readonly status?: 'held' | 'free' | 'expired';
  readonly limit: number;
  readonly after?: string;
}

/** The states a resource went through during the query, or null when not known. */
export type StatesOf = (resource: string) => readonly (LeaseRecord | null)[] | null;

/**
 * Why a listing is not what the store held while it was asked: rows out of order or outside the
 * filter, a row no state shows, a resource that matched all along left out, a wrong `next`.
 */
export function listProblem(
  filter: ListFilterSent,
  rows: readonly Body[],
  next: unknown,
  named: readonly string[],
  statesOf: StatesOf,
  leaseIdOf: LeaseIdOf,
): string | null {
  if (rows.length > filter.limit) return `${rows.length} rows, over the limit ${filter.limit}`;
  const listed = new Set<string>();
  let previous = filter.after;
  for (const row of rows) {
    const resource = row.resource;
    if (typeof resource !== 'string') return `a row without a resource: ${shown(row)}`;
    if (previous !== undefined && !(previous < resource))
      return `${JSON.stringify(resource)} listed after ${JSON.stringify(previous)}: rows must come in resource order, after ${JSON.stringify(filter.after ?? '')}`;
    previous = resource;
    listed.add(resource);
    const outside = outsideFilter(row, filter);
    if (outside !== null) return `${JSON.stringify(resource)} listed ${outside}`;
    const states = statesOf(resource);
    if (states === null) continue;
    const problem = statusProblem(resource, row, states, leaseIdOf);
    if (problem !== null) return problem;
  }
  const full = rows.length === filter.limit;
  const lastListed = rows.at(-1)?.resource ?? null;
  if (full && next !== lastListed)
    return `a full page ends at ${JSON.stringify(lastListed)}, but next is ${JSON.stringify(next)}`;
  if (!full && next !== null) return `a page short of the limit has next ${JSON.stringify(next)}`;
  for (const resource of [...named].sort(codeUnitOrder)) {
    if (filter.after !== undefined && resource <= filter.after) continue;
    if (full && typeof next === 'string' && resource > next) continue;
    if (listed.has(resource)) continue;
    const states = statesOf(resource);
    // Judged only when the record stayed the same the whole time.
    if (states === null || states.length !== 1) continue;
    const state = states[0]!;
    if (state !== null && mustList(state, filter))
      return `${JSON.stringify(resource)} (${recordText(state)} the whole time) left out of a listing with ${JSON.stringify(filter)}`;
  }
  return null;
}

function outsideFilter(row: Body, filter: ListFilterSent): string | null {
  const resource = String(row.resource);
  if (filter.prefix !== undefined && !resource.startsWith(filter.prefix))
    return `without the prefix ${JSON.stringify(filter.prefix)}`;
  if (filter.status !== undefined && row.status !== filter.status)
    return `as ${String(row.status)} when asked for ${filter.status}`;
  if (filter.holder !== undefined && row.holder !== filter.holder)
    return `held by ${JSON.stringify(row.holder)} when asked for ${filter.holder}'s`;
  return null;
}

/** Whether a record must be listed: whether held or expired, the replica's clock decides. */
function mustList(state: LeaseRecord, filter: ListFilterSent): boolean {
  if (filter.prefix !== undefined && !state.resource.startsWith(filter.prefix)) return false;
  if (filter.holder !== undefined && (state.status !== 'held' || state.holder !== filter.holder))
    return false;
  if (filter.status === undefined) return true;
  return filter.status === 'free' && state.status === 'free';
}

/**
 * Why a history the service gave is not the store's: its events, field by field, must be the
 * first of what the store answers now to the same query (the store may have added events since).
 * With `trimmed` (the store was written since the query was sent), the store may also have dropped
 * its oldest events under its retention rule: the answer's events older than the oldest the store
 * still has are left unjudged, and the rest must be the first of the store's.
 */
export function historyProblem(
  resource: string,
  events: readonly Body[],
  store: readonly HistoryEntry[],
  trimmed = false,
): string | null {
  const skip = trimmed ? droppedSince(events, store) : 0;
  if (skip === null) return null;
  if (events.length - skip > store.length)
    return `the history of ${JSON.stringify(resource)} has ${events.length} events, the store ${store.length}`;
  for (let i = skip; i < events.length; i++) {
    const got = events[i]!;
    const e = store[i - skip]!;
    const expected: [string, unknown][] = [
      ['seq', e.seq],
      ['kind', e.kind],
      ['holder', e.holder],
      ['token', e.token],
      ['at_ms', e.atMs],
      ['request_id', e.requestId],
      ['previous_holder', e.previousHolder],
    ];
    const wrong = expected.find(([field, value]) => got[field] !== value);
    if (wrong !== undefined)
      return `event ${i} of the history of ${JSON.stringify(resource)} has ${wrong[0]} ${JSON.stringify(got[wrong[0]])}, the store's ${JSON.stringify(wrong[1])}`;
    const at = instantProblem(got, 'at', e.atMs);
    if (at !== null) return `event ${i} of the history of ${JSON.stringify(resource)}: ${at}`;
  }
  return null;
}

/**
 * How many of the answer's first events the store has dropped since (older than the oldest it
 * still has), or null when it has none left of this resource's to compare with.
 */
function droppedSince(events: readonly Body[], store: readonly HistoryEntry[]): number | null {
  const oldest = store[0]?.seq;
  if (oldest === undefined) return events.length === 0 ? 0 : null;
  let skip = 0;
  while (skip < events.length) {
    const seq = events[skip]!.seq;
    if (typeof seq !== 'number' || seq >= oldest) break;
    skip += 1;
  }
  return skip;
}

function shown(body: Body): string {
  return JSON.stringify(body);
}

function recordText(record: LeaseRecord | null): string {
  if (record === null) return 'no record';
  return record.status === 'free'
    ? `free, token ${record.token}`
    : `held by ${record.holder}, token ${record.token}, expiring at ${record.expiresAtMs} ms`;
}

/** The listing order of the store contract: by UTF-16 code units. */
function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
