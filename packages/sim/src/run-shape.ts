import type { Cut } from './cuts.js';
import type { Swarm } from './faults.js';
import type { SimSettings } from './settings.js';

/** Everything that determines a run besides the scenario and the implementation. */
export interface RunShape {
  /** The seed of the streams a shape does not pin: scheduler, workload, clocks, fault firing. */
  readonly seed: string;
  readonly nodes: number;
  readonly resources: number;
  readonly steps: number;
  readonly swarm: Swarm;
  /** Pinned in full, so a neighbouring seed keeps the settings the failure needed. */
  readonly settings: SimSettings;
  /** The operations and fault events the run leaves out. */
  readonly cut: Cut;
}
