import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { HistoryEvent, HistoryKind, LeaseRecord } from '@leasehold/core';
import type { HistoryEntry } from '@leasehold/store';
import { openEtcdStore } from '@leasehold/store-etcd';
import { describe, expect, it } from 'vitest';
import type { ChaosEvidence } from '../scripts/chaos/chaos-evidence';
import { CHAOS_CONFIG } from '../scripts/chaos/chaos-config';
import { checkChaosRun } from '../scripts/chaos/check-chaos-run';
import { ENDPOINTS, REQUIRE_ETCD } from '../scripts/chaos/etcd-cluster-control';
import type { JournalEntry } from '../scripts/chaos/journal';
import { planKills, planKillsByGrants } from '../scripts/chaos/kill-plan';
import {
  KILL_WINDOW_PERCENT_END,
  KILL_WINDOW_PERCENT_START,
  RESTART_DELAY_MS_MAX,
  RESTART_DELAY_MS_MIN,
} from '../scripts/chaos/limits';

const ROOT = join(import.meta.dirname, '..');
const INVARIANT_LINES = ['I-1', 'I-2', 'I-3', 'I-4', 'I-5', 'I-6', 'I-7', 'I-8', 'S-1', 'S-2'];

/**
 * The runs go to a quota of work, not for a time (CONSTRAINTS.md C-11): a loaded machine takes
 * longer instead of doing less. The cap is far above what any machine needs (a loaded 2-core
 * machine meets the quota in well under a minute), and each test's timeout is the cap plus time
 * for the nodes to finish their leases, the liveness probe and the check, so a test fails on time
 * only when the machine is absurdly slow.
 */
const GRANTS_QUOTA = 20;
const CAP_MS = 120_000;
const AFTER_CAP_MS = 60_000;
const QUOTA_ARGS = [
  '--seed',
  '7',
  '--grants',
  String(GRANTS_QUOTA),
  '--duration-ms',
  String(CAP_MS),
];

async function runScript(script: string, args: string[]): Promise<{ code: number; out: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@leasehold/source', '--import', 'tsx', join('scripts', script), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  return { code, out };
}

/** A figure of the report's summary line (`...: seed 7; processes 3, kills 1, grants 23, ...`). */
function figure(out: string, name: string): number {
  const found = new RegExp(`^\\S+: seed \\S+;.* ${name} (\\d+)`, 'm').exec(out);
  expect(found, `the report's ${name}`).not.toBeNull();
  return Number(found?.[1]);
}

/** Every invariant line says ok, and the run did its quota of work: grants and accepted writes. */
function expectCleanRun(out: string, script: string): void {
  for (const id of INVARIANT_LINES) expect(out).toMatch(new RegExp(`^  ${id} \\S+ +ok `, 'm'));
  expect(out).toContain(`${script}: quota met at `);
  expect(out).toContain(`${script}: clean (seed 7)`);
  expect(figure(out, 'grants')).toBeGreaterThanOrEqual(GRANTS_QUOTA);
  const accepted = figure(out, 'fencedWrites') - figure(out, 'fencedRejected');
  expect(accepted).toBeGreaterThanOrEqual(GRANTS_QUOTA);
}

async function etcdReachable(): Promise<boolean> {
  const opened = openEtcdStore({
    endpoints: ENDPOINTS,
    prefix: 'leasehold-chaos-probe/',
    timeoutMs: 2_000,
  });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  const read = await opened.store.read('probe');
  await opened.store.close();
  return read.kind === 'ok';
}

describe('chaos runs against real stores', () => {
  it(
    'chaos:sqlite, seed 7: node processes SIGKILLed, I-1..I-8 checked and clean',
    async () => {
      const run = await runScript('chaos-sqlite.ts', [
        ...QUOTA_ARGS,
        '--processes',
        '3',
        '--kills',
        '1',
      ]);
      expect(run.out).toMatch(/SIGKILL p\dg0 at \d+ grants/);
      expect(figure(run.out, 'kills')).toBe(1);
      expectCleanRun(run.out, 'chaos:sqlite');
      expect(run.code).toBe(0);
    },
    CAP_MS + AFTER_CAP_MS,
  );

  it(
    'chaos:etcd, seed 7: leader killed, I-1..I-8 checked and clean (skips loudly without etcd)',
    async () => {
      if (!(await etcdReachable())) {
        const run = await runScript('chaos-etcd.ts', ['--duration-ms', '1000']);
        const where = `etcd is not reachable at ${ENDPOINTS.join(', ')}`;
        if (REQUIRE_ETCD) {
          expect(run.code).toBe(69);
          throw new Error(`LEASEHOLD_REQUIRE_ETCD=1 but ${where}; start scripts/etcd-cluster.sh`);
        }
        expect(run.out).toContain('SKIPPED');
        expect(run.code).toBe(0);
        console.warn(
          `${where}: the etcd chaos test is SKIPPED (LEASEHOLD_REQUIRE_ETCD=1 fails it)`,
        );
        return;
      }
      const run = await runScript('chaos-etcd.ts', [
        ...QUOTA_ARGS,
        '--processes',
        '3',
        '--kills',
        '1',
      ]);
      if (process.env.LEASEHOLD_ETCD_ENDPOINTS === undefined) {
        expect(run.out).toMatch(/SIGKILL member \d \(leader\) at \d+ grants/);
        expect(figure(run.out, 'leaderKills')).toBe(1);
      }
      expectCleanRun(run.out, 'chaos:etcd');
      expect(run.code).toBe(0);
    },
    CAP_MS + AFTER_CAP_MS,
  );

  it('bad usage exits 64 with the usage text', async () => {
    const run = await runScript('chaos-sqlite.ts', ['--processes', '0']);
    expect(run.code).toBe(64);
    expect(run.out).toContain('--processes must be a whole number from 1 to');
  });
});

describe('the kill schedule of a quota run', () => {
  const delays = { min: RESTART_DELAY_MS_MIN, max: RESTART_DELAY_MS_MAX };

  it('seed 7: kills at grant counts inside the kill window, the same victims and delays as by time', () => {
    const byGrants = planKillsByGrants('7', 6, 20, 3, delays);
    const byTime = planKills('7', 6, 20_000, 3, delays);
    const window = (n: number): number => Math.floor((20 * n) / 100);
    for (const kill of byGrants) {
      expect(kill.atGrants).toBeGreaterThanOrEqual(window(KILL_WINDOW_PERCENT_START));
      expect(kill.atGrants).toBeLessThanOrEqual(window(KILL_WINDOW_PERCENT_END));
    }
    expect(byGrants.map((k) => k.atGrants)).toEqual(
      byGrants.map((k) => k.atGrants).sort((a, b) => a - b),
    );
    const victims = (kills: ReadonlyArray<{ target: number; downMs: number }>): string[] =>
      kills.map((k) => `${k.target}/${k.downMs}`).sort();
    expect(victims(byGrants)).toEqual(victims(byTime));
  });

  it('seed 7: a quota too small for the window still kills after the first grant', () => {
    for (const kill of planKillsByGrants('7', 4, 1, 3, delays)) expect(kill.atGrants).toBe(1);
  });
});

// Hand-made runs: one resource, records and events as the core would write them.
const R = 'orders/42';

function held(holder: string, token: number, atMs: number, ttlMs = 1_000): LeaseRecord {
  return {
    status: 'held',
    resource: R,
    token,
    updatedAtMs: atMs,
    requestId: `${holder}-req-${token}`,
    recentGrants: [{ requestId: `${holder}-req-${token}`, token }],
    holder,
    ownerKey: `${holder}-key`,
    ttlMs,
    acquiredAtMs: atMs,
    expiresAtMs: atMs + ttlMs,
    renewals: 0,
    maxRenewals: null,
    maxAgeMs: null,
  };
}

function event(
  kind: HistoryKind,
  holder: string,
  token: number,
  atMs: number,
  previousHolder: string | null = null,
): HistoryEvent {
  return {
    kind,
    resource: R,
    holder,
    token,
    atMs,
    requestId: `${holder}-req-${token}`,
    previousHolder,
  };
}

/** Builds the evidence of a run whose store applied `writes` in order, each acknowledged. */
function evidenceOf(
  writes: ReadonlyArray<{ node: string; record: LeaseRecord; event: HistoryEvent }>,
  extra: JournalEntry[] = [],
): ChaosEvidence {
  const journal: JournalEntry[] = [];
  const history: HistoryEntry[] = [];
  writes.forEach((w, i) => {
    journal.push({
      e: 'cas',
      node: w.node,
      id: i + 1,
      resource: R,
      expectedVersion: i,
      record: w.record,
      event: w.event,
      decidedAtSharedMs: w.event.atMs,
    });
    journal.push({ e: 'casResult', node: w.node, id: i + 1, kind: 'ok', maybeApplied: false });
    history.push({ ...w.event, seq: i + 1 });
  });
  const last = writes.at(-1)?.record ?? null;
  return {
    resources: [R],
    histories: new Map([[R, history]]),
    finals: new Map([[R, { record: last, version: writes.length }]]),
    journal: [...journal, ...extra],
    fencedLog: [],
    probes: [],
  };
}

function violated(evidence: ChaosEvidence): string[] {
  return checkChaosRun(evidence, CHAOS_CONFIG).violations.map((v) => v.invariant);
}

describe('the chaos history checker reports broken histories', () => {
  const a1 = { node: 'a', record: held('a', 1, 1_000), event: event('granted', 'a', 1, 1_000) };

  it('a clean hand-made history passes', () => {
    const b2 = {
      node: 'b',
      record: held('b', 2, 3_000),
      event: event('granted', 'b', 2, 3_000, 'a'),
    };
    expect(violated(evidenceOf([a1, b2]))).toEqual([]);
  });

  it('I-5 FencingMonotonic: a grant that reuses a token is reported', () => {
    const b1 = {
      node: 'b',
      record: held('b', 1, 3_000),
      event: event('granted', 'b', 1, 3_000, 'a'),
    };
    expect(violated(evidenceOf([a1, b1]))).toContain('I-5');
  });

  it('I-7 NoResurrection: a renew after expiry is reported', () => {
    const renewed = { ...held('a', 1, 1_000), expiresAtMs: 3_500 } as LeaseRecord;
    const late = { node: 'a', record: renewed, event: event('renewed', 'a', 1, 2_500) };
    expect(violated(evidenceOf([a1, late]))).toContain('I-7');
  });

  it('I-3 RenewalRequiresOwnership: a write the store answered conflict but applied is reported', () => {
    const evidence = evidenceOf([a1]);
    const journal = evidence.journal.map((e) =>
      e.e === 'casResult' ? { ...e, kind: 'conflict' as const } : e,
    );
    expect(violated({ ...evidence, journal })).toContain('I-3');
  });

  it('I-6 FencedResourceSafety: an accepted write under a token never granted to the writer is reported', () => {
    const fencedLog = [
      { resource: R, writer: 'b', token: 1, accepted: true, tokenAcceptedMaxBefore: 0 },
    ];
    expect(violated({ ...evidenceOf([a1]), fencedLog })).toContain('I-6');
  });

  it('I-1 LeaseUniqueness: two nodes believing at once on the shared clock are reported', () => {
    const b2 = {
      node: 'b',
      record: held('b', 2, 3_000),
      event: event('granted', 'b', 2, 3_000, 'a'),
    };
    const beliefs: JournalEntry[] = [
      { e: 'believe', node: 'a', resource: R, token: 1, fromSharedMs: 1_000, untilSharedMs: 4_000 },
      { e: 'believe', node: 'b', resource: R, token: 2, fromSharedMs: 3_100, untilSharedMs: 3_900 },
    ];
    expect(violated(evidenceOf([a1, b2], beliefs))).toEqual(expect.arrayContaining(['I-1', 'I-2']));
  });

  it('S-2 FinalRecordsMatchHistory: a final record the history did not write is reported', () => {
    const evidence = evidenceOf([a1]);
    const finals = new Map([[R, { record: held('z', 1, 1_000), version: 1 }]]);
    expect(violated({ ...evidence, finals })).toContain('S-2');
  });
});
