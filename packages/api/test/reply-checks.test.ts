import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ErrorReply,
  LeaseApi,
  REPLY_CHECKS,
  ROUTE_NAMES,
  ROUTE_TABLE,
  ROUTES,
  type Transport,
} from '@leasehold/api';
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { REPLY_CHECKS_FILE, replyChecksSource } from '../src/reply-checks-source';

const root = join(import.meta.dirname, '..', '..', '..');

/** Every reply schema the checks are made from, by the key REPLY_CHECKS uses. */
function replySchemas(): Map<string, TSchema> {
  const schemas = new Map<string, TSchema>();
  for (const route of ROUTE_NAMES) {
    const replies: Readonly<Record<number, TSchema>> = ROUTES[route].replies;
    for (const [status, schema] of Object.entries(replies))
      schemas.set(`${route} ${status}`, schema);
  }
  schemas.set('error', ErrorReply);
  return schemas;
}

describe('reply checks compiled ahead of time from the reply schemas', () => {
  it('reply-checks.ts is what the schemas compile to now (after a schema change: npm run generate:reply-checks)', () => {
    expect(readFileSync(join(root, REPLY_CHECKS_FILE), 'utf8')).toBe(replyChecksSource());
  });

  it("each route's table names exactly the statuses its schemas answer, and each has a check", () => {
    for (const route of ROUTE_NAMES) {
      const statuses = Object.keys(ROUTES[route].replies).map(Number);
      expect(statuses, route).toEqual([...ROUTE_TABLE[route].statuses]);
    }
    expect(Object.keys(REPLY_CHECKS).sort()).toEqual([...replySchemas().keys()].sort());
  });

  it('each check accepts what its schema accepts and refuses a reply missing a field or of another type', () => {
    for (const [key, schema] of replySchemas()) {
      const check = REPLY_CHECKS[key]!;
      const valid = Value.Create(schema) as Record<string, unknown>;
      expect(Value.Check(schema, valid), key).toBe(true);
      expect(check(valid), key).toBe(true);
      const [first] = Object.keys(valid);
      const missing = Object.fromEntries(
        Object.entries(valid).filter(([field]) => field !== first),
      );
      expect(check(missing), `${key} without ${first}`).toBe(Value.Check(schema, missing));
      expect(check(missing), `${key} without ${first}`).toBe(false);
      expect(check(null), key).toBe(false);
      expect(check('ok'), key).toBe(false);
    }
  });

  it('LeaseApi answers a reply whose body the API does not declare as failed, and a declared one as a reply', async () => {
    let body: unknown = null;
    const transport: Transport = { send: async () => ({ kind: 'reply', status: 200, body }) };
    const api = new LeaseApi(transport);
    body = Value.Create(ROUTES.status.replies[200]);
    expect(await api.call('status', { params: { resource: 'a' } }, 1_000)).toMatchObject({
      kind: 'reply',
      status: 200,
    });
    body = { ...(body as object), token: 'seven' };
    expect(await api.call('status', { params: { resource: 'a' } }, 1_000)).toEqual({
      kind: 'failed',
      reason: 'status answered 200 with a body the API does not declare',
    });
  });
});
