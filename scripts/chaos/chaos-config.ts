import { FIXED_SETTINGS, leaseConfigOf, RESOURCE_NAMES } from '@leasehold/sim';
import { RESOURCES_MAX } from './limits';

/**
 * The settings of chaos nodes: the simulator's fixed ones (short TTLs, 100 ms grace and skew
 * bound, 50 ms safety margin), so the real stores see a workload the simulator checks.
 */
export const CHAOS_SETTINGS = FIXED_SETTINGS;
export const CHAOS_CONFIG = leaseConfigOf(CHAOS_SETTINGS);

/** The simulator's resource names (quotes, slashes, emoji), the first `count` of them. */
export function chaosResources(count: number): string[] {
  if (RESOURCE_NAMES.length < RESOURCES_MAX) {
    throw new Error(
      `the simulator names ${RESOURCE_NAMES.length} resources, fewer than RESOURCES_MAX`,
    );
  }
  return RESOURCE_NAMES.slice(0, count);
}

/** The workload stream of one node: its draws never shift another node's or the kill schedule. */
export function nodeStream(node: string): string {
  return `chaos:node:${node}`;
}
