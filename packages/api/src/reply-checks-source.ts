import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { ROUTE_NAMES } from './route-table.js';
import { ROUTES } from './routes.js';
import { ErrorReply } from './schemas.js';

/** The file the checks are written to, from the repository's root. */
export const REPLY_CHECKS_FILE = 'packages/api/src/reply-checks.ts';

/**
 * The text of reply-checks.ts: for every route and status it declares (and `error`, the
 * ErrorReply any route may give), the check TypeBox compiles from its schema, written out as code.
 * The typed client checks every reply with these, so a process that only sends requests never
 * loads TypeBox nor compiles a check at run time; packages/api/test/reply-checks.test.ts holds the file to
 * this text, so a schema changed without it being written again fails the tests.
 */
export function replyChecksSource(): string {
  const checks: [string, TSchema][] = [];
  for (const route of ROUTE_NAMES) {
    const replies: Readonly<Record<number, TSchema>> = ROUTES[route].replies;
    for (const [status, schema] of Object.entries(replies))
      checks.push([`${route} ${status}`, schema]);
  }
  checks.push(['error', ErrorReply]);
  const entries = checks.map(([key, schema]) => {
    const code = Compile(schema).Code();
    return `  ${JSON.stringify(key)}: (() => {\n    ${code}\n  })(),`;
  });
  return [
    '// Written by `npm run generate:reply-checks` from the reply schemas of routes.ts: the checks',
    '// TypeBox compiles from them, as code (see reply-checks-source.ts). Do not edit by hand.',
    '/* eslint-disable */',
    "// @ts-nocheck: the checks are TypeBox's code as it writes it; REPLY_CHECKS's type is what callers see.",
    '',
    '/** Whether a reply body matches the schema of its route and status. */',
    'export type ReplyCheck = (value: unknown) => boolean;',
    '',
    '/** By `route status` (`acquire 201`), and `error` for the ErrorReply any route may give. */',
    'export const REPLY_CHECKS: Readonly<Record<string, ReplyCheck>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}
