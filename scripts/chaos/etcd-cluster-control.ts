import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';

const CLUSTER_SCRIPT = fileURLToPath(new URL('../etcd-cluster.sh', import.meta.url));
const PORT_BASE = Number(process.env.LEASEHOLD_ETCD_PORT_BASE ?? 23790);

/** The cluster: LEASEHOLD_ETCD_ENDPOINTS, or the one scripts/etcd-cluster.sh runs (as the tests). */
export const ENDPOINTS = (
  process.env.LEASEHOLD_ETCD_ENDPOINTS ??
  [1, 2, 3].map((n) => `http://127.0.0.1:${PORT_BASE + n}`).join(',')
).split(',');

export const REQUIRE_ETCD = process.env.LEASEHOLD_REQUIRE_ETCD === '1';

/** Members can only be killed when the script manages them (not a cluster given by endpoints). */
export function membersKillable(): boolean {
  return process.env.LEASEHOLD_ETCD_ENDPOINTS === undefined;
}

/** The member number (1..3) of the current leader, through the members' own status. */
export async function leaderMember(client: Etcd3): Promise<number> {
  const status = await client.maintenance.status();
  const members = await client.cluster.memberList({ linearizable: true });
  const leader = members.members.find((m) => m.ID === status.leader);
  if (leader === undefined) throw new Error(`leader ${status.leader} is not a member`);
  return Number(new URL(leader.clientURLs[0]!).port) - PORT_BASE;
}

/**
 * scripts/etcd-cluster.sh kill-member N / start-member N, without blocking the event loop (the
 * nodes run in this process); start-member returns once the cluster is healthy again. Detached,
 * so a restarted member outlives this process and its process group, as a started cluster does.
 */
export async function clusterCommand(
  command: 'kill-member' | 'start-member',
  member: number,
): Promise<void> {
  const child = spawn('bash', [CLUSTER_SCRIPT, command, String(member)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`scripts/etcd-cluster.sh ${command} ${member} exited ${code}`);
}
