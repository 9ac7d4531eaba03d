import { counterIds, LeaseClient } from '@leasehold/client';
import type { Clock, LeaseConfig } from '@leasehold/core';
import type { LeaseStore } from '@leasehold/store';
import { CHAOS_SETTINGS } from './chaos-config';
import type { ProbeResult } from './chaos-evidence';
import type { Journal } from './journal';
import { PROBE_SLACK_MS } from './limits';
import { sharedNowMs } from './shared-clock';

/**
 * I-4's liveness half, after the chaos: nodes have stopped (killed ones left their leases held),
 * so a fresh node must get every resource within the longest TTL plus grace, skew and slack.
 */
export async function runProbes(
  store: LeaseStore,
  clock: Clock,
  config: LeaseConfig,
  resources: readonly string[],
  journal: Journal,
  monoToSharedMs: number,
): Promise<ProbeResult[]> {
  // Killed nodes may leave a lease of the longest TTL: it must be claimable by then, plus slack.
  const ttlMsMax = Math.max(...CHAOS_SETTINGS.ttlMs);
  const boundMs = ttlMsMax + config.graceMs + config.maxClockSkewMs + PROBE_SLACK_MS;
  return Promise.all(
    resources.map(async (resource, index) => {
      const node = `probe${index}`;
      const client = new LeaseClient({ store, clock, config, holder: node, ids: counterIds(node) });
      const startedMs = clock.monoMs();
      const got = await client.acquire(resource, {
        ttlMs: CHAOS_SETTINGS.ttlMs[0]!,
        waitMs: boundMs,
      });
      const waitedMs = clock.monoMs() - startedMs;
      const token = got.kind === 'granted' ? got.lease.token : null;
      journal.append({ e: 'outcome', node, op: 'probe', resource, result: got.kind, token });
      if (got.kind === 'granted') {
        const { lease } = got;
        journal.append({
          e: 'believe',
          node,
          resource,
          token: lease.token,
          fromSharedMs: sharedNowMs(),
          untilSharedMs: lease.validUntilMonoMs + monoToSharedMs,
        });
        journal.append({
          e: 'stop',
          node,
          resource,
          token: lease.token,
          atSharedMs: sharedNowMs(),
        });
        await client.release(lease);
      }
      return { resource, result: got.kind, waitedMs, boundMs };
    }),
  );
}
