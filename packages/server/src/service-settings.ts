import {
  DEFAULT_CONFIG,
  invalid,
  resolveConfig,
  type Invalid,
  type LeaseConfig,
} from '@leasehold/core';
import { HISTORY_RETENTION_MS_DEFAULT, HISTORY_RETENTION_MS_MAX } from './limits.js';

/**
 * The service's runtime settings: the lease configuration its decisions run with, and how long
 * cleanup keeps history. Changed through `PUT /v1/admin/config`, kept in the store, applied to
 * the next request without a restart.
 */
export interface ServiceSettings {
  readonly lease: LeaseConfig;
  readonly historyRetentionMs: number;
}

/**
 * The service keeps no belief of its own: the safety margin and the drift allowance are each
 * holder's (its client's configuration), so the service's own are 0, and a short minimum TTL is
 * not refused for a margin the service never uses.
 */
export const DEFAULT_SETTINGS: ServiceSettings = Object.freeze({
  lease: Object.freeze({ ...DEFAULT_CONFIG, safetyMarginMs: 0, clockDriftPpmMax: 0 }),
  historyRetentionMs: HISTORY_RETENTION_MS_DEFAULT,
});

/** The settings as the HTTP API shows and takes them (snake_case, integer milliseconds). */
export interface SettingsView {
  readonly default_ttl_ms: number;
  readonly min_ttl_ms: number;
  readonly max_ttl_ms: number;
  readonly grace_ms: number;
  readonly max_clock_skew_ms: number;
  readonly max_renewals: number | null;
  readonly history_retention_ms: number;
}

const VIEW_TO_CONFIG = {
  default_ttl_ms: 'ttlMsDefault',
  min_ttl_ms: 'ttlMsMin',
  max_ttl_ms: 'ttlMsMax',
  grace_ms: 'graceMs',
  max_clock_skew_ms: 'maxClockSkewMs',
  max_renewals: 'maxRenewals',
} as const satisfies Record<Exclude<keyof SettingsView, 'history_retention_ms'>, keyof LeaseConfig>;

export function settingsView(settings: ServiceSettings): SettingsView {
  const { lease } = settings;
  return {
    default_ttl_ms: lease.ttlMsDefault,
    min_ttl_ms: lease.ttlMsMin,
    max_ttl_ms: lease.ttlMsMax,
    grace_ms: lease.graceMs,
    max_clock_skew_ms: lease.maxClockSkewMs,
    max_renewals: lease.maxRenewals,
    history_retention_ms: settings.historyRetentionMs,
  };
}

export type SettingsResult = { readonly kind: 'ok'; readonly settings: ServiceSettings } | Invalid;

/**
 * `base` with the fields of `patch` (a partial SettingsView, possibly from a user) applied. Every
 * field is checked by the core's own configuration rules; a field the API does not know is
 * refused, so a typo never silently keeps the old value.
 */
export function applySettingsPatch(base: ServiceSettings, patch: unknown): SettingsResult {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return invalid('config', 'must be an object');
  }
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base.lease)) overrides[key] = value;
  let historyRetentionMs = base.historyRetentionMs;
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'history_retention_ms') {
      const ok = Number.isSafeInteger(value) && (value as number) >= 0;
      if (!ok || (value as number) > HISTORY_RETENTION_MS_MAX) {
        return invalid(key, `must be an integer from 0 to ${HISTORY_RETENTION_MS_MAX}`);
      }
      historyRetentionMs = value as number;
      continue;
    }
    const configKey = (VIEW_TO_CONFIG as Record<string, keyof LeaseConfig>)[key];
    if (configKey === undefined) {
      const known = [...Object.keys(VIEW_TO_CONFIG), 'history_retention_ms'].join(', ');
      return invalid(key, `is not a setting (known: ${known})`);
    }
    overrides[configKey] = value;
  }
  const resolved = resolveConfig(overrides);
  if (resolved.kind === 'invalid') return renameField(resolved);
  return { kind: 'ok', settings: Object.freeze({ lease: resolved.config, historyRetentionMs }) };
}

/** A core refusal names `config.ttlMsMin`; the API user wrote `min_ttl_ms`. */
function renameField(refusal: Invalid): Invalid {
  const configKey = refusal.field.replace(/^config\./, '');
  const viewKey = Object.entries(VIEW_TO_CONFIG).find(([, key]) => key === configKey)?.[0];
  if (viewKey === undefined) return refusal;
  const reason = refusal.reason.slice(refusal.field.length).trimStart();
  return invalid(viewKey, reason);
}
