import { Command } from 'commander';
import { formatDuration, parseDuration } from '@leasehold/core';
import { BackendUnavailable, type ApiAnswer } from './agent-backend.js';
import {
  agentContext,
  CONFIG_FILE_DEFAULT,
  STATE_DIR_DEFAULT,
  type AgentContext,
  type AgentFlags,
} from './agent-context.js';
import type { HeldLease } from './agent-state.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { flagValues, type Done } from './program.js';

/*
 * The agent commands: claim, heartbeat, release, leases, gate, cleanup. Each talks to the lease
 * API (a server, or the same routes over a local file) and keeps the lease id and owner key of
 * what it claimed in the agent's state file, so the next command, in another process, can prove
 * ownership. Exit codes: 0 done; 1 refused (held by another, not the holder, lease lost); 64 bad
 * usage; 69 the service could not be reached.
 */

interface Outcome {
  readonly code: number;
  /** The human line(s). */
  readonly text: string;
  /** The --json object. */
  readonly json: Record<string, unknown>;
}

type Handler<V> = (context: AgentContext, values: V, args: string[], io: CliIo) => Promise<Outcome>;

function agentCommand<V extends AgentFlags>(
  name: string,
  description: string,
  io: CliIo,
  done: Done,
  handler: Handler<V>,
): Command {
  return new Command(name)
    .description(description)
    .option('--agent <id>', "this agent's holder id (or LEASEHOLD_AGENT)")
    .option('--server <url>', 'the lease service (or LEASEHOLD_URL); without one, a local file')
    .option(
      '--db <file>',
      "local SQLite file when no server is named (or LEASEHOLD_DB; default: the git repository's, shared by its worktrees)",
    )
    .option(
      '--state-dir <dir>',
      `where the agent keeps its owner keys (default ${STATE_DIR_DEFAULT})`,
    )
    .option('--config <file>', `config file (default ${CONFIG_FILE_DEFAULT} if present)`)
    .option('--json', 'one JSON object on stdout')
    .action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      done(await runAgent(self, io, handler));
    });
}

async function runAgent<V extends AgentFlags>(
  self: Command,
  io: CliIo,
  handler: Handler<V>,
): Promise<number> {
  const values = flagValues<V>(self);
  let context: AgentContext | undefined;
  try {
    context = await agentContext(values, io);
    const outcome = await handler(context, values, self.args, io);
    if (context.json)
      io.stdout(`${JSON.stringify({ ok: outcome.code === EXIT.ok, ...outcome.json })}\n`);
    else if (outcome.text !== '')
      (outcome.code === EXIT.ok ? io.stdout : io.stderr)(`${outcome.text}\n`);
    return outcome.code;
  } catch (error) {
    if (!(error instanceof BackendUnavailable)) throw error;
    io.stderr(`leasehold: ${error.message}\n`);
    return EXIT.unavailable;
  } finally {
    await context?.backend.close();
  }
}

/** The code and line of an API answer no command expected (400, 401, 429, 503, ...). */
function failure(answer: ApiAnswer, what: string): Outcome {
  const message = String(answer.body?.message ?? `status ${answer.status}`);
  if (answer.status === 400) throw new UsageError(`${what}: ${message}`);
  if (answer.status >= 500 || answer.status === 429)
    throw new BackendUnavailable(`${what}: ${message}`);
  return {
    code: EXIT.refused,
    text: `leasehold: ${what}: ${message}`,
    json: { status: answer.status, error: answer.body },
  };
}

function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDuration(value, `--${flag}`);
  if (parsed.kind === 'invalid') throw new UsageError(parsed.reason);
  return parsed.ms;
}

function remembered(answer: ApiAnswer, backend: string): HeldLease {
  const b = answer.body;
  return {
    lease_id: b.lease_id,
    owner_key: b.owner_key,
    token: b.token,
    expires_at: b.expires_at,
    ttl_ms: b.ttl_ms,
    backend,
  };
}

const path = (resource: string) => `/v1/leases/${encodeURIComponent(resource)}`;

interface ClaimValues extends AgentFlags {
  readonly ttl?: string;
  readonly wait?: string;
  readonly force?: boolean;
}

async function claim(
  context: AgentContext,
  values: ClaimValues,
  [resource]: string[],
): Promise<Outcome> {
  const ttlMs = durationFlag('ttl', values.ttl);
  const waitMs = durationFlag('wait', values.wait);
  const body = {
    resource,
    holder: context.agent,
    ...(ttlMs === undefined ? {} : { ttl_ms: ttlMs }),
    ...(waitMs === undefined ? {} : { wait_ms: waitMs }),
  };
  let answer = await context.backend.request('POST', '/v1/leases/acquire', body);
  let tookOverFrom: string | null = null;
  if (answer.status === 409 && values.force === true && answer.body.holder !== context.agent) {
    tookOverFrom = String(answer.body.holder);
    const forced = await context.backend.request('POST', '/v1/admin/force-release', {
      resource,
      expected_holder: tookOverFrom,
    });
    if (forced.status !== 200 && forced.status !== 409)
      return failure(forced, `force-claim of ${resource}`);
    answer = await context.backend.request('POST', '/v1/leases/acquire', body);
  }
  if (answer.status === 409) return heldOutcome(context, resource ?? '', answer);
  if (answer.status === 400 && answer.body?.field === 'ttl_ms') {
    throw new UsageError(`--ttl: ${String(answer.body.message).replace(/^ttl_ms /, '')}`);
  }
  if (answer.status === 400 && answer.body?.field === 'wait_ms') {
    throw new UsageError(`--wait: ${String(answer.body.message).replace(/^body wait_ms /, '')}`);
  }
  if (answer.status !== 201) return failure(answer, `claim of ${resource}`);
  // The grant is the first write: a heartbeat right after it has nothing to renew.
  const lease = { ...remembered(answer, context.backend.description), heartbeat_at_ms: Date.now() };
  const failed = context.state.update((leases) => (leases[resource ?? ''] = lease));
  if (failed !== null) {
    // Without its owner key the lease could never be renewed or released: give it back.
    await context.backend.request('POST', '/v1/leases/release', {
      lease_id: lease.lease_id,
      owner_key: lease.owner_key,
    });
    throw new BackendUnavailable(
      `cannot write ${context.state.path} (${failed.message}); the lease was released`,
    );
  }
  const from = tookOverFrom === null ? '' : ` (taken over from ${tookOverFrom})`;
  return {
    code: EXIT.ok,
    text: `claimed ${resource} as ${context.agent}: token ${lease.token}, expires ${lease.expires_at}${from}`,
    json: {
      resource,
      agent: context.agent,
      token: lease.token,
      lease_id: lease.lease_id,
      expires_at: lease.expires_at,
      ttl_ms: lease.ttl_ms,
      taken_over_from: tookOverFrom,
    },
  };
}

function heldOutcome(context: AgentContext, resource: string, answer: ApiAnswer): Outcome {
  const { holder, expires_at, retry_after_ms, token } = answer.body;
  const mine = holder === context.agent;
  const known = context.state.read().leases[resource];
  if (mine && known !== undefined && known.token === token) {
    return {
      code: EXIT.ok,
      text: `${resource} is already held by ${holder} (token ${token}, expires ${expires_at}); heartbeat renews it`,
      json: {
        resource,
        agent: context.agent,
        token,
        lease_id: known.lease_id,
        expires_at,
        already_held: true,
      },
    };
  }
  const who = mine ? `${holder} (this agent id, in another session)` : holder;
  return {
    code: EXIT.refused,
    text: `leasehold: ${resource} is held by ${who} until ${expires_at}; claimable in ${formatDuration(Math.ceil(retry_after_ms / 1000) * 1000)} (or claim --force)`,
    json: { resource, holder, token, expires_at, retry_after_ms },
  };
}

interface HeartbeatValues extends AgentFlags {
  readonly 'min-interval'?: string;
  readonly ttl?: string;
}

async function heartbeat(
  context: AgentContext,
  values: HeartbeatValues,
  [resource]: string[],
  io: CliIo,
): Promise<Outcome> {
  const minIntervalMs = durationFlag('min-interval', values['min-interval']);
  const ttlMs = durationFlag('ttl', values.ttl);
  const lease = context.state.read().leases[resource ?? ''];
  if (lease === undefined) return notHeld(context, resource ?? '');
  const sinceMs = Date.now() - (lease.heartbeat_at_ms ?? 0);
  if (minIntervalMs !== undefined && sinceMs < minIntervalMs) {
    return {
      code: EXIT.ok,
      text: `skipped: last heartbeat of ${resource} ${formatDuration(Math.floor(sinceMs / 1000) * 1000)} ago (min interval ${formatDuration(minIntervalMs)})`,
      json: { resource, skipped: true, token: lease.token, expires_at: lease.expires_at },
    };
  }
  const sentAtMs = Date.now();
  const answer = await context.backend.request('POST', '/v1/leases/renew', {
    lease_id: lease.lease_id,
    owner_key: lease.owner_key,
    ...(ttlMs === undefined ? {} : { ttl_ms: ttlMs }),
    ...(minIntervalMs === undefined ? {} : { min_interval_ms: minIntervalMs }),
  });
  if ([403, 404, 410].includes(answer.status)) {
    context.state.forget(resource ?? '');
    return {
      ...failure(answer, `${resource} is lost`),
      json: { resource, lost: true, error: answer.body },
    };
  }
  if (answer.status !== 200) return failure(answer, `heartbeat of ${resource}`);
  const failed = context.state.update((leases) => {
    leases[resource ?? ''] = {
      ...lease,
      expires_at: answer.body.expires_at,
      ttl_ms: answer.body.ttl_ms,
      heartbeat_at_ms: sentAtMs,
    };
  });
  // The renewal happened; a state file we cannot write only loses the throttle's memory.
  if (failed !== null)
    io.stderr(`leasehold: warning: cannot write ${context.state.path}: ${failed.message}\n`);
  const skipped = answer.body.skipped === true;
  return {
    code: EXIT.ok,
    text: `${skipped ? 'skipped (service throttle)' : 'renewed'} ${resource}: token ${answer.body.token}, expires ${answer.body.expires_at}`,
    json: { resource, skipped, token: answer.body.token, expires_at: answer.body.expires_at },
  };
}

function notHeld(context: AgentContext, resource: string): Outcome {
  return {
    code: EXIT.refused,
    text: `leasehold: ${context.agent} holds no lease on ${resource} (nothing in ${context.state.path}); claim it first`,
    json: { resource, held: false },
  };
}

interface ReleaseValues extends AgentFlags {
  readonly 'expected-holder'?: string;
}

async function release(
  context: AgentContext,
  values: ReleaseValues,
  [resource]: string[],
): Promise<Outcome> {
  const expected = values['expected-holder'];
  if (expected !== undefined) {
    const answer = await context.backend.request('POST', '/v1/admin/force-release', {
      resource,
      expected_holder: expected,
    });
    if (answer.status !== 200) return failure(answer, `release of ${resource} held by ${expected}`);
    return {
      code: EXIT.ok,
      text: `released ${resource} (held by ${answer.body.previous_holder}); its token is now ${answer.body.token}`,
      json: {
        resource,
        released: true,
        previous_holder: answer.body.previous_holder,
        token: answer.body.token,
      },
    };
  }
  const lease = context.state.read().leases[resource ?? ''];
  if (lease === undefined) return notHeld(context, resource ?? '');
  const answer = await context.backend.request('POST', '/v1/leases/release', {
    lease_id: lease.lease_id,
    owner_key: lease.owner_key,
  });
  if (answer.status === 200 || answer.status === 410) {
    context.state.forget(resource ?? '');
    const ended = answer.status === 410 ? ` (it had already ended: ${answer.body.reason})` : '';
    return {
      code: EXIT.ok,
      text: `released ${resource}${ended}`,
      json: { resource, released: true, token: lease.token },
    };
  }
  return failure(answer, `release of ${resource}`);
}

interface LeasesValues extends AgentFlags {
  readonly holder?: string;
  readonly prefix?: string;
  readonly status?: string;
}

async function leases(context: AgentContext, values: LeasesValues): Promise<Outcome> {
  const query = new URLSearchParams({ limit: '1000' });
  if (values.holder !== undefined) query.set('holder', values.holder);
  if (values.prefix !== undefined) query.set('prefix', values.prefix);
  if (values.status !== undefined) query.set('status', values.status);
  const answer = await context.backend.request('GET', `/v1/leases?${query.toString()}`);
  if (answer.status !== 200) return failure(answer, 'list');
  const rows = answer.body.leases as {
    resource: string;
    status: string;
    holder: string | null;
    token: number;
    expires_at: string | null;
  }[];
  const text =
    rows.length === 0
      ? 'no leases'
      : rows
          .map(
            (l) =>
              `${l.status.padEnd(7)} ${l.resource}  ${l.holder ?? '-'}  token ${l.token}${l.expires_at === null ? '' : `  expires ${l.expires_at}`}`,
          )
          .join('\n');
  return { code: EXIT.ok, text, json: { leases: rows, next: answer.body.next } };
}

async function gate(
  context: AgentContext,
  _values: AgentFlags,
  [resource]: string[],
): Promise<Outcome> {
  const lease = context.state.read().leases[resource ?? ''];
  if (lease === undefined) return notHeld(context, resource ?? '');
  const answer = await context.backend.request('GET', path(resource ?? ''));
  if (answer.status !== 200) return failure(answer, `gate of ${resource}`);
  const status = answer.body;
  const holds =
    status.status === 'held' && status.holder === context.agent && status.token === lease.token;
  if (holds) {
    return {
      code: EXIT.ok,
      text: '',
      json: { resource, holds: true, token: lease.token, expires_at: status.expires_at },
    };
  }
  const now =
    status.status === 'held' ? `held by ${status.holder} (token ${status.token})` : status.status;
  return {
    code: EXIT.refused,
    text: `leasehold: gate: ${context.agent} does not hold ${resource} (it is ${now}); claim it first`,
    json: {
      resource,
      holds: false,
      status: status.status,
      holder: status.holder,
      token: status.token,
    },
  };
}

async function cleanup(context: AgentContext): Promise<Outcome> {
  const answer = await context.backend.request('POST', '/v1/admin/cleanup', {});
  if (answer.status !== 200) return failure(answer, 'cleanup');
  const expired = answer.body.expired as string[];
  return {
    code: EXIT.ok,
    text: `cleanup: ${expired.length} expired lease${expired.length === 1 ? '' : 's'} marked free${expired.length === 0 ? '' : `: ${expired.join(', ')}`}; ${answer.body.history_pruned} history events pruned`,
    json: { expired, history_pruned: answer.body.history_pruned },
  };
}

/** The agent commands, for `createProgram`. */
export function agentCommands(io: CliIo, done: Done): Command[] {
  const claimCommand = agentCommand<ClaimValues>(
    'claim',
    'claim a lease on <resource> for this agent',
    io,
    done,
    claim,
  )
    .argument('<resource>', 'what to lease: any UTF-8 name (a path, a branch, a task)')
    .option('--ttl <duration>', "lease time to live: 90s, 60m, 1h30m (default: the service's, 5m)")
    .option('--wait <duration>', 'wait this long (at most 60s) for the holder to release it')
    .option(
      '--force',
      'take the lease over from its holder (an admin action; the holder is fenced)',
    );
  const heartbeatCommand = agentCommand<HeartbeatValues>(
    'heartbeat',
    "renew this agent's lease on <resource>",
    io,
    done,
    heartbeat,
  )
    .argument('<resource>')
    .option(
      '--min-interval <duration>',
      'skip when the last heartbeat was this recent (a throttle for hooks)',
    )
    .option('--ttl <duration>', "new time to live, from now (default: the lease's own)");
  const releaseCommand = agentCommand<ReleaseValues>(
    'release',
    "release this agent's lease on <resource>",
    io,
    done,
    release,
  )
    .argument('<resource>')
    .option(
      '--expected-holder <id>',
      "admin: release whoever's lease it is, if <id> still holds it",
    );
  const leasesCommand = agentCommand<LeasesValues>('leases', 'list leases', io, done, leases)
    .option('--holder <id>', 'only leases this holder holds')
    .option('--prefix <text>', 'only resources starting with <text>')
    .option('--status <status>', 'held, free or expired');
  const gateCommand = agentCommand(
    'gate',
    'exit 0 only if this agent holds <resource> (for pre-edit hooks)',
    io,
    done,
    gate,
  ).argument('<resource>');
  const cleanupCommand = agentCommand(
    'cleanup',
    'admin: mark expired leases free and prune old history',
    io,
    done,
    cleanup,
  );
  return [
    claimCommand,
    heartbeatCommand,
    releaseCommand,
    leasesCommand,
    gateCommand,
    cleanupCommand,
  ];
}
