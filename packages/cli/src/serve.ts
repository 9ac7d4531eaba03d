import { Command, Option } from 'commander';
import {
  ApiKeys,
  PORT_DEFAULT,
  RATE_LIMIT_PER_MINUTE_DEFAULT,
  startServer,
} from '@leasehold/server';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';
import { DB_FILE_DEFAULT, openStoreFromFlags, type StoreFlags } from './open-store.js';
import { flagValues, intFlag } from './parse-flags.js';

export interface ServeValues extends StoreFlags {
  readonly port?: string;
  readonly host?: string;
  readonly 'auth-file'?: string;
  readonly 'rate-limit'?: string;
  readonly 'log-level'?: string;
  readonly 'test-clock'?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function serveCommand(io: CliIo, done: Done): Command {
  return new Command('serve')
    .description('run the HTTP lease service (SQLite file by default, or etcd)')
    .option('--port <n>', `port to listen on; 0 picks a free one (default ${PORT_DEFAULT})`)
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--db <file>', `SQLite file of the leases (default ${DB_FILE_DEFAULT})`)
    .option('--store <kind>', 'sqlite or etcd (default sqlite)')
    .option('--etcd-endpoints <urls>', 'comma-separated etcd client URLs (with --store etcd)')
    .option('--etcd-prefix <prefix>', 'key prefix in etcd (default leasehold/)')
    .option('--auth-file <file>', 'API keys bound to holders, and admin keys (JSON)')
    .option(
      '--rate-limit <n>',
      `requests per holder per minute, every route (default ${RATE_LIMIT_PER_MINUTE_DEFAULT})`,
    )
    .option('--log-level <level>', `${LOG_LEVELS.join(', ')} (default info; JSON lines on stdout)`)
    .addOption(
      new Option('--test-clock', 'adds a route that moves the clock (tests only)').hideHelp(),
    )
    .addHelpText(
      'after',
      `
Routes: POST /v1/leases/acquire, /renew, /release; GET /v1/leases, /v1/leases/{resource},
/v1/leases/{resource}/history; admin: /v1/admin/force-release, /release-holder, /cleanup,
GET|PUT /v1/admin/config; GET /healthz, /readyz, /metrics, /openapi.json. The lease tools for
coding agents over MCP (Streamable HTTP): /mcp, behind the same API keys.

The first line on stderr names the URL. SIGTERM or SIGINT shuts down gracefully: waiting
acquires answer 503, in-flight requests finish, the store is closed; every lease is kept.

exit 0 after a graceful shutdown; 64 bad usage; 69 the store or the port could not be opened.`,
    )
    .action(async (_options, self: Command) =>
      done(await serve(flagValues<ServeValues>(self), io)),
    );
}

export async function serve(values: ServeValues, io: CliIo): Promise<number> {
  const port = intFlag('port', values.port, 0, 65_535, PORT_DEFAULT);
  const rateLimitPerMinute = intFlag(
    'rate-limit',
    values['rate-limit'],
    1,
    1_000_000_000,
    RATE_LIMIT_PER_MINUTE_DEFAULT,
  );
  const level = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new UsageError(
      `--log-level must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level)})`,
    );
  }
  let apiKeys: ApiKeys | undefined;
  if (values['auth-file'] !== undefined) {
    const loaded = ApiKeys.load(values['auth-file']);
    if (loaded.kind === 'refused') throw new UsageError(loaded.reason);
    apiKeys = loaded.keys;
  }
  // Listening for the signals before anything can be told the URL: a supervisor that stops the
  // service the moment it hears of it still gets a graceful shutdown.
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const opened = openStoreFromFlags(values, io.cwd);
  if (opened.kind === 'refused') {
    io.stderr(`leasehold: ${opened.reason}\n`);
    return EXIT.unavailable;
  }
  const started = await startServer({
    store: opened.store,
    port,
    host: values.host ?? '127.0.0.1',
    rateLimitPerMinute,
    logger: { level, redact: ['req.headers.authorization'] },
    ...(apiKeys === undefined ? {} : { apiKeys }),
    ...(values['test-clock'] === true ? { testClock: true } : {}),
  });
  if (started.kind === 'refused') {
    await opened.store.close();
    io.stderr(`leasehold: ${started.reason}\n`);
    return EXIT.unavailable;
  }
  const auth = apiKeys === undefined ? 'no API keys' : 'API keys required';
  io.stderr(`leasehold: serving on ${started.server.url} (${opened.description}; ${auth})\n`);
  const signal = await stopSignal;
  io.stderr(`leasehold: ${signal}: shutting down\n`);
  await started.server.close();
  io.stderr('leasehold: stopped; every lease is kept in the store\n');
  return EXIT.ok;
}
