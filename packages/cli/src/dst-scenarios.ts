import { FAULT_DESCRIPTIONS, SCENARIOS } from '@leasehold/sim';
import type { CliIo } from './io';

export function dstScenarios(io: CliIo): number {
  const width = Math.max(...SCENARIOS.map((s) => s.id.length));
  for (const s of SCENARIOS) {
    const menu = [...new Set([...s.alwaysOn, ...s.faults])];
    io.stdout(
      `${s.id.padEnd(width)}  ${s.title}  [${s.nodes} nodes, ${s.resources} resources; faults: ${menu.length === 0 ? 'none' : menu.join(', ')}]\n`,
    );
  }
  io.stdout('\nfaults:\n');
  for (const [kind, text] of Object.entries(FAULT_DESCRIPTIONS))
    io.stdout(`  ${kind.padEnd(22)} ${text}\n`);
  return 0;
}
