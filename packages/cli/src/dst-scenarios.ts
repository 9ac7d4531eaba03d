import { FAULT_DESCRIPTIONS, limits, SCENARIOS } from '@leasehold/sim';
import { Command } from 'commander';
import { type CliIo, type Done } from './io.js';

export function dstScenariosCommand(io: CliIo, done: Done): Command {
  return new Command('scenarios')
    .description('list the scenarios, their world shapes and faults')
    .action(() => done(dstScenarios(io)));
}

export function dstScenarios(io: CliIo): number {
  const width = Math.max(...SCENARIOS.map((s) => s.id.length));
  for (const s of SCENARIOS) {
    const menu = [...new Set([...s.alwaysOn, ...s.faults])];
    io.stdout(
      `${s.id.padEnd(width)}  ${s.title}  [${count(s.nodes, 'node')}, ${count(s.resources, 'resource')}; faults: ${menu.length === 0 ? 'none' : menu.join(', ')}${s.smallWorlds ? '' : '; no small worlds'}${s.validated ? '' : '; not validated against the spec'}]\n`,
    );
  }
  io.stdout(
    '\nEach seed draws its world shape in the ranges above (half the seeds a small world: the fewest\n' +
      `nodes or one more, one resource, ${limits.SMALL_STEPS_MIN}..${limits.SMALL_STEPS_MAX} steps; the rest ${limits.STEPS_DEFAULT} steps), a subset of its faults\n` +
      'with their rates, and its settings (TTLs, grace, skew and drift bounds, margin, timeout,\n' +
      'workload mix); every report prints them, and --nodes, --resources, --steps, --faults and\n' +
      '--settings pin them.\n',
  );
  io.stdout('\nfaults:\n');
  for (const [kind, text] of Object.entries(FAULT_DESCRIPTIONS))
    io.stdout(`  ${kind.padEnd(22)} ${text}\n`);
  return 0;
}

function count([low, high]: readonly [number, number], noun: string): string {
  return low === high ? `${low} ${noun}${low === 1 ? '' : 's'}` : `${low}-${high} ${noun}s`;
}
