import type { ManualClock } from '@leasehold/client';
import { LeaseService, type RandomBytes } from '@leasehold/server';
import { MemoryStore } from '@leasehold/store';

/** Random bytes for a test service: a counter, so owner keys and request ids repeat run to run. */
export function counterRandom(): RandomBytes {
  let n = 0;
  return (count) => Uint8Array.from({ length: count }, (_, i) => (n++ + i) % 256);
}

/** The lease service over a memory store, on `clock`, with counter randomness. */
export async function openTestService(clock: ManualClock): Promise<LeaseService> {
  const opened = await LeaseService.open({
    store: new MemoryStore(),
    clock,
    random: counterRandom(),
  });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  return opened.service;
}
