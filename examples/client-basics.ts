/**
 * The README's client example, runnable: `npx tsx examples/client-basics.ts`.
 * test/examples.test.ts runs it, so the README cannot drift into code that does not work.
 */
import { LeaseClient, systemClock } from '@leasehold/client';
import { parseDuration, resolveConfig } from '@leasehold/core';
import { MemoryStore } from '@leasehold/store';

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const config = resolveConfig({ graceMs: 1_000, maxClockSkewMs: 500 });
  if (config.kind !== 'ok') throw new Error(config.reason);
  const client = new LeaseClient({
    store: new MemoryStore(),
    clock: systemClock(),
    holder: 'agent-7',
    config: config.config,
  });

  const ttl = parseDuration('60m'); // { kind: 'ok', ms: 3600000 } or a typed invalid
  if (ttl.kind !== 'ok') throw new Error(ttl.reason);
  const got = await client.acquire('refs/heads/main', { ttlMs: ttl.ms, waitMs: 10_000 });
  switch (got.kind) {
    case 'granted':
      // got.lease.token is the fencing token: pass it with every write to the protected resource.
      // client.believes(got.lease) turns false before anyone else can take the lease over.
      log(`granted token ${got.lease.token}, believes: ${client.believes(got.lease)}`);
      log(`released: ${(await client.release(got.lease)).kind}`);
      break;
    case 'held': // someone else holds it; got.retryAfterMs says when it may become claimable
    case 'expired': // a replayed request whose grant already ended
    case 'invalid': // bad input: got.reason names the field and the limit
    case 'unavailable': // the store could not be reached within the retry budget
      log(`not granted: ${got.kind}`);
      break;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
