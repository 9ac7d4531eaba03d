/**
 * npm run chaos:sqlite — the simulator's workload against a real SQLite store: several node
 * processes share one database file (and a fenced resource in a second file) in a temp dir, some
 * are SIGKILLed and restarted, then the store's history, the fenced resource's log and the nodes'
 * journals are checked with the simulator's checker (scripts/chaos/).
 *
 * Duration mode (default): nodes work for --duration-ms, kills at seeded times. Quota mode
 * (--grants N): the driver polls the store's history and the fenced log, kill i comes once the
 * store holds a seeded number of grants, and once it holds N grants, the fenced resource has
 * accepted N writes and every kill has happened, the driver writes a stop file the nodes check;
 * --duration-ms is only a cap, past which the run exits 70 (CONSTRAINTS.md C-11).
 *
 *   npm run chaos:sqlite [-- --seed S --grants N --duration-ms N --processes N --resources N --kills N --keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@leasehold/client';
import { openSqliteStore } from '@leasehold/store-sqlite';
import { CHAOS_CONFIG, chaosResources } from './chaos/chaos-config';
import {
  describeRunLength,
  parseChaosOptions,
  usage,
  type ChaosOptions,
} from './chaos/chaos-options';
import {
  EXIT_CLEAN,
  EXIT_INTERNAL,
  EXIT_USAGE,
  EXIT_VIOLATION,
  formatChaosReport,
} from './chaos/chaos-report';
import { checkChaosRun } from './chaos/check-chaos-run';
import { FileJournal, JOURNAL_SUFFIX, readJournalDir } from './chaos/journal';
import { planKills, planKillsByGrants } from './chaos/kill-plan';
import {
  NODE_EXIT_MS_MAX,
  PROCESS_KILLS_DEFAULT,
  PROCESS_KILLS_MAX,
  RESTART_DELAY_MS_MAX,
  RESTART_DELAY_MS_MIN,
  STORE_TIMEOUT_MS,
} from './chaos/limits';
import { runProbes } from './chaos/liveness-probe';
import { NodeProcesses, type NodeExit } from './chaos/node-processes';
import { describeProgress, QuotaProgress, quotaMet } from './chaos/quota-progress';
import { readStoreEvidence } from './chaos/read-store-evidence';
import { RecordingStore } from './chaos/recording-store';
import { monoToSharedOffsetMs } from './chaos/shared-clock';
import { FENCED_FILE, STOP_FILE, STORE_FILE } from './chaos/sqlite-files';
import { SqliteFencedResource } from './chaos/sqlite-fenced-resource';
import { FileStopSignal } from './chaos/stop-signal';

const SCRIPT = 'chaos:sqlite';
const KILLS = {
  what: 'node processes',
  killsDefault: PROCESS_KILLS_DEFAULT,
  killsMax: PROCESS_KILLS_MAX,
};
const clock = systemClock();

const RESTART_DELAY_MS = { min: RESTART_DELAY_MS_MIN, max: RESTART_DELAY_MS_MAX };

interface NodesRun {
  readonly exits: NodeExit[];
  readonly kills: number;
  /** Quota mode: what was left undone when the cap passed; null when the run did its work. */
  readonly shortfall: string | null;
}

/** Runs the nodes and the kill schedule; returns how every node process ended and the kill count. */
async function runNodes(
  dir: string,
  options: ChaosOptions,
  journal: FileJournal,
  progress: QuotaProgress,
): Promise<NodesRun> {
  const startedMs = clock.monoMs();
  // Duration mode: the end of the work. Quota mode: the cap, and each node's own backstop.
  const endMonoMs = startedMs + options.durationMs;
  const endWallMs = clock.wallMs() + options.durationMs;
  const args = (node: string): string[] => [
    dir,
    node,
    options.seed,
    String(options.resources),
    String(endWallMs),
  ];
  const nodes = new NodeProcesses(options.processes, args, journal);
  if (options.grants === null) {
    const kills = await killOnTime(nodes, options, startedMs, endMonoMs);
    const exits = await nodes.waitAll(Math.max(0, endMonoMs - clock.monoMs()) + NODE_EXIT_MS_MAX);
    return { exits, kills, shortfall: null };
  }
  const stop = new FileStopSignal(join(dir, STOP_FILE));
  let run: { kills: number; shortfall: string | null } = { kills: 0, shortfall: null };
  try {
    run = await killOnProgress(nodes, options, options.grants, progress, startedMs, endMonoMs);
  } finally {
    stop.raise();
  }
  if (run.shortfall !== null) console.error(`${SCRIPT}: ${run.shortfall}; stopping the nodes`);
  const exits = await nodes.waitAll(NODE_EXIT_MS_MAX);
  return { exits, ...run };
}

async function killOnTime(
  nodes: NodeProcesses,
  options: ChaosOptions,
  startedMs: number,
  endMonoMs: number,
): Promise<number> {
  let kills = 0;
  const plan = planKills(
    options.seed,
    options.kills,
    options.durationMs,
    options.processes,
    RESTART_DELAY_MS,
  );
  for (const kill of plan) {
    await clock.sleep(startedMs + kill.atMs - clock.monoMs());
    const when = `at ${clock.monoMs() - startedMs} ms`;
    if (await killAndRestart(nodes, kill, when, endMonoMs)) kills += 1;
  }
  return kills;
}

/** Quota mode: kill i once the store holds its seeded number of grants, then wait for the quota. */
async function killOnProgress(
  nodes: NodeProcesses,
  options: ChaosOptions,
  grantsQuota: number,
  progress: QuotaProgress,
  startedMs: number,
  capMonoMs: number,
): Promise<{ kills: number; shortfall: string | null }> {
  let kills = 0;
  const plan = planKillsByGrants(
    options.seed,
    options.kills,
    grantsQuota,
    options.processes,
    RESTART_DELAY_MS,
  );
  const shortfall = (): string =>
    `the cap of ${options.durationMs} ms passed before the quota was met: ` +
    describeProgress(progress.last, grantsQuota, kills, options.kills);
  // A failed node ends the wait: main reports it (exit 70) rather than wait out the cap.
  for (const kill of plan) {
    const seen = await progress.waitFor(
      (p) => p.grants >= kill.atGrants || nodes.failed(),
      capMonoMs,
    );
    if (seen === null) return { kills, shortfall: shortfall() };
    if (nodes.failed()) return { kills, shortfall: null };
    const when = `at ${seen.grants} grants (${clock.monoMs() - startedMs} ms)`;
    if (await killAndRestart(nodes, kill, when, capMonoMs)) kills += 1;
  }
  const done = await progress.waitFor((p) => quotaMet(p, grantsQuota) || nodes.failed(), capMonoMs);
  if (done === null) return { kills, shortfall: shortfall() };
  if (nodes.failed()) return { kills, shortfall: null };
  console.log(
    `${SCRIPT}: quota met at ${clock.monoMs() - startedMs} ms: ` +
      `${describeProgress(done, grantsQuota, kills, options.kills)}; stopping the nodes`,
  );
  return { kills, shortfall: null };
}

/** SIGKILLs the process of `kill.target` and restarts it after its delay, unless the run is over. */
async function killAndRestart(
  nodes: NodeProcesses,
  kill: { readonly target: number; readonly downMs: number },
  when: string,
  endMonoMs: number,
): Promise<boolean> {
  const killed = await nodes.kill(kill.target);
  if (killed === null) return false;
  console.log(`${SCRIPT}: SIGKILL ${killed} ${when}, restart in ${kill.downMs} ms`);
  await clock.sleep(kill.downMs);
  if (clock.monoMs() < endMonoMs) nodes.restart(kill.target);
  return true;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseChaosOptions(argv, KILLS);
  if (parsed.kind === 'help') {
    console.log(usage(`npm run ${SCRIPT} --`, KILLS));
    return EXIT_CLEAN;
  }
  if (parsed.kind === 'usage') {
    console.error(`${SCRIPT}: ${parsed.message}\n${usage(`npm run ${SCRIPT} --`, KILLS)}`);
    return EXIT_USAGE;
  }
  const options = parsed.options;
  const resources = chaosResources(options.resources);
  const dir = mkdtempSync(join(os.tmpdir(), 'leasehold-chaos-sqlite-'));
  console.log(
    `${SCRIPT}: seed ${options.seed}, ${options.processes} processes, ${options.resources} resources, ` +
      `${describeRunLength(options)}, ${options.kills} SIGKILLs; files in ${dir}`,
  );
  // Opened (and migrated) before any node starts; the driver reads the evidence through it.
  const opened = openSqliteStore(join(dir, STORE_FILE), { timeoutMs: STORE_TIMEOUT_MS });
  if (opened.kind !== 'ok') throw new Error(`store: ${opened.reason}`);
  const fenced = new SqliteFencedResource(join(dir, FENCED_FILE), STORE_TIMEOUT_MS);
  const journal = new FileJournal(join(dir, `driver${JOURNAL_SUFFIX}`));
  const progress = new QuotaProgress(opened.store, resources, () => fenced.countAccepted(), clock);
  const { exits, kills, shortfall } = await runNodes(dir, options, journal, progress);
  const failed = exits.filter((exit) => exit.end === 'failed');
  if (failed.length > 0) {
    const which = failed.map((f) => `${f.node} (${f.code})`).join(', ');
    console.error(
      `${SCRIPT}: node processes failed or did not finish: ${which}; files kept in ${dir}`,
    );
    return EXIT_INTERNAL;
  }
  const probeStore = new RecordingStore(opened.store, 'probes', journal, clock);
  const probes = await runProbes(
    probeStore,
    clock,
    CHAOS_CONFIG,
    resources,
    journal,
    monoToSharedOffsetMs(),
  );
  journal.close();
  const store = await readStoreEvidence(opened.store, resources);
  if (store.kind !== 'ok') throw new Error(`reading the store back: ${store.reason}`);
  const { entries, cutLines } = readJournalDir(dir);
  const check = checkChaosRun(
    { resources, ...store, journal: entries, fencedLog: fenced.readLog(), probes },
    CHAOS_CONFIG,
  );
  await fenced.close();
  await opened.store.close();
  const figures = { processes: exits.length, kills, journalCutLines: cutLines };
  console.log(formatChaosReport(SCRIPT, options, figures, check, shortfall));
  if (check.violations.length > 0) {
    console.log(`${SCRIPT}: files kept in ${dir}`);
    return EXIT_VIOLATION;
  }
  if (shortfall !== null) {
    console.log(`${SCRIPT}: files kept in ${dir}`);
    return EXIT_INTERNAL;
  }
  if (options.keep) console.log(`${SCRIPT}: files kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  return EXIT_CLEAN;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${SCRIPT}: internal error:`, error);
    process.exit(EXIT_INTERNAL);
  },
);
