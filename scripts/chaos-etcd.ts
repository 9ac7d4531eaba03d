/**
 * npm run chaos:etcd — the simulator's workload against a real etcd store: several clients on the
 * 3-member cluster of scripts/etcd-cluster.sh (or LEASEHOLD_ETCD_ENDPOINTS), members SIGKILLed and
 * restarted (the leader at least once), a fenced resource on the same cluster, then the store's
 * history, the fenced log and the nodes' journals checked with the simulator's checker
 * (scripts/chaos/). Skips loudly without a cluster; LEASEHOLD_REQUIRE_ETCD=1 makes that a failure
 * (exit 69).
 *
 * Duration mode (default): clients work for --duration-ms, kills at seeded times. Quota mode
 * (--grants N): the driver polls the store's history and the fenced log, kill i comes once the
 * store holds a seeded number of grants, and once it holds N grants, the fenced resource has
 * accepted N writes and every kill has happened, the driver raises a stop flag the clients check;
 * --duration-ms is only a cap, past which the run exits 70 (CONSTRAINTS.md C-11).
 *
 *   npm run chaos:etcd [-- --seed S --grants N --duration-ms N --processes N --resources N --kills N --keep]
 */
import { randomUUID } from 'node:crypto';
import { counterIds, LeaseClient, systemClock } from '@leasehold/client';
import { Prng } from '@leasehold/sim';
import { openEtcdStore, type EtcdStore } from '@leasehold/store-etcd';
import { Etcd3 } from 'etcd3';
import { CHAOS_CONFIG, chaosResources, nodeStream } from './chaos/chaos-config';
import { runChaosNode, type ChaosNodeOptions } from './chaos/chaos-node';
import {
  describeRunLength,
  parseChaosOptions,
  usage,
  type ChaosOptions,
} from './chaos/chaos-options';
import {
  EXIT_CLEAN,
  EXIT_INTERNAL,
  EXIT_UNAVAILABLE,
  EXIT_USAGE,
  EXIT_VIOLATION,
  formatChaosReport,
} from './chaos/chaos-report';
import { checkChaosRun } from './chaos/check-chaos-run';
import {
  clusterCommand,
  ENDPOINTS,
  leaderMember,
  membersKillable,
  REQUIRE_ETCD,
} from './chaos/etcd-cluster-control';
import { EtcdFencedResource } from './chaos/etcd-fenced-resource';
import { MemoryJournal } from './chaos/journal';
import { planKills, planKillsByGrants } from './chaos/kill-plan';
import {
  MEMBER_DOWN_MS_MAX,
  MEMBER_DOWN_MS_MIN,
  MEMBER_KILLS_DEFAULT,
  MEMBER_KILLS_MAX,
  STORE_TIMEOUT_MS,
} from './chaos/limits';
import { runProbes } from './chaos/liveness-probe';
import { describeProgress, QuotaProgress, quotaMet } from './chaos/quota-progress';
import { readStoreEvidence } from './chaos/read-store-evidence';
import { RecordingStore } from './chaos/recording-store';
import { monoToSharedOffsetMs } from './chaos/shared-clock';
import { MemoryStopSignal } from './chaos/stop-signal';

const SCRIPT = 'chaos:etcd';
const KILLS = {
  what: 'etcd members',
  killsDefault: MEMBER_KILLS_DEFAULT,
  killsMax: MEMBER_KILLS_MAX,
};
const MEMBERS = 3;
/** Reachability check before the run. */
const PROBE_TIMEOUT_MS = 2_000;
const clock = systemClock();

function openStore(prefix: string, timeoutMs: number): EtcdStore {
  const opened = openEtcdStore({ endpoints: ENDPOINTS, prefix, timeoutMs });
  if (opened.kind !== 'ok') throw new Error(`etcd store: ${opened.reason}`);
  return opened.store;
}

async function reachable(prefix: string): Promise<boolean> {
  const store = openStore(prefix, PROBE_TIMEOUT_MS);
  const read = await store.read('probe');
  await store.close();
  return read.kind === 'ok';
}

function announceMissing(): number {
  const where = `etcd is not reachable at ${ENDPOINTS.join(', ')}`;
  const start =
    'Start a local cluster with `scripts/etcd-cluster.sh start` (Debian: apt-get install -y etcd-server).';
  if (REQUIRE_ETCD) {
    console.error(`${SCRIPT}: LEASEHOLD_REQUIRE_ETCD=1 but ${where}. ${start}`);
    return EXIT_UNAVAILABLE;
  }
  const bar = '!'.repeat(100);
  console.warn(
    `${bar}\n${SCRIPT}: ${where}: the etcd chaos run is SKIPPED.\n${start}\n` +
      `Set LEASEHOLD_REQUIRE_ETCD=1 to make this a failure.\n${bar}`,
  );
  return EXIT_CLEAN;
}

const MEMBER_DOWN_MS = { min: MEMBER_DOWN_MS_MIN, max: MEMBER_DOWN_MS_MAX };

interface MemberKills {
  readonly killed: string[];
  /** Quota mode: what was left undone when the cap passed; null when the run did its work. */
  readonly shortfall: string | null;
}

/**
 * Kills one member (the cluster keeps its quorum): the first kill is always the leader, later
 * ones the leader (target 0) or member `target`. The victim is restarted after its down time and
 * the next kill waits until the cluster is healthy again.
 */
async function killMember(
  admin: Etcd3,
  index: number,
  kill: { readonly target: number; readonly downMs: number },
  when: () => string,
): Promise<string> {
  const leader = await leaderMember(admin);
  const member = index === 0 || kill.target === 0 ? leader : kill.target;
  await clusterCommand('kill-member', member);
  const what = `member ${member}${member === leader ? ' (leader)' : ''}`;
  console.log(`${SCRIPT}: SIGKILL ${what} ${when()}, down ${kill.downMs} ms`);
  await clock.sleep(kill.downMs);
  await clusterCommand('start-member', member);
  return what;
}

async function killOnTime(
  options: ChaosOptions,
  admin: Etcd3,
  startedMs: number,
): Promise<MemberKills> {
  const killed: string[] = [];
  const plan = planKills(
    options.seed,
    options.kills,
    options.durationMs,
    MEMBERS + 1,
    MEMBER_DOWN_MS,
  );
  for (const [index, kill] of plan.entries()) {
    await clock.sleep(startedMs + kill.atMs - clock.monoMs());
    const when = (): string => `at ${clock.monoMs() - startedMs} ms`;
    killed.push(await killMember(admin, index, kill, when));
  }
  return { killed, shortfall: null };
}

/** Quota mode: kill i once the store holds its seeded number of grants, then wait for the quota. */
async function killOnProgress(
  options: ChaosOptions,
  grantsQuota: number,
  admin: Etcd3,
  progress: QuotaProgress,
  startedMs: number,
): Promise<MemberKills> {
  const killed: string[] = [];
  const capMonoMs = startedMs + options.durationMs;
  const plan = planKillsByGrants(
    options.seed,
    options.kills,
    grantsQuota,
    MEMBERS + 1,
    MEMBER_DOWN_MS,
  );
  const shortfall = (): string =>
    `the cap of ${options.durationMs} ms passed before the quota was met: ` +
    describeProgress(progress.last, grantsQuota, killed.length, options.kills);
  for (const [index, kill] of plan.entries()) {
    const seen = await progress.waitFor((p) => p.grants >= kill.atGrants, capMonoMs);
    if (seen === null) return { killed, shortfall: shortfall() };
    const when = (): string => `at ${seen.grants} grants (${clock.monoMs() - startedMs} ms)`;
    killed.push(await killMember(admin, index, kill, when));
  }
  const done = await progress.waitFor((p) => quotaMet(p, grantsQuota), capMonoMs);
  if (done === null) return { killed, shortfall: shortfall() };
  console.log(
    `${SCRIPT}: quota met at ${clock.monoMs() - startedMs} ms: ` +
      `${describeProgress(done, grantsQuota, killed.length, options.kills)}; stopping the clients`,
  );
  return { killed, shortfall: null };
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
  const prefix = `leasehold-chaos/${options.seed}-${randomUUID()}/`;
  if (!(await reachable(prefix))) return announceMissing();
  const killable = membersKillable();
  const kills = killable ? options.kills : 0;
  console.log(
    `${SCRIPT}: seed ${options.seed}, ${options.processes} clients, ${options.resources} resources, ` +
      `${describeRunLength(options)}, ${kills} member kills; keys under ${prefix} at ${ENDPOINTS.join(',')}`,
  );
  if (!killable)
    console.warn(
      `${SCRIPT}: LEASEHOLD_ETCD_ENDPOINTS is set: members are not ours to kill; no kills`,
    );
  const admin = new Etcd3({ hosts: ENDPOINTS });
  let code: number = EXIT_INTERNAL;
  try {
    code = await chaosRun({ ...options, kills }, prefix, admin);
    return code;
  } finally {
    // Kept after a violation or a missed quota, for a look at what the run wrote.
    if (code === EXIT_CLEAN && !options.keep) await admin.delete().prefix(prefix);
    admin.close();
  }
}

/** Starts one in-process client per node; each ends once the deadline passes or `stop` is raised. */
function startClients(
  options: ChaosOptions,
  prefix: string,
  shared: Pick<ChaosNodeOptions, 'resources' | 'fenced' | 'journal' | 'monoToSharedMs'>,
  stop: MemoryStopSignal,
  deadlineMonoMs: number,
  stores: EtcdStore[],
): Promise<void>[] {
  return Array.from({ length: options.processes }, (_, index) => {
    const node = `c${index}`;
    const inner = openStore(`${prefix}store/`, STORE_TIMEOUT_MS);
    stores.push(inner);
    const store = new RecordingStore(inner, node, shared.journal, clock);
    const client = new LeaseClient({
      store,
      clock,
      config: CHAOS_CONFIG,
      holder: node,
      ids: counterIds(node),
    });
    const prng = new Prng(options.seed, nodeStream(node));
    return runChaosNode({ ...shared, node, client, store, clock, prng, deadlineMonoMs, stop });
  });
}

async function chaosRun(options: ChaosOptions, prefix: string, admin: Etcd3): Promise<number> {
  const resources = chaosResources(options.resources);
  const journal = new MemoryJournal();
  const fenced = new EtcdFencedResource(admin, `${prefix}fenced/`, STORE_TIMEOUT_MS);
  const monoToSharedMs = monoToSharedOffsetMs();
  // The driver's own store handle: the quota's progress and, afterwards, the evidence.
  const reader = openStore(`${prefix}store/`, STORE_TIMEOUT_MS);
  const stores: EtcdStore[] = [reader];
  const progress = new QuotaProgress(reader, resources, () => fenced.countAccepted(), clock);
  const stop = new MemoryStopSignal();
  const startedMs = clock.monoMs();
  // Duration mode: the end of the work. Quota mode: the cap.
  const endMonoMs = startedMs + options.durationMs;
  const shared = { resources, fenced, journal, monoToSharedMs };
  const clients = startClients(options, prefix, shared, stop, endMonoMs, stores);
  const grants = options.grants;
  const killing =
    grants === null
      ? killOnTime(options, admin, startedMs)
      : killOnProgress(options, grants, admin, progress, startedMs).finally(() => stop.raise());
  const [{ killed, shortfall }] = await Promise.all([killing, ...clients]);
  if (shortfall !== null) console.error(`${SCRIPT}: ${shortfall}; the clients have stopped`);
  const probeStore = new RecordingStore(reader, 'probes', journal, clock);
  const probes = await runProbes(
    probeStore,
    clock,
    CHAOS_CONFIG,
    resources,
    journal,
    monoToSharedMs,
  );
  const store = await readStoreEvidence(reader, resources);
  if (store.kind !== 'ok') throw new Error(`reading the store back: ${store.reason}`);
  const fencedLog = await fenced.readLog();
  await Promise.all(stores.map((s) => s.close()));
  const check = checkChaosRun(
    { resources, ...store, journal: journal.entries, fencedLog, probes },
    CHAOS_CONFIG,
  );
  const leaderKills = killed.filter((k) => k.includes('leader')).length;
  const figures = { clients: options.processes, memberKills: killed.length, leaderKills };
  console.log(formatChaosReport(SCRIPT, options, figures, check, shortfall));
  if (check.violations.length > 0) {
    console.log(`${SCRIPT}: keys kept under ${prefix}`);
    return EXIT_VIOLATION;
  }
  if (shortfall !== null) {
    console.log(`${SCRIPT}: keys kept under ${prefix}`);
    return EXIT_INTERNAL;
  }
  return EXIT_CLEAN;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${SCRIPT}: internal error:`, error);
    process.exit(EXIT_INTERNAL);
  },
);
