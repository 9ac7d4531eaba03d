import type { LeaseApi } from '@leasehold/api';
import { agentFailure } from '@leasehold/client';
import { done, failureAnswer, refused, statusText, type ToolAnswer } from './mcp-answer.js';
import {
  MCP_HISTORY_LIMIT_DEFAULT,
  MCP_LIST_LIMIT_DEFAULT,
  MCP_RELEASE_HOLDER_CALLS_MAX,
} from './limits.js';

/*
 * The tools over the whole lease space, which need no agent: list, status (with history), and the
 * admin tools force_release and release_holder (the service refuses them to a key that is not an
 * admin's).
 */

export interface ListInput {
  readonly holder?: string | undefined;
  readonly prefix?: string | undefined;
  readonly status?: 'held' | 'free' | 'expired' | undefined;
  readonly limit?: number | undefined;
  readonly after?: string | undefined;
}

export async function listTool(
  api: LeaseApi,
  input: ListInput,
  requestMs: number,
): Promise<ToolAnswer> {
  const query: Record<string, string> = { limit: String(input.limit ?? MCP_LIST_LIMIT_DEFAULT) };
  for (const field of ['holder', 'prefix', 'status', 'after'] as const) {
    const value = input[field];
    if (value !== undefined) query[field] = value;
  }
  const answer = await api.call('list', { query }, requestMs);
  if (answer.kind !== 'reply' || answer.status !== 200)
    return failureAnswer(agentFailure(answer), 'list');
  const rows = answer.body.leases;
  const lines = rows.map(
    (l) =>
      `${l.status} ${l.resource}: ${l.holder ?? '-'}, token ${l.token}${l.expires_at === null ? '' : `, expires ${l.expires_at}`}`,
  );
  if (rows.length === 0) lines.push('no leases');
  if (answer.body.next !== null)
    lines.push(`more leases: list again with after ${JSON.stringify(answer.body.next)}`);
  return done(lines.join('\n'), { leases: rows, next: answer.body.next });
}

export interface StatusInput {
  readonly resource: string;
  readonly history_limit?: number | undefined;
  readonly after_seq?: number | undefined;
}

/** One resource's lease now and its history, oldest first. */
export async function statusTool(
  api: LeaseApi,
  input: StatusInput,
  requestMs: number,
): Promise<ToolAnswer> {
  const { resource } = input;
  const status = await api.call('status', { params: { resource } }, requestMs);
  if (status.kind !== 'reply' || status.status !== 200)
    return failureAnswer(agentFailure(status), `status of ${resource}`);
  const query: Record<string, string> = {
    limit: String(input.history_limit ?? MCP_HISTORY_LIMIT_DEFAULT),
    ...(input.after_seq === undefined ? {} : { after_seq: String(input.after_seq) }),
  };
  const history = await api.call('history', { params: { resource }, query }, requestMs);
  if (history.kind !== 'reply' || history.status !== 200)
    return failureAnswer(agentFailure(history), `history of ${resource}`);
  const events = history.body.events;
  const lines = [statusText(status.body)];
  lines.push(events.length === 0 ? 'no history events' : 'history, oldest first:');
  for (const e of events) {
    const from = e.previous_holder === null ? '' : ` (from ${e.previous_holder})`;
    lines.push(`#${e.seq} ${e.at} ${e.kind} ${e.holder}${from}, token ${e.token}`);
  }
  const last = events.at(-1);
  if (last !== undefined && events.length === Number(query.limit))
    lines.push(`more events may follow: status with after_seq ${last.seq}`);
  return done(lines.join('\n'), { ...status.body, history: events });
}

/** Admin: releases `resource` whoever holds it, if `expectedHolder` still does. */
export async function forceReleaseTool(
  api: LeaseApi,
  input: { readonly resource: string; readonly expected_holder: string },
  requestMs: number,
): Promise<ToolAnswer> {
  const { resource, expected_holder: expected } = input;
  const answer = await api.call(
    'forceRelease',
    { body: { resource, expected_holder: expected } },
    requestMs,
  );
  if (answer.kind === 'reply' && answer.status === 200) {
    const { previous_holder: previous, token } = answer.body;
    return done(
      `released ${resource} (held by ${previous}); its token is now ${token}, so ${previous} is fenced: writes it makes under its old token are refused`,
      { resource, released: true, previous_holder: previous, token },
    );
  }
  if (answer.kind === 'reply' && answer.status === 409) {
    const body = answer.body;
    const text =
      body.error === 'holder_mismatch'
        ? `${resource} is held by ${body.holder ?? '?'}, not ${expected}: nothing was released (gate shows who holds it)`
        : `${resource} is not held: nothing to release`;
    return refused(text, { resource, released: false, error: body.error, holder: body.holder });
  }
  return failureAnswer(agentFailure(answer), `force release of ${resource}`);
}

/** Admin: releases every lease `holder` holds (an agent that died), and lists them. */
export async function releaseHolderTool(
  api: LeaseApi,
  holder: string,
  requestMs: number,
): Promise<ToolAnswer> {
  const released: { resource: string; token: number }[] = [];
  let complete = false;
  for (let call = 0; call < MCP_RELEASE_HOLDER_CALLS_MAX && !complete; call++) {
    const answer = await api.call('releaseHolder', { body: { holder } }, requestMs);
    if (answer.kind !== 'reply' || answer.status !== 200)
      return failureAnswer(agentFailure(answer), `release of ${holder}'s leases`);
    released.push(...answer.body.released);
    complete = answer.body.complete;
  }
  const list = released.map((r) => `${r.resource} (token ${r.token})`).join(', ');
  const text = `released ${released.length} lease${released.length === 1 ? '' : 's'} of ${holder}${list === '' ? '' : `: ${list}`}${complete ? '' : '; more may remain: call release_holder again'}`;
  return done(text, { holder, released, complete });
}
