/**
 * npm run bench:http — the HTTP lease service on SQLite over loopback, against its limit:
 *
 * - Load: autocannon, 32 connections, acquire+release cycles (acquire, lease_id and owner_key
 *   from the 201, release) on distinct resources (one per connection) and on 10 hot resources
 *   (409s counted apart), against the service (`startServer`, in its own process) and a bare
 *   fastify route doing the same SQLite transaction (bare-app.ts, in its own process), alternating
 *   per run in one invocation. Targets: at least 50% of the bare route's cycles/s, p99 <= 20 ms.
 * - Hand-off: release to the waiting client's grant, in-process (LeaseService over SQLite) and
 *   over HTTP (`wait_ms`), p99 <= 50 ms; etcd3's `Lock` measured beside it (watch, then retry).
 * - Soak: 64 agents on 10 hot resources through HTTP; the history read back from the SQLite file
 *   and checked with the chaos runs' checker: zero violations, zero 5xx.
 *
 * Exit 0 only when every target is met; 1 names the ones missed; 64 for a bad flag; 69 when
 * LEASEHOLD_REQUIRE_ETCD=1 and etcd cannot be had.
 *
 *   npm run bench:http [-- --runs N --duration-ms N --handoff-samples N --soak-ms N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@leasehold/store-sqlite';
import { median, scriptFlags } from './bench-args';
import { VIOLATIONS_SHOWN_MAX } from './chaos/limits';
import { handoffEtcdLock, handoffHttp, handoffInProcess, percentile } from './bench-http/handoff';
import {
  CONNECTIONS,
  HANDOFF_P99_MS_MAX,
  HOT_RESOURCES,
  REQUEST_P99_MS_MAX,
  SOAK_AGENTS,
  SOAK_RESOURCES,
  THROUGHPUT_RATIO_PERCENT_MIN,
} from './bench-http/limits';
import { runLoad, type LoadRun, type Workload } from './bench-http/load';
import { startServiceChild } from './bench-http/service-child';
import { runSoak, type SoakResult } from './bench-http/soak';

const SCRIPT = 'bench:http';
const flags = scriptFlags(SCRIPT, 'the HTTP lease service against a bare route, hand-off, soak', {
  runs: { int: 3, help: 'load runs of each side (alternating); medians are reported' },
  'duration-ms': { int: 10_000, help: 'length of each load run' },
  'warmup-ms': { int: 2_000, help: 'untimed load on each service process before its runs' },
  'handoff-samples': { int: 200, help: 'hand-offs measured per kind' },
  'soak-ms': { int: 60_000, help: 'length of the soak' },
});
const EXIT_MISSED = 1;
const EXIT_UNAVAILABLE = 69;
const ETCD_CLUSTER = join(import.meta.dirname, 'etcd-cluster.sh');
/** Our own cluster's ports and files, apart from the tests' (23790) and bench:store's. */
const ETCD_PORT_BASE = '25890';

type Side = 'ours' | 'bare';
const WORKLOADS: readonly Workload[] = ['distinct', 'hot'];
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Target {
  readonly what: string;
  readonly measured: string;
  readonly met: boolean;
}

async function loadRuns(dir: string): Promise<Map<string, LoadRun[]>> {
  const runs = new Map<string, LoadRun[]>();
  for (let run = 1; run <= flags.runs; run++) {
    const sides: Side[] = run % 2 === 1 ? ['ours', 'bare'] : ['bare', 'ours'];
    for (const side of sides) {
      const child = await startServiceChild([side, join(dir, `${side}-${run}.db`)]);
      await runLoad(child.url, 'distinct', flags['warmup-ms'], 'warmup');
      for (const workload of WORKLOADS) {
        const measured = await runLoad(child.url, workload, flags['duration-ms'], `run${run}`);
        const key = `${side}/${workload}`;
        runs.set(key, [...(runs.get(key) ?? []), measured]);
        console.log(
          `${SCRIPT}: run ${run} ${side.padEnd(4)} ${workload.padEnd(8)} ` +
            `${fmt(measured.cyclesPerSec)} cycles/s, ${fmt(measured.requestsPerSec)} requests/s, ` +
            `p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms` +
            (workload === 'hot' ? `, ${fmt(measured.refusedPerCycle, 2)} 409s per cycle` : ''),
        );
      }
      const code = await child.stop();
      if (code !== 0) throw new Error(`the ${side} service exited ${code}`);
    }
  }
  return runs;
}

/** etcd endpoints: LEASEHOLD_ETCD_ENDPOINTS, or a cluster of our own when `etcd` is installed. */
function etcdEndpoints(dir: string): { hosts: string[]; stop: () => void } | null {
  const given = process.env.LEASEHOLD_ETCD_ENDPOINTS;
  if (given !== undefined) return { hosts: given.split(','), stop: () => undefined };
  if (spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).status !== 0) return null;
  const env = {
    ...process.env,
    LEASEHOLD_ETCD_PORT_BASE: ETCD_PORT_BASE,
    LEASEHOLD_ETCD_DIR: join(dir, 'etcd'),
  };
  execFileSync('bash', [ETCD_CLUSTER, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const hosts = execFileSync('bash', [ETCD_CLUSTER, 'endpoints'], { env, encoding: 'utf8' })
    .trim()
    .split(',');
  const stop = () => {
    execFileSync('bash', [ETCD_CLUSTER, 'stop'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  };
  return { hosts, stop };
}

async function handoffs(dir: string): Promise<Map<string, number[] | null>> {
  const samples = flags['handoff-samples'];
  const result = new Map<string, number[] | null>();
  const opened = openSqliteStore(join(dir, 'handoff-in-process.db'));
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  result.set('in-process (LeaseService, SQLite)', await handoffInProcess(opened.store, samples));
  await opened.store.close();
  const child = await startServiceChild(['ours', join(dir, 'handoff-http.db')]);
  result.set('HTTP (wait_ms, SQLite)', await handoffHttp(child.url, samples));
  await child.stop();
  const etcd = etcdEndpoints(dir);
  if (etcd === null) {
    console.log(`${SCRIPT}: etcd not available: skipped (no etcd on PATH)`);
    if (process.env.LEASEHOLD_REQUIRE_ETCD === '1') process.exit(EXIT_UNAVAILABLE);
    result.set('etcd3 Lock (3 members, watch + retry)', null);
    return result;
  }
  try {
    result.set('etcd3 Lock (3 members, watch + retry)', await handoffEtcdLock(etcd.hosts, samples));
  } finally {
    etcd.stop();
  }
  return result;
}

function loadTable(runs: Map<string, LoadRun[]>): Target[] {
  const targets: Target[] = [];
  console.log(
    `\n## load: ${CONNECTIONS} connections, ${flags.runs} runs x ${flags['duration-ms']} ms per side (medians)\n`,
  );
  console.log(
    '| workload | side | cycles/s | requests/s | p50 ms | p99 ms | 409s/cycle | 5xx | errors |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const workload of WORKLOADS) {
    const cycles: Record<Side, number> = { ours: 0, bare: 0 };
    for (const side of ['ours', 'bare'] as const) {
      const list = runs.get(`${side}/${workload}`) ?? [];
      const m = (pick: (r: LoadRun) => number) => median(list.map(pick));
      cycles[side] = m((r) => r.cyclesPerSec);
      const bad = list.reduce((n, r) => n + r.failures, 0);
      const fivexx = list.reduce((n, r) => n + r.status5xx, 0);
      console.log(
        `| ${workload === 'hot' ? `${HOT_RESOURCES} hot resources` : 'distinct resources'} | ${side} | ${fmt(cycles[side])} | ${fmt(m((r) => r.requestsPerSec))} | ${m((r) => r.p50Ms)} | ${m((r) => r.p99Ms)} | ${fmt(
          m((r) => r.refusedPerCycle),
          2,
        )} | ${fivexx} | ${bad} |`,
      );
      if (side === 'ours') {
        const p99 = m((r) => r.p99Ms);
        targets.push({
          what: `${workload}: p99 <= ${REQUEST_P99_MS_MAX} ms`,
          measured: `${p99} ms`,
          met: p99 <= REQUEST_P99_MS_MAX,
        });
        targets.push({
          what: `${workload}: no 5xx, no errors`,
          measured: `${fivexx} 5xx, ${bad} errors`,
          met: fivexx === 0 && bad === 0,
        });
      }
    }
    const ratios = (runs.get(`ours/${workload}`) ?? []).map(
      (r, i) => r.cyclesPerSec / (runs.get(`bare/${workload}`)?.[i]?.cyclesPerSec ?? Infinity),
    );
    const ratio = median(ratios);
    targets.push({
      what: `${workload}: >= ${THROUGHPUT_RATIO_PERCENT_MIN}% of the bare route's cycles/s`,
      measured: `${fmt(ratio * 100, 1)}% (per run ${ratios.map((r) => fmt(r * 100, 1)).join(', ')}; medians ${fmt(cycles.ours)} / ${fmt(cycles.bare)})`,
      met: ratio * 100 >= THROUGHPUT_RATIO_PERCENT_MIN,
    });
  }
  return targets;
}

function handoffTable(samples: Map<string, number[] | null>): Target[] {
  const targets: Target[] = [];
  console.log(`\n## hand-off: release sent -> waiter granted (${flags['handoff-samples']} each)\n`);
  console.log('| kind | p50 ms | p99 ms | max ms |');
  console.log('| --- | --- | --- | --- |');
  for (const [kind, times] of samples) {
    if (times === null) {
      console.log(`| ${kind} | not measured: etcd not available | | |`);
      continue;
    }
    const p99 = percentile(times, 99);
    console.log(
      `| ${kind} | ${fmt(percentile(times, 50), 2)} | ${fmt(p99, 2)} | ${fmt(Math.max(...times), 2)} |`,
    );
    if (!kind.startsWith('etcd')) {
      targets.push({
        what: `hand-off ${kind}: p99 <= ${HANDOFF_P99_MS_MAX} ms`,
        measured: `${fmt(p99, 2)} ms`,
        met: p99 <= HANDOFF_P99_MS_MAX,
      });
    }
  }
  return targets;
}

function soakReport(soak: SoakResult): Target[] {
  const statuses = [...soak.statuses]
    .sort((a, b) => a[0] - b[0])
    .map(([status, n]) => `${status}: ${fmt(n)}`)
    .join(', ');
  console.log(
    `\n## soak: ${SOAK_AGENTS} agents, ${SOAK_RESOURCES} hot resources, ${fmt(soak.seconds, 1)} s\n`,
  );
  console.log(
    `answers ${statuses}; no answer: ${soak.failedRequests}; abandoned leases: ${soak.abandoned}`,
  );
  console.log(
    Object.entries(soak.check.figures)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(', '),
  );
  const failed = new Set(soak.check.violations.map((v) => v.invariant));
  for (const line of soak.check.lines) {
    const status = failed.has(line.id as never) ? 'VIOLATED' : 'ok';
    console.log(
      `  ${line.id} ${line.name.padEnd(25)} ${status.padEnd(8)} ${line.coverage}: ${line.detail}`,
    );
  }
  for (const v of soak.check.violations.slice(0, VIOLATIONS_SHOWN_MAX)) {
    console.log(`  ${v.invariant} ${v.name}: ${v.message}`);
  }
  return [
    {
      what: 'soak: zero violations',
      measured: `${soak.check.violations.length} violations`,
      met: soak.check.violations.length === 0,
    },
    {
      what: 'soak: zero 5xx (and every request answered)',
      measured: `${soak.status5xx} 5xx, ${soak.failedRequests} unanswered`,
      met: soak.status5xx === 0 && soak.failedRequests === 0,
    },
  ];
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(os.tmpdir(), 'leasehold-bench-http-'));
  console.log(
    `${SCRIPT}: ${os.cpus().length} cores, Node ${process.version}, files in ${dir}; ` +
      `${flags.runs} runs x ${flags['duration-ms']} ms per side, ` +
      `${flags['handoff-samples']} hand-offs, soak ${flags['soak-ms']} ms`,
  );
  const runs = await loadRuns(dir);
  const samples = await handoffs(dir);
  const soakDir = join(dir, 'soak');
  mkdirSync(soakDir);
  const soak = await runSoak(soakDir, flags['soak-ms']);
  const targets = [...loadTable(runs), ...handoffTable(samples), ...soakReport(soak)];
  console.log('\n## targets\n');
  for (const t of targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.what}: ${t.measured}`);
  const missed = targets.filter((t) => !t.met);
  if (missed.length > 0) {
    console.log(`\n${SCRIPT}: ${missed.length} target(s) missed; files kept in ${dir}`);
    return EXIT_MISSED;
  }
  rmSync(dir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${SCRIPT}: internal error:`, error);
    process.exit(70);
  },
);
