import { LeaseApi, type Transport } from '@leasehold/api';
import type { SimNode } from './node-process.js';
import type { World } from './world.js';

/** The renewal limits an operator switches between at runtime (null: unlimited). */
export const MAX_RENEWALS_CHOICES: readonly (number | null)[] = [null, 0, 1, 2, 4];

/**
 * An operator changes the service's settings at runtime, through the admin route of one replica
 * (PUT /v1/admin/config), as `leasehold serve`'s users do: the replica checks the patch, keeps it
 * in the store and uses it from then on; the other replicas go on with what they loaded until
 * they restart and read it back. Only the renewal limit changes: the time rules (grace, skew
 * bound, TTLs) are what the checker judges every write by, and changing them under running leases
 * is an operator's decision the rules do not cover.
 */
export async function changeConfigTurn(
  world: World,
  node: SimNode,
  transport: Transport,
): Promise<void> {
  const api = new LeaseApi(transport);
  const maxRenewals = node.compose.pick(MAX_RENEWALS_CHOICES);
  const answer = await api.call(
    'putConfig',
    { body: { max_renewals: maxRenewals } },
    world.httpTimeoutMs,
  );
  if (answer.kind === 'reply' && answer.status === 200) world.mark('configChangedAtRuntime');
}
