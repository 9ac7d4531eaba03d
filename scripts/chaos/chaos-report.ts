import type { ChaosOptions } from './chaos-options';
import { reproduceCommand } from './chaos-options';
import type { ChaosCheck } from './check-chaos-run';
import { VIOLATIONS_SHOWN_MAX } from './limits';

export const EXIT_CLEAN = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 64;
/** etcd was required (LEASEHOLD_REQUIRE_ETCD=1) but not reachable. */
export const EXIT_UNAVAILABLE = 69;
export const EXIT_INTERNAL = 70;

/**
 * The report of one chaos run: what ran, each invariant and how completely a real-time run can
 * check it, every violation (up to a limit) with the seed, and the reproduce command. A quota run
 * stopped by its cap (`shortfall`) is never called clean: its checks covered less work than asked.
 */
export function formatChaosReport(
  script: string,
  options: ChaosOptions,
  runFigures: Readonly<Record<string, number | string>>,
  check: ChaosCheck,
  shortfall: string | null = null,
): string {
  const out: string[] = [];
  const figures = { ...runFigures, ...check.figures };
  out.push(
    `${script}: seed ${options.seed}; ` +
      Object.entries(figures)
        .map(([key, value]) => `${key} ${value}`)
        .join(', '),
  );
  const failed = new Set(check.violations.map((v) => v.invariant));
  for (const line of check.lines) {
    const status = failed.has(line.id as never) ? 'VIOLATED' : 'ok';
    out.push(
      `  ${line.id} ${line.name.padEnd(25)} ${status.padEnd(8)} ${line.coverage}: ${line.detail}`,
    );
  }
  if (check.violations.length === 0 && shortfall !== null) {
    out.push(`${script}: no violation, but NOT DONE (seed ${options.seed}): ${shortfall}`);
  } else if (check.violations.length === 0) {
    out.push(`${script}: clean (seed ${options.seed})`);
  } else {
    out.push(`${script}: ${check.violations.length} violation(s), seed ${options.seed}:`);
    for (const v of check.violations.slice(0, VIOLATIONS_SHOWN_MAX)) {
      out.push(`  ${v.invariant} ${v.name}: ${v.message}`);
    }
    if (check.violations.length > VIOLATIONS_SHOWN_MAX) {
      out.push(`  ... and ${check.violations.length - VIOLATIONS_SHOWN_MAX} more`);
    }
  }
  out.push(`reproduce: ${reproduceCommand(script, options)}`);
  out.push(
    '  (the same seed draws the same workload and kill schedule; real time and the OS decide the interleaving)',
  );
  return out.join('\n');
}
