import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { openEtcdStore, type EtcdStore, type EtcdStoreOptions } from '../src/index';

const SCRIPT = fileURLToPath(new URL('../../../scripts/etcd-cluster.sh', import.meta.url));
const PORT_BASE = Number(process.env.LEASEHOLD_ETCD_PORT_BASE ?? 23790);

/** The cluster the tests use: LEASEHOLD_ETCD_ENDPOINTS, or the one scripts/etcd-cluster.sh starts. */
export const ENDPOINTS = (
  process.env.LEASEHOLD_ETCD_ENDPOINTS ??
  [1, 2, 3].map((n) => `http://127.0.0.1:${PORT_BASE + n}`).join(',')
).split(',');

export const REQUIRE_ETCD = process.env.LEASEHOLD_REQUIRE_ETCD === '1';

/** Every key the tests write is under this run's prefix, deleted at the end. */
export const RUN_PREFIX = `leasehold-test/${randomUUID()}/`;

/** True when a linearizable read on the cluster answers within two seconds. */
export async function etcdReachable(): Promise<boolean> {
  const opened = openEtcdStore({ endpoints: ENDPOINTS, prefix: RUN_PREFIX, timeoutMs: 2_000 });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  const read = await opened.store.read('probe');
  await opened.store.close();
  return read.kind === 'ok';
}

/** Skips loudly, or fails when LEASEHOLD_REQUIRE_ETCD=1 (as in CI). */
export function announceMissingEtcd(): void {
  const where = `etcd is not reachable at ${ENDPOINTS.join(', ')}`;
  const start =
    'Start a local cluster with `scripts/etcd-cluster.sh start` (Debian: apt-get install -y etcd-server).';
  if (REQUIRE_ETCD) throw new Error(`LEASEHOLD_REQUIRE_ETCD=1 but ${where}. ${start}`);
  const bar = '!'.repeat(100);
  console.warn(
    `\n${bar}\n${where}: the etcd store tests are SKIPPED.\n${start}\n` +
      `Set LEASEHOLD_REQUIRE_ETCD=1 to make this a failure (CI does).\n${bar}\n`,
  );
}

let stores = 0;

export function openTestStore(options: Partial<EtcdStoreOptions> = {}): EtcdStore {
  const opened = openEtcdStore({
    endpoints: ENDPOINTS,
    prefix: `${RUN_PREFIX}${++stores}/`,
    ...options,
  });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  return opened.store;
}

/** Deletes every key this test run wrote. */
export async function deleteRunKeys(): Promise<void> {
  const client = new Etcd3({ hosts: ENDPOINTS });
  try {
    await client.delete().prefix(RUN_PREFIX);
  } finally {
    client.close();
  }
}

/** The client URL of the current leader, from the member list and any member's status. */
export async function leaderClientUrl(): Promise<string> {
  const client = new Etcd3({ hosts: ENDPOINTS });
  try {
    const status = await client.maintenance.status();
    const members = await client.cluster.memberList({ linearizable: true });
    const leader = members.members.find((m) => m.ID === status.leader);
    if (leader === undefined) throw new Error(`leader ${status.leader} is not a member`);
    return leader.clientURLs[0]!;
  } finally {
    client.close();
  }
}

/** The member number (1..3) of the current leader of the cluster of scripts/etcd-cluster.sh. */
export async function leaderMember(): Promise<number> {
  return Number(new URL(await leaderClientUrl()).port) - PORT_BASE;
}

/** Runs scripts/etcd-cluster.sh (kill-member N, start-member N). */
export function cluster(...args: string[]): void {
  execFileSync('bash', [SCRIPT, ...args], { stdio: 'inherit' });
}

export function clusterManagedByScript(): boolean {
  return process.env.LEASEHOLD_ETCD_ENDPOINTS === undefined;
}
