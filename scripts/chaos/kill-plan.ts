import { Prng } from '@leasehold/sim';
import { KILL_WINDOW_PERCENT_END, KILL_WINDOW_PERCENT_START } from './limits';

/** One kill of the schedule: when (ms after the start), whom (an index the driver interprets). */
export interface PlannedKill {
  readonly atMs: number;
  readonly target: number;
  /** How long the victim stays down before it is restarted. */
  readonly downMs: number;
}

/**
 * The kill schedule of a run, from its own named stream of the seed (so the workload's draws do
 * not shift it): `count` kills at times spread over the middle of the run, in time order.
 */
export function planKills(
  seed: string,
  count: number,
  durationMs: number,
  targets: number,
  downMs: { readonly min: number; readonly max: number },
): PlannedKill[] {
  const prng = new Prng(seed, 'chaos:kills');
  const fromMs = Math.floor((durationMs * KILL_WINDOW_PERCENT_START) / 100);
  const toMs = Math.floor((durationMs * KILL_WINDOW_PERCENT_END) / 100);
  const kills: PlannedKill[] = [];
  for (let i = 0; i < count; i++) {
    kills.push({
      atMs: prng.between(fromMs, toMs),
      target: prng.int(targets),
      downMs: prng.between(downMs.min, downMs.max),
    });
  }
  return kills.sort((a, b) => a.atMs - b.atMs);
}
