import { resolveConfig, type LeaseConfig } from '@leasehold/core';

/**
 * The lease configuration every simulated node uses: short TTLs so expiry, takeover and renewal
 * happen many times per run; a skew bound and a drift bound the in-bound clock faults respect.
 */
export const SIM_CONFIG: LeaseConfig = (() => {
  const resolved = resolveConfig({
    ttlMsDefault: 1_000,
    ttlMsMin: 100,
    ttlMsMax: 10_000,
    graceMs: 100,
    maxClockSkewMs: 100,
    safetyMarginMs: 50,
    clockDriftPpmMax: 10_000,
  });
  if (resolved.kind !== 'ok') throw new Error(`simulator configuration: ${resolved.reason}`);
  return resolved.config;
})();

/** The workload's shape (C-2): every duration it draws is bounded here. */
export const SIM_WORKLOAD = {
  ttlMsChoices: [500, 1_000, 2_000],
  thinkMsMax: 150,
  acquireWaitMsMax: 2_500,
  writesMax: 6,
  workMsMax: 300,
  /** Percent of leases a node abandons (stops using without releasing), to exercise expiry. */
  abandonPercent: 15,
  pauseMsMax: 1_500,
  suspendMsMax: 3_000,
} as const;

/** The workload knobs a run may narrow (shrinking does, to cut a failing run's trace). */
export interface WorkloadKnobs {
  /** Fenced writes per lease, at most. */
  readonly writesMax?: number;
  /** Think time between leases, at most (ms). */
  readonly thinkMsMax?: number;
}

const KNOB_LIMITS: Readonly<Record<keyof WorkloadKnobs, readonly [number, number]>> = {
  writesMax: [1, SIM_WORKLOAD.writesMax],
  thinkMsMax: [0, SIM_WORKLOAD.thinkMsMax],
};

export function formatWorkload(knobs: WorkloadKnobs): string {
  const parts = (Object.keys(KNOB_LIMITS) as (keyof WorkloadKnobs)[])
    .filter((k) => knobs[k] !== undefined)
    .map((k) => `${k}=${knobs[k]}`);
  return parts.length === 0 ? 'default' : parts.join(' ');
}

export type WorkloadResult =
  | { readonly kind: 'ok'; readonly knobs: WorkloadKnobs }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Reads `writesMax=2 thinkMsMax=0` (or `default`) back, checking each knob's range. */
export function parseWorkload(text: string): WorkloadResult {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'default') return { kind: 'ok', knobs: {} };
  const knobs: { -readonly [K in keyof WorkloadKnobs]: number } = {};
  for (const part of trimmed.split(/[\s,]+/)) {
    const match = /^(\w+)=(\d+)$/.exec(part);
    const name = match?.[1] as keyof WorkloadKnobs | undefined;
    const range = name === undefined ? undefined : KNOB_LIMITS[name];
    const value = Number(match?.[2]);
    if (range === undefined || name === undefined) {
      return {
        kind: 'invalid',
        reason: `workload knob must be one of ${Object.keys(KNOB_LIMITS).join(', ')} as name=value (got ${JSON.stringify(part)})`,
      };
    }
    if (value < range[0] || value > range[1]) {
      return { kind: 'invalid', reason: `${name} must be ${range[0]}..${range[1]} (got ${value})` };
    }
    knobs[name] = value;
  }
  return { kind: 'ok', knobs };
}
