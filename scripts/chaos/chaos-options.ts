import { parseSeed } from '@leasehold/sim';
import {
  DURATION_MS_DEFAULT,
  DURATION_MS_MAX,
  DURATION_MS_MIN,
  PROCESSES_DEFAULT,
  PROCESSES_MAX,
  RESOURCES_DEFAULT,
  RESOURCES_MAX,
} from './limits';

export interface ChaosOptions {
  readonly seed: string;
  readonly durationMs: number;
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
    `usage: ${command} [--seed S] [--duration-ms N] [--processes N] [--resources N] [--kills N] [--keep]`,
    `  --seed S          decimal or hex; chooses every workload draw and the kill schedule (default ${SEED_DEFAULT})`,
    `  --duration-ms N   how long nodes take new leases, ${DURATION_MS_MIN}..${DURATION_MS_MAX} (default ${DURATION_MS_DEFAULT})`,
    `  --processes N     nodes, 1..${PROCESSES_MAX} (default ${PROCESSES_DEFAULT})`,
    `  --resources N     contended resources, 1..${RESOURCES_MAX} (default ${RESOURCES_DEFAULT})`,
    `  --kills N         ${kills.what} SIGKILLed and restarted, 0..${kills.killsMax} (default ${kills.killsDefault})`,
    `  --keep            keep what the run wrote even when it is clean`,
    'exit: 0 clean, 1 invariant violation, 64 bad usage, 69 etcd required but unreachable, 70 internal error',
  ].join('\n');
}

export function parseChaosOptions(argv: readonly string[], kills: KillLimits): ChaosOptionsResult {
  let seed = SEED_DEFAULT;
  let durationMs = DURATION_MS_DEFAULT;
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
  return {
    kind: 'ok',
    options: { seed, durationMs, processes, resources, kills: killCount, keep },
  };
}

/** The one-line command that runs the same seed, workload draws and kill schedule again. */
export function reproduceCommand(script: string, options: ChaosOptions): string {
  return (
    `npm run ${script} -- --seed ${options.seed} --duration-ms ${options.durationMs} ` +
    `--processes ${options.processes} --resources ${options.resources} --kills ${options.kills}`
  );
}
