/**
 * npm run generate:reply-checks — writes packages/api/src/reply-checks.ts from the reply schemas
 * (run it after changing a schema in schemas.ts or a route's replies in routes.ts; the tests fail
 * until it is run).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPLY_CHECKS_FILE, replyChecksSource } from '../src/reply-checks-source.js';

const file = join(import.meta.dirname, '..', '..', '..', REPLY_CHECKS_FILE);
writeFileSync(file, replyChecksSource());
console.log(`wrote ${REPLY_CHECKS_FILE}`);
