import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLeaseStore } from '@leasehold/store/conformance';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'leasehold-sqlite-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeLeaseStore('sqlite', async () => {
  const opened = openSqliteStore(join(dir, `store-${++files}.db`));
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  return opened.store;
});
