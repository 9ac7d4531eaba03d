import type { LeaseConfig } from '@leasehold/core';
import { DOCUMENTED_CONFIG } from './documented-config.js';
import {
  DOCUMENTED_DRIFT_PPM_MAX,
  DOCUMENTED_TTL_MS_MAX,
  DOCUMENTED_TTL_MS_MIN,
} from './limits.js';

/** A setting of an offered configuration that breaks a documented rule, and the limit it breaks. */
export interface ConfigProblem {
  readonly field: string;
  /** The bound a reason must name; null where there is no number to name. */
  readonly limit: number | null;
}

/**
 * The rules of a lease configuration (spec/README.md, "Why belief is safe"; README, "The lease model in one screen"), stated here on
 * their own rather than taken from `@leasehold/core`'s `resolveConfig`, so a bug in the core's
 * checks does not move this statement along with it. An offer is the overrides a user passes:
 * a plain object of known settings, merged over the defaults; every TTL is a whole number of ms
 * in [DOCUMENTED_TTL_MS_MIN, DOCUMENTED_TTL_MS_MAX] with min <= default <= max; grace and skew in
 * [0, DOCUMENTED_TTL_MS_MAX]; the margin below the minimum TTL; the drift bound a whole number of ppm
 * in [0, DOCUMENTED_DRIFT_PPM_MAX]; renewals null or a whole number >= 0; and the margin the
 * drift asks for over the minimum TTL still shorter than it. All problems are listed; an answer
 * may name any one.
 */
export function configProblems(offer: unknown): readonly ConfigProblem[] {
  if (typeof offer !== 'object' || offer === null || Array.isArray(offer))
    return [{ field: 'config', limit: null }];
  const found: ConfigProblem[] = [];
  for (const key of Object.keys(offer)) {
    if (!Object.hasOwn(DOCUMENTED_CONFIG, key)) found.push({ field: `config.${key}`, limit: null });
  }
  const c = { ...DOCUMENTED_CONFIG, ...offer } as Record<keyof LeaseConfig, unknown>;
  const range = (field: keyof LeaseConfig, lo: unknown, hi: unknown) => {
    const problem = outside(c[field], lo, hi);
    if (problem !== undefined) found.push({ field: `config.${field}`, limit: problem });
  };
  range('ttlMsMin', DOCUMENTED_TTL_MS_MIN, DOCUMENTED_TTL_MS_MAX);
  range('ttlMsMax', c.ttlMsMin, DOCUMENTED_TTL_MS_MAX);
  range('ttlMsDefault', c.ttlMsMin, c.ttlMsMax);
  range('graceMs', 0, DOCUMENTED_TTL_MS_MAX);
  range('maxClockSkewMs', 0, DOCUMENTED_TTL_MS_MAX);
  range('safetyMarginMs', 0, typeof c.ttlMsMin === 'number' ? c.ttlMsMin - 1 : null);
  range('clockDriftPpmMax', 0, DOCUMENTED_DRIFT_PPM_MAX);
  if (c.maxRenewals !== null) range('maxRenewals', 0, Number.MAX_SAFE_INTEGER);
  if (found.length === 0) {
    const ttlMsMin = c.ttlMsMin as number;
    const driftMs = Math.ceil((2 * ttlMsMin * (c.clockDriftPpmMax as number)) / 1_000_000);
    if (Math.max(c.safetyMarginMs as number, driftMs) >= ttlMsMin)
      found.push({ field: 'config.ttlMsMin', limit: null });
  }
  return found;
}

/**
 * Undefined when `value` is a whole number within [lo, hi] (bounds that are not numbers, because
 * the setting they come from is itself broken, do not bind); otherwise the bound it breaks, or
 * null when it is not a whole number at all.
 */
function outside(value: unknown, lo: unknown, hi: unknown): number | null | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return null;
  if (typeof lo === 'number' && value < lo) return lo;
  if (typeof hi === 'number' && value > hi) return hi;
  return undefined;
}

/**
 * Why `resolveConfig`'s answer to `offer` breaks the rules, or null: a valid offer resolves to
 * exactly the defaults overridden by the offer; an invalid one is refused naming one of its
 * broken settings, with that setting's limit in the reason.
 */
export function configAnswerProblem(
  offer: unknown,
  answer:
    | { readonly kind: 'ok'; readonly config: LeaseConfig }
    | { readonly kind: 'invalid'; readonly field: string; readonly reason: string },
): string | null {
  const problems = configProblems(offer);
  const shown = describeOffer(offer);
  if (problems.length === 0) {
    if (answer.kind !== 'ok')
      return `the valid configuration ${shown} was refused: ${answer.reason}`;
    const want = { ...DOCUMENTED_CONFIG, ...(offer as object) };
    for (const key of Object.keys(want) as (keyof LeaseConfig)[]) {
      if (!Object.is(answer.config[key], want[key]))
        return `${shown} resolved ${key} to ${String(answer.config[key])}, not ${String(want[key])}`;
    }
    if (Object.keys(answer.config).length !== Object.keys(want).length)
      return `${shown} resolved to settings ${Object.keys(answer.config).join(', ')}`;
    return null;
  }
  const which = problems.map((p) => p.field).join(', ');
  if (answer.kind !== 'invalid') return `${shown} was accepted, but ${which} breaks a rule`;
  const problem = problems.find((p) => p.field === answer.field);
  if (problem === undefined)
    return `${shown} was refused naming ${answer.field}, but what breaks a rule is ${which}`;
  if (!answer.reason.includes(problem.field))
    return `the reason "${answer.reason}" does not name the setting ${problem.field}`;
  if (problem.limit !== null && !answer.reason.includes(String(problem.limit)))
    return `the reason "${answer.reason}" does not name the limit ${problem.limit} of ${problem.field}`;
  return null;
}

function describeOffer(offer: unknown): string {
  if (typeof offer !== 'object' || offer === null) return JSON.stringify(offer) ?? String(offer);
  return JSON.stringify(offer, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
}
