/**
 * One chaos node in its own process, for the SQLite chaos run (scripts/chaos-sqlite.ts spawns it
 * with `node --import tsx`, and may SIGKILL it at any moment). It takes no new lease after the
 * deadline (a quota run's cap) or once the driver has written the stop file into <dir>:
 *
 *   sqlite-node-process.ts <dir> <node> <seed> <resources> <deadline-wall-ms>
 */
import { join } from 'node:path';
import { counterIds, LeaseClient, systemClock } from '@leasehold/client';
import { Prng } from '@leasehold/sim';
import { openSqliteStore } from '@leasehold/store-sqlite';
import { CHAOS_CONFIG, chaosResources, nodeStream } from './chaos-config';
import { runChaosNode } from './chaos-node';
import { FileJournal, JOURNAL_SUFFIX } from './journal';
import { STORE_TIMEOUT_MS } from './limits';
import { RecordingStore } from './recording-store';
import { monoToSharedOffsetMs } from './shared-clock';
import { FENCED_FILE, STOP_FILE, STORE_FILE } from './sqlite-files';
import { SqliteFencedResource } from './sqlite-fenced-resource';
import { FileStopSignal } from './stop-signal';

async function main(): Promise<void> {
  const [dir, node, seed, resourcesText, deadlineText] = process.argv.slice(2);
  if (dir === undefined || node === undefined || seed === undefined) {
    throw new Error(
      'usage: sqlite-node-process.ts <dir> <node> <seed> <resources> <deadline-wall-ms>',
    );
  }
  const clock = systemClock();
  const opened = openSqliteStore(join(dir, STORE_FILE), { timeoutMs: STORE_TIMEOUT_MS });
  if (opened.kind !== 'ok') throw new Error(`store: ${opened.reason}`);
  const journal = new FileJournal(join(dir, `${node}${JOURNAL_SUFFIX}`));
  const store = new RecordingStore(opened.store, node, journal, clock);
  const fenced = new SqliteFencedResource(join(dir, FENCED_FILE), STORE_TIMEOUT_MS);
  const client = new LeaseClient({
    store,
    clock,
    config: CHAOS_CONFIG,
    holder: node,
    ids: counterIds(node),
  });
  await runChaosNode({
    node,
    client,
    store,
    clock,
    prng: new Prng(seed, nodeStream(node)),
    resources: chaosResources(Number(resourcesText)),
    fenced,
    journal,
    monoToSharedMs: monoToSharedOffsetMs(),
    deadlineMonoMs: clock.monoMs() + (Number(deadlineText) - clock.wallMs()),
    stop: new FileStopSignal(join(dir, STOP_FILE)),
  });
  await fenced.close();
  await store.close();
  journal.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(70);
});
