/**
 * npm run bench:store — lease cycles (acquire + release through LeaseClient) per second on the
 * real stores, medians of several runs:
 *
 * - SQLite in-process (a temp file, the default synchronous=normal with recovery unless noted):
 *   one client sequentially (target: at least 5,000 cycles/s), also with synchronous=full; 8
 *   clients (8 connections) on 8 resources; 8 clients on one hot resource (a cycle is a grant and
 *   its release; refused attempts are counted apart).
 * - etcd, on the cluster of scripts/etcd-cluster.sh (or LEASEHOLD_ETCD_ENDPOINTS), side by side
 *   in one run: our store vs the etcd3 client's own Lock (`client.lock(name).acquire()/release()`),
 *   sequential and 8 concurrent on distinct resources, with requests sent to etcd per cycle. The
 *   two sides alternate within every run, and the ratio is the median of the per-run ratios.
 *
 *   npm run bench:store [-- --runs N] [--sqlite-cycles N] [--etcd-cycles N]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { counterIds, LeaseClient, systemClock } from '@leasehold/client';
import { resolveConfig } from '@leasehold/core';
import type { LeaseStore } from '@leasehold/store';
import { openEtcdStore } from '@leasehold/store-etcd';
import { openSqliteStore, type SqliteStoreOptions } from '@leasehold/store-sqlite';
import { Etcd3 } from 'etcd3';
import { median, scriptFlags } from './bench-args';

const {
  runs: RUNS,
  'sqlite-cycles': SQLITE_CYCLES,
  'etcd-cycles': ETCD_CYCLES,
} = scriptFlags('bench:store', 'lease cycles per second on the real stores', {
  runs: { int: 5, help: 'runs of each measurement; the median is reported' },
  'sqlite-cycles': { int: 5_000, help: 'lease cycles per SQLite run' },
  'etcd-cycles': { int: 400, help: 'lease cycles per etcd run' },
});
const CLIENTS = 8;
const PORT_BASE = Number(process.env.LEASEHOLD_ETCD_PORT_BASE ?? 23790);
const ENDPOINTS = (
  process.env.LEASEHOLD_ETCD_ENDPOINTS ??
  [1, 2, 3].map((n) => `http://127.0.0.1:${PORT_BASE + n}`).join(',')
).split(',');

const configResult = resolveConfig({ ttlMsDefault: 30_000 });
if (configResult.kind !== 'ok') throw new Error(configResult.reason);
const config = configResult.config;
const clock = systemClock();

interface Measurement {
  readonly cyclesPerSec: number;
  /** Requests sent to the store's server per cycle (etcd only). */
  readonly requestsPerCycle: number | null;
  readonly note: string;
}

function client(store: LeaseStore, holder: string): LeaseClient {
  return new LeaseClient({ store, clock, holder, config, ids: counterIds(holder) });
}

/** `cycles` acquire+release cycles per client, each client on its own resource. */
async function distinctCycles(clients: readonly LeaseClient[], cycles: number, tag: string) {
  await Promise.all(
    clients.map(async (c, i) => {
      for (let n = 0; n < cycles; n++) {
        const got = await c.acquire(`${tag}/r${i}`);
        if (got.kind !== 'granted') throw new Error(`acquire: ${JSON.stringify(got)}`);
        const released = await c.release(got.lease);
        if (released.kind !== 'released') throw new Error(`release: ${JSON.stringify(released)}`);
      }
    }),
  );
}

/** Clients race for one resource until `cycles` grants (each released) have happened. */
async function hotCycles(clients: readonly LeaseClient[], cycles: number, tag: string) {
  let granted = 0;
  let refused = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (granted < cycles) {
        const got = await c.acquire(`${tag}/hot`);
        if (got.kind !== 'granted') {
          refused += 1;
          continue;
        }
        granted += 1;
        await c.release(got.lease);
      }
    }),
  );
  return { granted, refused };
}

async function timed(work: () => Promise<number>): Promise<{ cycles: number; seconds: number }> {
  const started = performance.now();
  const cycles = await work();
  return { cycles, seconds: (performance.now() - started) / 1_000 };
}

// ---- SQLite ----

async function sqliteRun(
  dir: string,
  run: number,
  mode: 'sequential' | 'distinct' | 'hot',
  options: SqliteStoreOptions,
): Promise<Measurement> {
  const file = join(dir, `bench-${mode}-${options.synchronous ?? 'default'}-${run}.db`);
  const connections = mode === 'sequential' ? 1 : CLIENTS;
  const stores = Array.from({ length: connections }, () => {
    const opened = openSqliteStore(file, options);
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    return opened.store;
  });
  const clients = stores.map((s, i) => client(s, `node-${i}`));
  let note = '';
  const perClient = Math.ceil(SQLITE_CYCLES / connections);
  const result = await timed(async () => {
    if (mode !== 'hot') {
      await distinctCycles(clients, perClient, 'sqlite');
      return perClient * connections;
    }
    const { granted, refused } = await hotCycles(clients, SQLITE_CYCLES, 'sqlite');
    note = `${(refused / granted).toFixed(2)} refused acquires per grant`;
    return granted;
  });
  const counts = stores.map((s) => s.commitCounts());
  const synced = counts.reduce((sum, c) => sum + c.synced, 0);
  const commits = counts.reduce((sum, c) => sum + c.commits, 0);
  note = [note, `${stores[0]!.synchronous}: ${synced} of ${commits} commits synced`]
    .filter((part) => part !== '')
    .join('; ');
  for (const s of stores) await s.close();
  return { cyclesPerSec: result.cycles / result.seconds, requestsPerCycle: null, note };
}

// ---- etcd ----

async function etcdReachable(): Promise<boolean> {
  const opened = openEtcdStore({
    endpoints: ENDPOINTS,
    prefix: 'leasehold-bench-probe/',
    timeoutMs: 2_000,
  });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  const read = await opened.store.read('probe');
  await opened.store.close();
  return read.kind === 'ok';
}

async function etcdOursRun(prefix: string, concurrent: number): Promise<Measurement> {
  let requests = 0;
  const stores = Array.from({ length: concurrent }, () => {
    const opened = openEtcdStore({
      endpoints: ENDPOINTS,
      prefix,
      onRequest: () => (requests += 1),
    });
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    return opened.store;
  });
  const clients = stores.map((s, i) => client(s, `node-${i}`));
  const tag = randomUUID();
  await distinctCycles(clients, 3, `warm-${tag}`); // connect every client first
  requests = 0;
  const perClient = Math.ceil(ETCD_CYCLES / concurrent);
  const result = await timed(async () => {
    await distinctCycles(clients, perClient, `etcd-${tag}`);
    return perClient * concurrent;
  });
  const requestsPerCycle = requests / result.cycles;
  for (const s of stores) await s.close();
  return { cyclesPerSec: result.cycles / result.seconds, requestsPerCycle, note: '' };
}

async function etcdLockRun(prefix: string, concurrent: number): Promise<Measurement> {
  let requests = 0;
  const etcd = Array.from(
    { length: concurrent },
    () =>
      new Etcd3({
        hosts: ENDPOINTS,
        defaultCallOptions: (context) => {
          if (!context.isStream) requests += 1;
          return {};
        },
      }),
  );
  const cycle = async (i: number, n: number, tag: string) => {
    for (let k = 0; k < n; k++) {
      const lock = etcd[i]!.lock(`${prefix}${tag}/r${i}`).ttl(30);
      await lock.acquire();
      await lock.release();
    }
  };
  await Promise.all(etcd.map((_, i) => cycle(i, 3, 'warm')));
  requests = 0;
  const perClient = Math.ceil(ETCD_CYCLES / concurrent);
  const result = await timed(async () => {
    await Promise.all(etcd.map((_, i) => cycle(i, perClient, 'lock')));
    return perClient * concurrent;
  });
  const requestsPerCycle = requests / result.cycles;
  for (const e of etcd) e.close();
  return { cyclesPerSec: result.cycles / result.seconds, requestsPerCycle, note: '' };
}

// ---- report ----

type Row = { readonly name: string; readonly runs: Measurement[] };

function printRow(row: Row): void {
  const rates = row.runs.map((m) => m.cyclesPerSec);
  const requests = row.runs.map((m) => m.requestsPerCycle).filter((r): r is number => r !== null);
  const cells = [
    row.name,
    Math.round(median(rates)).toLocaleString('en-US'),
    requests.length > 0 ? median(requests).toFixed(2) : '-',
    rates.map((r) => Math.round(r)).join(', '),
    row.runs.at(-1)?.note ?? '',
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

async function measure(name: string, once: (run: number) => Promise<Measurement>): Promise<Row> {
  const runs: Measurement[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await once(run));
  const row = { name, runs };
  printRow(row);
  return row;
}

/** Runs the rows in turn within every run, so each pair sees the same cluster conditions. */
async function measureAlternating(
  rows: ReadonlyArray<readonly [string, () => Promise<Measurement>]>,
): Promise<Row[]> {
  const measured: Row[] = rows.map(([name]) => ({ name, runs: [] }));
  for (let run = 0; run < RUNS; run++) {
    for (const [i, [, once]] of rows.entries()) measured[i]!.runs.push(await once());
  }
  for (const row of measured) printRow(row);
  return measured;
}

function printRatio(name: string, ours: Row, theirs: Row): void {
  const ratios = ours.runs.map((m, i) => m.cyclesPerSec / theirs.runs[i]!.cyclesPerSec);
  console.log(
    `${name}: ${median(ratios).toFixed(2)}x (median of per-run ratios: ` +
      `${ratios.map((r) => r.toFixed(2)).join(', ')})`,
  );
}

async function main(): Promise<void> {
  console.log(
    `bench:store — node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ` +
      `${RUNS} runs, ${SQLITE_CYCLES} SQLite cycles, ${ETCD_CYCLES} etcd cycles per run`,
  );
  console.log('');
  console.log('| store, workload | cycles/s (median) | etcd requests/cycle | runs | note |');
  console.log('| --------------- | ----------------- | ------------------- | ---- | ---- |');
  const dir = mkdtempSync(join(os.tmpdir(), 'leasehold-bench-'));
  try {
    await measure('SQLite (default: normal + recovery), 1 client, sequential', (r) =>
      sqliteRun(dir, r, 'sequential', {}),
    );
    await measure('SQLite synchronous=full, 1 client, sequential', (r) =>
      sqliteRun(dir, r, 'sequential', { synchronous: 'full' }),
    );
    await measure(`SQLite, ${CLIENTS} clients, distinct resources`, (r) =>
      sqliteRun(dir, r, 'distinct', {}),
    );
    await measure(`SQLite, ${CLIENTS} clients, one hot resource`, (r) =>
      sqliteRun(dir, r, 'hot', {}),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!(await etcdReachable())) {
    console.log('');
    console.log(
      `etcd not reachable at ${ENDPOINTS.join(',')}: etcd rows skipped (scripts/etcd-cluster.sh start).`,
    );
    return;
  }
  const prefix = `leasehold-bench/${randomUUID()}/`;
  try {
    const [ours1, lock1, ours8, lock8] = await measureAlternating([
      ['etcd, leasehold store, 1 client, sequential', () => etcdOursRun(prefix, 1)],
      ['etcd, etcd3 Lock, 1 client, sequential', () => etcdLockRun(prefix, 1)],
      [
        `etcd, leasehold store, ${CLIENTS} clients, distinct resources`,
        () => etcdOursRun(prefix, CLIENTS),
      ],
      [
        `etcd, etcd3 Lock, ${CLIENTS} clients, distinct resources`,
        () => etcdLockRun(prefix, CLIENTS),
      ],
    ]);
    console.log('');
    printRatio('etcd, ours vs etcd3 Lock, sequential', ours1!, lock1!);
    printRatio(`etcd, ours vs etcd3 Lock, ${CLIENTS} clients`, ours8!, lock8!);
  } finally {
    const cleanup = new Etcd3({ hosts: ENDPOINTS });
    await cleanup.delete().prefix(prefix);
    cleanup.close();
  }
}

await main();
