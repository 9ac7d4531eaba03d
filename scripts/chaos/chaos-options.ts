import { parseSeed } from '@leasehold/sim';
import {
  DURATION_MS_DEFAULT,
  DURATION_MS_MAX,
  DURATION_MS_MIN,
  GRANTS_QUOTA_MAX,
  GRANTS_QUOTA_MIN,
  PROCESSES_DEFAULT,
  PROCESSES_MAX,
  QUOTA_CAP_MS_DEFAULT,
  RESOURCES_DEFAULT,
  RESOURCES_MAX,
} from './limits';

export interface ChaosOptions {
  readonly seed: string;
  /** Duration mode: how long nodes take new leases. Quota mode: the cap on the whole workload. */
  readonly durationMs: number;
  /**
   * Quota mode when set: run until the store holds this many grants, the fenced resource has
   * accepted this many writes and every planned kill has happened. Null: duration mode.
   */
  readonly grants: number | null;
  readonly processes: number;
  readonly resources: number;
  /** SQLite: child processes SIGKILLed; etcd: members SIGKILLed. */
  readonly kills: number;
  /** Keep the temp dir (SQLite) or the keys (etcd) after a clean run. */
  readonly keep: boolean;
}

export type ChaosOptionsResult =
  | { readonly kind: 'ok'; readonly options: ChaosOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage'; readonly message: string };

/** The seed when none is given: fixed, so `npm run chaos:*` runs the same schedule each time. */
export const SEED_DEFAULT = '1';

export interface KillLimits {
  readonly what: string;
  readonly killsDefault: number;
  readonly killsMax: number;
}

export function usage(command: string, kills: KillLimits): string {
  return [
    `usage: ${command} [--seed S] [--grants N] [--duration-ms N] [--processes N] [--resources N] [--kills N] [--keep]`,
    `  --seed S          decimal or hex; chooses every workload draw and the kill schedule (default ${SEED_DEFAULT})`,
    `  --grants N        quota mode: run until the store holds N grants, the fenced resource has accepted`,
    `                    N writes and every kill has happened; kill i comes at a seeded grant count,`,
    `                    ${GRANTS_QUOTA_MIN}..${GRANTS_QUOTA_MAX} (default: duration mode)`,
    `  --duration-ms N   duration mode: how long nodes take new leases, kills at seeded times`,
    `                    (default ${DURATION_MS_DEFAULT}); quota mode: the cap, past which the run exits 70`,
    `                    (default ${QUOTA_CAP_MS_DEFAULT}); ${DURATION_MS_MIN}..${DURATION_MS_MAX}`,
    `  --processes N     nodes, 1..${PROCESSES_MAX} (default ${PROCESSES_DEFAULT})`,
    `  --resources N     contended resources, 1..${RESOURCES_MAX} (default ${RESOURCES_DEFAULT})`,
    `  --kills N         ${kills.what} SIGKILLed and restarted, 0..${kills.killsMax} (default ${kills.killsDefault})`,
    `  --keep            keep what the run wrote even when it is clean`,
    'exit: 0 clean, 1 invariant violation, 64 bad usage, 69 etcd required but unreachable,',
    '      70 internal error (a node failed, or the quota was not met within the cap)',
  ].join('\n');
}

export function parseChaosOptions(argv: readonly string[], kills: KillLimits): ChaosOptionsResult {
  let seed = SEED_DEFAULT;
  let durationMs: number | null = null;
  let grants: number | null = null;
  let processes = PROCESSES_DEFAULT;
  let resources = RESOURCES_DEFAULT;
  let killCount = kills.killsDefault;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--keep') {
      keep = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) return { kind: 'usage', message: `${flag} needs a value` };
    i += 1;
    const whole = (min: number, max: number): number | string =>
      /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
        ? Number(value)
        : `${flag} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`;
    let parsed: number | string;
    switch (flag) {
      case '--seed': {
        const result = parseSeed(value);
        if (result.kind !== 'ok') return { kind: 'usage', message: result.reason };
        seed = result.seed;
        continue;
      }
      case '--grants':
        parsed = whole(GRANTS_QUOTA_MIN, GRANTS_QUOTA_MAX);
        if (typeof parsed === 'number') grants = parsed;
        break;
      case '--duration-ms':
        parsed = whole(DURATION_MS_MIN, DURATION_MS_MAX);
        if (typeof parsed === 'number') durationMs = parsed;
        break;
      case '--processes':
        parsed = whole(1, PROCESSES_MAX);
        if (typeof parsed === 'number') processes = parsed;
        break;
      case '--resources':
        parsed = whole(1, RESOURCES_MAX);
        if (typeof parsed === 'number') resources = parsed;
        break;
      case '--kills':
        parsed = whole(0, kills.killsMax);
        if (typeof parsed === 'number') killCount = parsed;
        break;
      default:
        return { kind: 'usage', message: `unknown flag ${JSON.stringify(flag)}` };
    }
    if (typeof parsed === 'string') return { kind: 'usage', message: parsed };
  }
  durationMs ??= grants === null ? DURATION_MS_DEFAULT : QUOTA_CAP_MS_DEFAULT;
  return {
    kind: 'ok',
    options: { seed, durationMs, grants, processes, resources, kills: killCount, keep },
  };
}

/** How long the run goes on, for the first line of its output. */
export function describeRunLength(options: ChaosOptions): string {
  if (options.grants === null) return `${options.durationMs} ms`;
  return `until ${options.grants} grants and fenced writes (cap ${options.durationMs} ms)`;
}

/** The one-line command that runs the same seed, workload draws and kill schedule again. */
export function reproduceCommand(script: string, options: ChaosOptions): string {
  const quota = options.grants === null ? '' : `--grants ${options.grants} `;
  return (
    `npm run ${script} -- --seed ${options.seed} ${quota}--duration-ms ${options.durationMs} ` +
    `--processes ${options.processes} --resources ${options.resources} --kills ${options.kills}`
  );
}
