import type { ModelConfig } from './model-config.js';
import type { ModelRecord } from './state.js';

/**
 * The wall time from which a claimant takes a held lease over, as the (possibly buggy) client
 * decides it. The spec's rule is `expiresAt + Grace + MaxClockSkew` (spec/README.md, "Claimability and renewal").
 */
export function claimFrom(expiresAt: number, config: ModelConfig): number {
  switch (config.bug) {
    case 'claimWithoutSkewMargin':
      return expiresAt + config.graceTicks;
    case 'claimWaitsDoubleSkew':
      return expiresAt + config.graceTicks + 2 * config.skewTicksMax;
    default:
      return expiresAt + config.graceTicks + config.skewTicksMax;
  }
}

/** The spec's claimability, which the invariants use whatever the bug (never `claimFrom`). */
export function claimableBySpec(rec: ModelRecord, wall: number, config: ModelConfig): boolean {
  if (rec.status !== 'held') return true;
  return wall >= rec.expiresAt + config.graceTicks + config.skewTicksMax;
}
