import { Prng } from '@leasehold/sim';
import { KILL_WINDOW_PERCENT_END, KILL_WINDOW_PERCENT_START } from './limits';

/** One kill of the schedule: when (ms after the start), whom (an index the driver interprets). */
export interface PlannedKill {
  readonly atMs: number;
  readonly target: number;
  /** How long the victim stays down before it is restarted. */
  readonly downMs: number;
}

/** One kill of a quota run's schedule: once the store holds `atGrants` grants. */
export interface PlannedGrantKill {
  readonly atGrants: number;
  readonly target: number;
  readonly downMs: number;
}

interface DownMs {
  readonly min: number;
  readonly max: number;
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
  downMs: DownMs,
): PlannedKill[] {
  return planPoints(seed, count, durationMs, 0, targets, downMs).map((kill) => ({
    atMs: kill.at,
    target: kill.target,
    downMs: kill.downMs,
  }));
}

/**
 * The kill schedule of a quota run: the same draws as `planKills`, with points on the store's
 * grant count instead of the clock, so a slow machine kills after the same work as a fast one.
 * Never before the first grant, so some node is up and working when the first kill lands.
 */
export function planKillsByGrants(
  seed: string,
  count: number,
  grantsQuota: number,
  targets: number,
  downMs: DownMs,
): PlannedGrantKill[] {
  return planPoints(seed, count, grantsQuota, 1, targets, downMs).map((kill) => ({
    atGrants: kill.at,
    target: kill.target,
    downMs: kill.downMs,
  }));
}

function planPoints(
  seed: string,
  count: number,
  span: number,
  atMin: number,
  targets: number,
  downMs: DownMs,
): Array<{ at: number; target: number; downMs: number }> {
  const prng = new Prng(seed, 'chaos:kills');
  const from = Math.max(atMin, Math.floor((span * KILL_WINDOW_PERCENT_START) / 100));
  const to = Math.max(from, Math.floor((span * KILL_WINDOW_PERCENT_END) / 100));
  const kills: Array<{ at: number; target: number; downMs: number }> = [];
  for (let i = 0; i < count; i++) {
    kills.push({
      at: prng.between(from, to),
      target: prng.int(targets),
      downMs: prng.between(downMs.min, downMs.max),
    });
  }
  return kills.sort((a, b) => a.at - b.at);
}
