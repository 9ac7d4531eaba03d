/**
 * npm run chaos:sqlite — the simulator's workload against a real SQLite store: several node
 * processes share one database file (and a fenced resource in a second file) in a temp dir, some
 * are SIGKILLed and restarted at seeded moments, then the store's history, the fenced resource's
 * log and the nodes' journals are checked with the simulator's checker (scripts/chaos/).
 *
 *   npm run chaos:sqlite [-- --seed S --duration-ms N --processes N --resources N --kills N --keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@leasehold/client';
import { openSqliteStore } from '@leasehold/store-sqlite';
import { CHAOS_CONFIG, chaosResources } from './chaos/chaos-config';
import { parseChaosOptions, usage, type ChaosOptions } from './chaos/chaos-options';
import {
  EXIT_CLEAN,
  EXIT_INTERNAL,
  EXIT_USAGE,
  EXIT_VIOLATION,
  formatChaosReport,
} from './chaos/chaos-report';
import { checkChaosRun } from './chaos/check-chaos-run';
import { FileJournal, JOURNAL_SUFFIX, readJournalDir } from './chaos/journal';
import { planKills } from './chaos/kill-plan';
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
import { readStoreEvidence } from './chaos/read-store-evidence';
import { RecordingStore } from './chaos/recording-store';
import { monoToSharedOffsetMs } from './chaos/shared-clock';
import { FENCED_FILE, STORE_FILE } from './chaos/sqlite-files';
import { SqliteFencedResource } from './chaos/sqlite-fenced-resource';

const SCRIPT = 'chaos:sqlite';
const KILLS = {
  what: 'node processes',
  killsDefault: PROCESS_KILLS_DEFAULT,
  killsMax: PROCESS_KILLS_MAX,
};
const clock = systemClock();

/** Runs the nodes and the kill schedule; returns how every node process ended and the kill count. */
async function runNodes(
  dir: string,
  options: ChaosOptions,
  journal: FileJournal,
): Promise<{ exits: NodeExit[]; kills: number }> {
  const startedMs = clock.monoMs();
  const deadlineWallMs = clock.wallMs() + options.durationMs;
  const args = (node: string): string[] => [
    dir,
    node,
    options.seed,
    String(options.resources),
    String(deadlineWallMs),
  ];
  const nodes = new NodeProcesses(options.processes, args, journal);
  let kills = 0;
  const plan = planKills(options.seed, options.kills, options.durationMs, options.processes, {
    min: RESTART_DELAY_MS_MIN,
    max: RESTART_DELAY_MS_MAX,
  });
  for (const kill of plan) {
    await clock.sleep(startedMs + kill.atMs - clock.monoMs());
    const killed = await nodes.kill(kill.target);
    if (killed === null) continue;
    kills += 1;
    console.log(
      `${SCRIPT}: SIGKILL ${killed} at ${clock.monoMs() - startedMs} ms, restart in ${kill.downMs} ms`,
    );
    await clock.sleep(kill.downMs);
    if (clock.wallMs() < deadlineWallMs) nodes.restart(kill.target);
  }
  const exits = await nodes.waitAll(
    Math.max(0, deadlineWallMs - clock.wallMs()) + NODE_EXIT_MS_MAX,
  );
  return { exits, kills };
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
      `${options.durationMs} ms, ${options.kills} SIGKILLs; files in ${dir}`,
  );
  // Opened (and migrated) before any node starts; the driver reads the evidence through it.
  const opened = openSqliteStore(join(dir, STORE_FILE), { timeoutMs: STORE_TIMEOUT_MS });
  if (opened.kind !== 'ok') throw new Error(`store: ${opened.reason}`);
  const fenced = new SqliteFencedResource(join(dir, FENCED_FILE), STORE_TIMEOUT_MS);
  const journal = new FileJournal(join(dir, `driver${JOURNAL_SUFFIX}`));
  const { exits, kills } = await runNodes(dir, options, journal);
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
  console.log(formatChaosReport(SCRIPT, options, figures, check));
  if (check.violations.length > 0) {
    console.log(`${SCRIPT}: files kept in ${dir}`);
    return EXIT_VIOLATION;
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
