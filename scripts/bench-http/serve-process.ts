/**
 * One HTTP service of `npm run bench:http` in its own process, so the load generator does not
 * share its event loop. Prints `{"url": ...}` on one line once it listens; SIGTERM closes it.
 *
 *   serve-process.ts ours <db>            the lease service (startServer), rate limit out of reach
 *   serve-process.ts bare <db>            the bare fastify route over the same store (bare-app.ts)
 *   serve-process.ts soak <db> <journal>  the lease service over a recording store (soak)
 */
import { systemClock } from '@leasehold/client';
import { startServer } from '@leasehold/server';
import { openSqliteStore } from '@leasehold/store-sqlite';
import { FileJournal } from '../chaos/journal';
import { bareApp } from './bare-app';
import { RATE_LIMIT_PER_MINUTE_BENCH } from './limits';
import { startRecordedService } from './recorded-service';

async function start(
  mode: string,
  db: string,
  journalPath: string | undefined,
): Promise<{ url: string; close: () => Promise<void> }> {
  const opened = openSqliteStore(db);
  if (opened.kind !== 'ok') throw new Error(`store: ${opened.reason}`);
  const store = opened.store;
  if (mode === 'ours') {
    const started = await startServer({
      store,
      port: 0,
      logger: false,
      rateLimitPerMinute: RATE_LIMIT_PER_MINUTE_BENCH,
    });
    if (started.kind !== 'ok') throw new Error(started.reason);
    return started.server;
  }
  if (mode === 'bare') {
    const app = bareApp(store);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      url,
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  }
  if (mode === 'soak' && journalPath !== undefined) {
    const journal = new FileJournal(journalPath);
    const service = await startRecordedService(store, journal, systemClock());
    return {
      url: service.url,
      close: async () => {
        await service.close();
        journal.close();
      },
    };
  }
  throw new Error('usage: serve-process.ts ours|bare <db> | soak <db> <journal>');
}

async function main(): Promise<void> {
  const [mode = '', db = '', journalPath] = process.argv.slice(2);
  const server = await start(mode, db, journalPath);
  process.once('SIGTERM', () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(70);
      },
    );
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(70);
});
