import { invalid, type Invalid } from '@leasehold/core';
import { compareResources } from '@leasehold/store';
import {
  claimLease,
  releaseLease,
  type AgentHost,
  type ClaimOptions,
  type ClaimOutcome,
  type ReleaseLeaseOutcome,
} from './agent-decisions.js';
import { ACQUIRE_ALL_RESOURCES_MAX } from './limits.js';

/** A claim that went through: newly claimed, or already this agent's. */
export type Taken = Extract<ClaimOutcome, { readonly kind: 'claimed' | 'alreadyHeld' }>;

export type ClaimAllOutcome =
  /** Every resource is this agent's, in `compareResources` order. */
  | {
      readonly kind: 'claimedAll';
      readonly taken: readonly { readonly resource: string; readonly outcome: Taken }[];
    }
  /**
   * `resource` was refused (`outcome`); what this call had claimed before it was released again,
   * newest first (`givenBack`, with each answer). A lease the agent held before the call stays.
   */
  | {
      readonly kind: 'refused';
      readonly resource: string;
      readonly outcome: Exclude<ClaimOutcome, Taken>;
      readonly givenBack: readonly {
        readonly resource: string;
        readonly outcome: ReleaseLeaseOutcome;
      }[];
    }
  | Invalid;

/** As `ClaimOptions`, without `force`: a takeover is one resource's admin action. */
export type ClaimAllOptions = Omit<ClaimOptions, 'force'>;

/**
 * An agent claims every resource or none (`leasehold claim a b c`, the MCP claim tool), as
 * `acquireAll` does for a client: deduplicated and claimed in one canonical order
 * (`compareResources`), so two agents wanting overlapping sets never each hold what the other
 * waits for; `waitMs` bounds the whole call, on the agent's wall clock. On the first refusal
 * what this call claimed is released again, newest first, and the refusal returned.
 */
export async function claimLeases(
  host: AgentHost,
  resources: readonly string[],
  options: ClaimAllOptions = {},
): Promise<ClaimAllOutcome> {
  const sorted = [...new Set(resources)].sort(compareResources);
  if (sorted.length === 0) return invalid('resources', 'name at least one resource');
  if (sorted.length > ACQUIRE_ALL_RESOURCES_MAX) {
    return invalid(
      'resources',
      `may name at most ${ACQUIRE_ALL_RESOURCES_MAX} distinct resources (ACQUIRE_ALL_RESOURCES_MAX), got ${sorted.length}`,
    );
  }
  const deadlineMs = host.wallMs() + (options.waitMs ?? 0);
  const taken: { resource: string; outcome: Taken }[] = [];
  for (const resource of sorted) {
    const waitMs =
      options.waitMs === undefined ? undefined : Math.max(0, deadlineMs - host.wallMs());
    const outcome = await claimLease(host, resource, {
      ...options,
      ...(waitMs === undefined ? {} : { waitMs }),
    });
    if (outcome.kind === 'claimed' || outcome.kind === 'alreadyHeld') {
      taken.push({ resource, outcome });
      continue;
    }
    const givenBack: { resource: string; outcome: ReleaseLeaseOutcome }[] = [];
    for (const { resource: back } of taken.filter((t) => t.outcome.kind === 'claimed').reverse())
      givenBack.push({ resource: back, outcome: await releaseLease(host, back) });
    return { kind: 'refused', resource, outcome, givenBack };
  }
  return { kind: 'claimedAll', taken };
}
