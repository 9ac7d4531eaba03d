import { Command } from 'commander';
import {
  BUGS,
  explore,
  findModelConfig,
  MODEL_CONFIGS,
  modelLimits,
  targetInvariant,
  type Counterexample,
  type StateView,
} from '@leasehold/model';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';
import { flagValues, intFlag } from './parse-flags.js';
import { monoNowMs } from './system-clock.js';

/** `dst explore`'s flags as typed. */
export interface DstExploreValues {
  readonly config?: string;
  readonly nodes?: string;
  readonly all?: boolean;
  readonly json?: boolean;
}

export function dstExploreCommand(io: CliIo, done: Done): Command {
  return new Command('explore')
    .description('check a configuration of spec/Lease.tla exhaustively (breadth-first)')
    .option(
      '--config <name>',
      `safe, or a buggy configuration: ${MODEL_CONFIGS.map((c) => c.name).join(', ')}`,
    )
    .option('--nodes <n>', `nodes (default 2, at most ${modelLimits.MODEL_NODES_MAX})`)
    .option('--all', "keep exploring after the configuration's own invariant is violated")
    .option(
      '--json',
      'one JSON object: { config, distinctStates, depth, violations: [{ invariant, trace }] }',
    )
    .addHelpText(
      'after',
      `
Exits 0 when no invariant is violated, 1 otherwise. A buggy configuration stops once its own
invariant has a counterexample; safe explores the whole bounded space.`,
    )
    .action((_options, self: Command) => done(dstExplore(flagValues<DstExploreValues>(self), io)));
}

export function dstExplore(values: DstExploreValues, io: CliIo): number {
  const names = MODEL_CONFIGS.map((c) => c.name).join(', ');
  if (values.config === undefined)
    throw new UsageError(`dst explore needs --config NAME (${names})`);
  const named = findModelConfig(values.config);
  if (named === undefined) {
    throw new UsageError(
      `--config must be one of: ${names} (got ${JSON.stringify(values.config)})`,
    );
  }
  const nodes = intFlag('nodes', values.nodes, 1, modelLimits.MODEL_NODES_MAX, named.nodes);
  const config = { ...named, nodes };
  const target = targetInvariant(config);
  const startedMs = monoNowMs();
  const result = explore(config, values.all === true || target === null ? {} : { stopAt: target });
  const seconds = (monoNowMs() - startedMs) / 1000;
  if (values.json === true) {
    io.stdout(
      `${JSON.stringify({
        config: result.config,
        distinctStates: result.distinctStates,
        depth: result.depth,
        complete: result.complete,
        seconds: Number(seconds.toFixed(3)),
        violations: result.violations.map((v) => ({
          invariant: v.invariant,
          name: v.name,
          message: v.message,
          trace: v.trace,
        })),
      })}\n`,
    );
  } else {
    const bug = BUGS.find((b) => b.bug === config.bug)!;
    io.stdout(`config ${config.name} (${config.nodes} nodes): ${bug.description}\n`);
    io.stdout(
      `${result.distinctStates.toLocaleString('en-US')} distinct states, depth ${result.depth}, ${result.complete ? 'space exhausted' : 'stopped at the first counterexample of its invariant'}, ${seconds.toFixed(1)} s\n`,
    );
    for (const v of result.violations) io.stdout(formatCounterexample(v));
    io.stdout(
      result.violations.length === 0
        ? 'no invariant violated\n'
        : `violated: ${result.violations.map((v) => `${v.invariant} ${v.name}`).join(', ')}\n`,
    );
  }
  return result.violations.length === 0 ? EXIT.ok : EXIT.safety;
}

function formatState(s: StateView): string {
  const rec =
    s.record.status === 'held'
      ? `held by ${s.record.holder} token ${s.record.token} expires ${s.record.expiresAt}`
      : s.record.status === 'free'
        ? `free (last ${s.record.lastHolder}) token ${s.record.token}`
        : 'none';
  const nodes = Object.entries(s.nodes)
    .map(([id, n]) => {
      const lease = n.leaseToken === null ? '' : ` lease ${n.leaseToken}`;
      const belief = n.believesUntil === null ? '' : ` believes<${n.believesUntil}`;
      const fenced = n.fencedWriteInFlight === null ? '' : ` fenced ${n.fencedWriteInFlight}`;
      return `${id}:${n.pc} wall ${n.wall}${lease}${belief}${fenced}`;
    })
    .join('; ');
  return `t=${s.now} record ${rec}; fence max ${s.fenceMax}; ${nodes}`;
}

function formatCounterexample(v: Counterexample): string {
  const lines = [`\n${v.invariant} ${v.name} violated: ${v.message}`];
  v.trace.forEach((step, i) => {
    lines.push(`  ${String(i).padStart(2)} ${step.action.padEnd(24)} ${formatState(step.state)}`);
  });
  return `${lines.join('\n')}\n`;
}
