import type { StatusReply } from '@leasehold/api';
import type { AgentFailure } from '@leasehold/client';
import { formatDuration, parseDuration } from '@leasehold/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Static } from 'typebox';

/*
 * What the MCP tools answer: one text a model reads (what happened, and what to do next) and the
 * same facts as structured data. A refusal is a tool error (`isError`), never a protocol error: the
 * model sees it and can act on it.
 */

export type ToolAnswer = CallToolResult;
export type Status = Static<typeof StatusReply>;

export function done(text: string, data: Record<string, unknown>): ToolAnswer {
  return { content: [{ type: 'text', text }], structuredContent: data };
}

export function refused(text: string, data: Record<string, unknown>): ToolAnswer {
  return { ...done(text, data), isError: true };
}

/** A time left, to the second above it: `4m12s`; `0s` for none. */
export function timeLeft(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds === 0 ? '0s' : formatDuration(seconds * 1000);
}

/**
 * A duration argument (`ttl`, `wait`) with a unit: `90s`, `30m`, `1h30m`. A bare number is
 * refused: the library reads it as milliseconds, a model writing `90` means seconds.
 */
export function durationArgument(
  name: string,
  value: string | undefined,
): { kind: 'ok'; ms: number | undefined } | { kind: 'invalid'; answer: ToolAnswer } {
  if (value === undefined) return { kind: 'ok', ms: undefined };
  const bare = /^\s*(\d+)\s*$/.exec(value);
  if (bare !== null) {
    return invalidDuration(
      name,
      `${name} needs a unit: "${bare[1]}s" for seconds, "${bare[1]}m" for minutes`,
    );
  }
  const parsed = parseDuration(value, name);
  if (parsed.kind === 'invalid') return invalidDuration(name, parsed.reason);
  return { kind: 'ok', ms: parsed.ms };
}

function invalidDuration(name: string, reason: string): { kind: 'invalid'; answer: ToolAnswer } {
  const text = `${reason}; durations look like "90s", "30m", "1h30m"`;
  return { kind: 'invalid', answer: refused(text, { problem: 'invalid', field: name }) };
}

/** An answer no tool expected, as what the model can do about it. */
export function failureAnswer(failure: AgentFailure, what: string): ToolAnswer {
  return refused(failureText(failure, what), { problem: failure.kind, ...failureData(failure) });
}

const ARGUMENT_OF_FIELD: Readonly<Record<string, string>> = { ttl_ms: 'ttl', wait_ms: 'wait' };

export function failureText(failure: AgentFailure, what: string): string {
  switch (failure.kind) {
    case 'invalid': {
      // The service names its own fields; a tool's argument is named as the tool takes it.
      const argument = ARGUMENT_OF_FIELD[failure.field];
      const problem =
        argument === undefined
          ? `the service refused ${failure.field}: ${failure.message}`
          : failure.message.replace(/^(body )?\w+/, argument);
      return `${what}: ${problem}; correct it and call again`;
    }
    case 'unavailable':
      return `${what}: the lease service could not be reached or asked to retry later (${failure.reason}); nothing is known to have changed: call again in a few seconds`;
    case 'refused':
      if (failure.status === 401) {
        return `${what}: the lease service checks API keys and the one this MCP server sends is missing or unknown: set LEASEHOLD_API_KEY in its environment to the key the service's --auth-file binds to this agent`;
      }
      return `${what}: refused (${failure.status}): ${failure.error.message}`;
  }
}

function failureData(failure: AgentFailure): Record<string, unknown> {
  switch (failure.kind) {
    case 'invalid':
      return { field: failure.field, message: failure.message };
    case 'unavailable':
      return { reason: failure.reason };
    case 'refused':
      return { status: failure.status, error: failure.error };
  }
}

/** Who holds a resource and until when, as a sentence. */
export function statusText(status: Status): string {
  const resource = status.resource;
  switch (status.status) {
    case 'held':
      return `${resource} is held by ${status.holder ?? '?'} (token ${status.token}) until ${status.expires_at ?? '?'}`;
    case 'expired':
      return `${resource} was held by ${status.holder ?? '?'} (token ${status.token}) until ${status.expires_at ?? '?'}; that lease expired, so it can be claimed`;
    case 'free': {
      const last = status.last_holder === null ? '' : `, last held by ${status.last_holder}`;
      return `${resource} is free (token ${status.token}${last}); it can be claimed`;
    }
  }
}
