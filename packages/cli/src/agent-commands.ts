import { Command } from 'commander';
import {
  assertNever,
  checkHolder,
  formatDuration,
  parseDuration,
  RENEWALS_LIMIT_MAX,
} from '@leasehold/core';
import {
  agentFailure,
  claimLease,
  claimLeases,
  type ClaimOutcome,
  gateLease,
  heartbeatLease,
  releaseLease,
  type AgentFailure,
  type GateOutcome,
  type HeartbeatOptions,
  type HeartbeatOutcome,
} from '@leasehold/client';
import { BackendUnavailable, type AgentBackend } from './agent-backend.js';
import {
  agentContext,
  agentOrReaderContext,
  CONFIG_FILE_DEFAULT,
  STATE_DIR_DEFAULT,
  readerContext,
  type AgentContext,
  type AgentFlags,
  type ReaderContext,
} from './agent-context.js';
import { EXIT, UsageError, type CliIo, type Done } from './io.js';
import { flagValues, intFlag } from './parse-flags.js';
import { RELEASE_HOLDER_CALLS_MAX } from './limits.js';
import { wallNowMs } from './system-clock.js';

/*
 * The agent commands: claim, heartbeat, release, leases, gate, release-holder, cleanup (and guard,
 * the pre-commit hook, in guard.ts, built with `agentCommand` from here). Each
 * talks to the lease API (a server, or the same routes over a local file) and keeps the lease id
 * and owner key of what it claimed in the agent's state file, so the next command, in another
 * process, can prove ownership. Exit codes (AGENT_EXIT_CODES, in every command's help): 0 done; 1
 * refused (held by another, not the holder, lease lost); 64 bad usage; 69 the service could not be
 * reached or asked to retry later; 77 no API key, one the service does not know, or one that may
 * not do that.
 */

/** The agent commands' exit codes, as their help lists them. */
const AGENT_EXIT_CODES = `
Exit codes:
  0   done (for gate: this agent holds the lease; for guard: no staged path is held by another)
  1   refused: held by another agent, not this agent's, or the lease was lost (for guard: the
      commit is refused)
  64  bad usage (a flag, an argument, no agent id)
  69  the service could not be reached, or asked to retry later (rate limit, shutting down)
  77  the API key is missing or unknown (set LEASEHOLD_API_KEY), or may not do that (admin
      commands need an admin key; an agent's key acts only as its own agent id)`;

export interface Outcome {
  readonly code: number;
  /** The human line(s). */
  readonly text: string;
  /** The --json object. */
  readonly json: Record<string, unknown>;
}

type Handler<C, V> = (context: C, values: V, args: string[], io: CliIo) => Promise<Outcome>;

/** What `runCommand` needs of a context: where the answer goes, and what to close. */
interface CommandContext {
  readonly backend: AgentBackend;
  readonly json: boolean;
}

/**
 * An agent command: `open` makes its context (`agentContext` for a command acting as this agent,
 * which needs an agent id; `readerContext` for one that only reads).
 */
export function agentCommand<C extends CommandContext, V extends AgentFlags>(
  name: string,
  description: string,
  io: CliIo,
  done: Done,
  open: (flags: AgentFlags, io: CliIo) => Promise<C>,
  handler: Handler<C, V>,
): Command {
  return withAgentFlags(new Command(name).description(description), done, (self) =>
    runCommand(self, io, open, handler),
  );
}

function withAgentFlags(
  command: Command,
  done: Done,
  run: (self: Command) => Promise<number>,
): Command {
  return command
    .option('--agent <id>', "this agent's holder id (or LEASEHOLD_AGENT)")
    .option(
      '--server <urls>',
      "the lease service (or LEASEHOLD_URL): its URL, or its replicas' URLs comma separated; without one, a local file",
    )
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
    .addHelpText('after', AGENT_EXIT_CODES)
    .action(async (...received: unknown[]) => {
      done(await run(received.at(-1) as Command));
    });
}

async function runCommand<C extends CommandContext, V extends AgentFlags>(
  self: Command,
  io: CliIo,
  open: (flags: AgentFlags, io: CliIo) => Promise<C>,
  handler: Handler<C, V>,
): Promise<number> {
  const values = flagValues<V>(self);
  let context: C | undefined;
  try {
    context = await open(values, io);
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

/**
 * The code and line of an answer no command expected (400, 401, 403, 429, 503, ...). A 403 is an
 * auth problem (exit 77) where `forbidden` says so: the call needs an admin key, or names the
 * agent an API key is bound to (a claim); elsewhere (a renewal or release) it refuses an owner key
 * that does not match, and stays a refusal.
 */
export function failure(
  outcome: AgentFailure,
  what: string,
  forbidden: 'auth' | 'refused' = 'refused',
): Outcome {
  switch (outcome.kind) {
    case 'invalid':
      throw new UsageError(`${what}: ${outcome.message}`);
    case 'unavailable':
      throw new BackendUnavailable(`${what}: ${outcome.reason}`);
    case 'refused': {
      const auth = authProblem(outcome.status, forbidden, outcome.error.message);
      return {
        code: auth === null ? EXIT.refused : EXIT.auth,
        text: `leasehold: ${what}: ${auth ?? outcome.error.message}`,
        json: { status: outcome.status, error: outcome.error },
      };
    }
  }
}

/**
 * What to do about a 401 (the service checks API keys; this agent sent none, or one it does not
 * know) or an auth 403 (see `failure`), or null for another answer.
 */
function authProblem(
  status: number,
  forbidden: 'auth' | 'refused',
  message: string,
): string | null {
  if (status === 401)
    return "the service checks API keys and this agent's is missing or unknown: set LEASEHOLD_API_KEY to the key the service's --auth-file binds to this agent";
  if (status === 403 && forbidden === 'auth')
    return `the service refused this API key for it (${message}): admin commands need an admin key, and an agent's key acts only as the agent id the --auth-file binds it to (set LEASEHOLD_API_KEY, or --agent)`;
  return null;
}

/** A time left, to the second above it: `4m12s`; `0s` for none. */
export function timeLeft(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds === 0 ? '0s' : formatDuration(seconds * 1000);
}

/**
 * A duration flag of an agent command: with a unit (`90s`, `60m`, `1h30m`, `250ms`). A bare number
 * is refused: the library reads it as milliseconds, a person typing `--ttl 90` means seconds.
 */
function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) {
    throw new UsageError(
      `--${flag} needs a unit: ${value.trim()}s for seconds, ${value.trim()}m for minutes (90s, 60m, 1h30m, 250ms)`,
    );
  }
  const parsed = parseDuration(value, `--${flag}`);
  if (parsed.kind === 'invalid') throw new UsageError(parsed.reason);
  return parsed.ms;
}

interface ClaimValues extends AgentFlags {
  readonly ttl?: string;
  readonly wait?: string;
  readonly force?: boolean;
  readonly 'max-renewals'?: string;
  readonly 'max-age'?: string;
}

async function claim(
  context: AgentContext,
  values: ClaimValues,
  resources: string[],
): Promise<Outcome> {
  const ttlMs = durationFlag('ttl', values.ttl);
  const waitMs = durationFlag('wait', values.wait);
  const maxAgeMs = durationFlag('max-age', values['max-age']);
  const renewals = values['max-renewals'];
  const maxRenewals =
    renewals === undefined
      ? undefined
      : intFlag('max-renewals', renewals, 0, RENEWALS_LIMIT_MAX, 0);
  const timing = {
    ...(ttlMs === undefined ? {} : { ttlMs }),
    ...(waitMs === undefined ? {} : { waitMs }),
    ...(maxRenewals === undefined ? {} : { maxRenewals }),
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
  };
  if (resources.length === 1) {
    const resource = resources[0]!;
    const claimed = await claimLease(context.host, resource, {
      ...timing,
      ...(values.force === true ? { force: true } : {}),
    });
    return claimAnswer(context, resource, claimed);
  }
  if (values.force === true)
    throw new UsageError('--force takes over one resource at a time: name one resource');
  const all = await claimLeases(context.host, resources, timing);
  switch (all.kind) {
    case 'invalid':
      throw new UsageError(`<resources>: ${all.reason}`);
    case 'claimedAll': {
      const leases = all.taken.map(({ resource, outcome }) => ({
        resource,
        token: outcome.lease.token,
        lease_id: outcome.lease.lease_id,
        expires_at: outcome.kind === 'claimed' ? outcome.lease.expires_at : outcome.expiresAt,
        ttl_ms: outcome.lease.ttl_ms,
        already_held: outcome.kind === 'alreadyHeld',
        taken_over_from: null,
      }));
      const lines = leases.map(
        (l) =>
          `  ${l.resource}: token ${l.token}, expires ${l.expires_at}${l.already_held ? ' (already held)' : ''}`,
      );
      return {
        code: EXIT.ok,
        text: [`claimed all ${leases.length} resources as ${context.agent}:`, ...lines].join('\n'),
        json: { agent: context.agent, leases },
      };
    }
    case 'refused': {
      const refusal = claimAnswer(context, all.resource, all.outcome);
      const problems = all.givenBack.flatMap(({ resource, outcome }) =>
        outcome.kind === 'released'
          ? []
          : [
              `leasehold: ${resource} was claimed and could not be given back (${outcome.kind === 'notHeld' ? 'its lease was not kept' : outcome.kind === 'notKept' ? outcome.error.message : outcome.kind === 'forceReleased' ? 'released as an admin' : outcome.kind === 'refused' || outcome.kind === 'invalid' ? `${outcome.kind}` : outcome.reason}): it stays held until it expires, or run release ${resource}`,
            ],
      );
      const count = new Set(resources).size;
      return {
        code: refusal.code,
        text: [`${refusal.text} (none of the ${count} resources was claimed)`, ...problems].join(
          '\n',
        ),
        json: {
          ...refusal.json,
          claimed: false,
          given_back: all.givenBack.map(({ resource, outcome }) => ({
            resource,
            released: outcome.kind === 'released',
          })),
        },
      };
    }
  }
}

/** The answer to one resource's claim. */
function claimAnswer(context: AgentContext, resource: string, claimed: ClaimOutcome): Outcome {
  switch (claimed.kind) {
    case 'claimed': {
      const { lease, tookOverFrom } = claimed;
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
    case 'alreadyHeld':
      return {
        code: EXIT.ok,
        text: `${resource} is already held by ${context.agent} (token ${claimed.lease.token}, expires ${claimed.expiresAt}); heartbeat renews it`,
        json: {
          resource,
          agent: context.agent,
          token: claimed.lease.token,
          lease_id: claimed.lease.lease_id,
          expires_at: claimed.expiresAt,
          already_held: true,
        },
      };
    case 'held': {
      if (claimed.releasePending) return releasePending(context, resource, claimed.token, 'claim');
      const who = claimed.mine
        ? `${claimed.holder} (this agent id, in another session)`
        : claimed.holder;
      return {
        code: EXIT.refused,
        text: `leasehold: ${resource} is held by ${who} (token ${claimed.token}) for another ${timeLeft(claimed.retryAfterMs)}, until ${claimed.expiresAt}; claim it then, or wait for it (--wait), or an admin may take it over (--force)`,
        json: {
          resource,
          holder: claimed.holder,
          token: claimed.token,
          expires_at: claimed.expiresAt,
          retry_after_ms: claimed.retryAfterMs,
        },
      };
    }
    case 'notKept':
      throw new BackendUnavailable(
        `cannot write ${context.state.path} (${claimed.error.message}); the lease was released`,
      );
    case 'invalid':
      if (claimed.field === 'ttl_ms')
        throw new UsageError(`--ttl: ${claimed.message.replace(/^(body )?ttl_ms /, '')}`);
      if (claimed.field === 'wait_ms')
        throw new UsageError(`--wait: ${claimed.message.replace(/^(body )?wait_ms /, '')}`);
      if (claimed.field === 'max_age_ms')
        throw new UsageError(`--max-age: ${claimed.message.replace(/^(body )?max_age_ms /, '')}`);
      return failure(claimed, `claim of ${resource}`, 'auth');
    default:
      return failure(claimed, `claim of ${resource}`, 'auth');
  }
}

interface HeartbeatValues extends AgentFlags {
  readonly 'min-interval'?: string;
  readonly ttl?: string;
  readonly all?: boolean;
}

async function heartbeat(
  context: AgentContext,
  values: HeartbeatValues,
  [resource]: string[],
  io: CliIo,
): Promise<Outcome> {
  const minIntervalMs = durationFlag('min-interval', values['min-interval']);
  const ttlMs = durationFlag('ttl', values.ttl);
  const options: HeartbeatOptions = {
    ...(minIntervalMs === undefined ? {} : { minIntervalMs }),
    ...(ttlMs === undefined ? {} : { ttlMs }),
  };
  if (values.all === true) {
    if (resource !== undefined)
      throw new UsageError('--all renews every lease this agent keeps: name no resource with it');
    return heartbeatEverything(context, options, io);
  }
  if (resource === undefined)
    throw new UsageError('name the resource to renew, or --all for every lease this agent keeps');
  const beat = await heartbeatLease(context.host, resource, options);
  switch (beat.kind) {
    case 'notHeld':
      return notHeld(context, resource, 'claim it first', `heartbeat of ${resource}`);
    case 'releasing':
      return releasePending(context, resource, beat.token, 'heartbeat');
    case 'throttled':
      return {
        code: EXIT.ok,
        text: `skipped: last heartbeat of ${resource} ${formatDuration(Math.floor(beat.sinceMs / 1000) * 1000)} ago (min interval ${formatDuration(minIntervalMs ?? 0)})`,
        json: {
          resource,
          skipped: true,
          token: beat.lease.token,
          expires_at: beat.lease.expires_at,
        },
      };
    case 'lost':
      return {
        code: EXIT.refused,
        text: `leasehold: ${resource} is lost: ${beat.error.message}`,
        json: { resource, lost: true, error: beat.error },
      };
    case 'renewed':
      // The renewal happened; a state file we cannot write only loses the throttle's memory.
      if (beat.stateError !== null)
        io.stderr(
          `leasehold: warning: cannot write ${context.state.path}: ${beat.stateError.message}\n`,
        );
      return {
        code: EXIT.ok,
        text: `${beat.skipped ? 'skipped (service throttle)' : 'renewed'} ${resource}: token ${beat.lease.token}, expires ${beat.lease.expires_at}`,
        json: {
          resource,
          skipped: beat.skipped,
          token: beat.lease.token,
          expires_at: beat.lease.expires_at,
        },
      };
    default:
      return failure(beat, `heartbeat of ${resource}`);
  }
}

/**
 * `heartbeat --all`: every lease this agent keeps, each renewed (or skipped inside
 * --min-interval) as `heartbeat` renews one; a hook runs it after every tool call.
 */
async function heartbeatEverything(
  context: AgentContext,
  options: HeartbeatOptions,
  io: CliIo,
): Promise<Outcome> {
  const kept = Object.keys(context.state.readAll().leases).sort();
  const renewed: { resource: string; token: number; expires_at: string; skipped: boolean }[] = [];
  const problems: { resource: string; line: string; code: number }[] = [];
  for (const resource of kept) {
    const beat = await heartbeatLease(context.host, resource, options);
    if (beat.kind !== 'renewed' && beat.kind !== 'throttled') {
      problems.push({ resource, ...heartbeatProblem(beat) });
      continue;
    }
    if (beat.kind === 'renewed' && beat.stateError !== null)
      io.stderr(
        `leasehold: warning: cannot write ${context.state.path}: ${beat.stateError.message}\n`,
      );
    const skipped = beat.kind === 'throttled' || beat.skipped;
    renewed.push({ resource, token: beat.lease.token, expires_at: beat.lease.expires_at, skipped });
  }
  const beaten = renewed.filter((r) => !r.skipped).map((r) => r.resource);
  const skipped = renewed.filter((r) => r.skipped).map((r) => r.resource);
  const summary =
    kept.length === 0
      ? `${context.agent} keeps no leases (${context.state.path}); nothing to renew`
      : [
          `heartbeat of ${kept.length} lease${kept.length === 1 ? '' : 's'} of ${context.agent}`,
          beaten.length === 0 ? '' : `; renewed ${beaten.join(', ')}`,
          skipped.length === 0 ? '' : `; skipped (renewed recently) ${skipped.join(', ')}`,
        ].join('');
  const lines = problems.map((p) => `leasehold: heartbeat of ${p.resource}: ${p.line}`);
  return {
    code: problems[0]?.code ?? EXIT.ok,
    text: [summary, ...lines].join('\n'),
    json: {
      agent: context.agent,
      renewed,
      failed: problems.map((p) => ({ resource: p.resource, error: p.line })),
    },
  };
}

/** What went wrong with one lease of `heartbeat --all`, and the exit code it calls for. */
function heartbeatProblem(
  beat: Exclude<HeartbeatOutcome, { readonly kind: 'renewed' | 'throttled' }>,
): { line: string; code: number } {
  switch (beat.kind) {
    case 'lost':
      return { line: `lost: ${beat.error.message}`, code: EXIT.refused };
    case 'releasing':
      return {
        line: `a release of it (token ${beat.token}) was sent and not confirmed; run release again`,
        code: EXIT.refused,
      };
    case 'notHeld':
      return { line: 'no longer kept', code: EXIT.refused };
    case 'unavailable':
      return { line: beat.reason, code: EXIT.unavailable };
    case 'invalid':
      return { line: beat.message, code: EXIT.refused };
    case 'refused':
      return {
        line: authProblem(beat.status, 'refused', beat.error.message) ?? beat.error.message,
        code: beat.status === 401 ? EXIT.auth : EXIT.refused,
      };
    default:
      return assertNever(beat, 'heartbeat outcome');
  }
}

/** A release of the kept lease was sent and not confirmed: gate and heartbeat refuse. */
function releasePending(
  context: AgentContext,
  resource: string,
  token: number,
  command: string,
): Outcome {
  return {
    code: EXIT.refused,
    text: `leasehold: ${command}: ${context.agent} sent a release of ${resource} (token ${token}) that was not confirmed and may still apply; run release again, then claim it if you need it`,
    json: { resource, holds: false, releasing: true, token },
  };
}

/** Where the lease space is, for --json: the service, or the local file (its full path). */
export function whereOf(backend: AgentBackend): Record<string, string> {
  return backend.file === undefined ? { server: backend.description } : { db: backend.file };
}

/** Who holds `resource` and for how long, as the service answers now: a clause, and its fields. */
interface SpaceStatus {
  readonly clause: string;
  readonly json: Record<string, unknown>;
}

/** A lease's status as the service answers it. */
type LeaseStatus = Extract<GateOutcome, { readonly kind: 'notHolder' }>['status'];

async function spaceStatus(
  context: ReaderContext,
  resource: string,
): Promise<SpaceStatus | AgentFailure> {
  const answer = await context.api.call('status', { params: { resource } }, context.requestMs);
  if (answer.kind !== 'reply' || answer.status !== 200) return agentFailure(answer);
  return describeStatus(answer.body, context.backend);
}

/** Time left is counted on this machine's clock against the service's expiry. */
function describeStatus(status: LeaseStatus, backend: AgentBackend): SpaceStatus {
  const leftMs =
    status.expires_at_ms === null ? null : Math.max(0, status.expires_at_ms - wallNowMs());
  const json = {
    status: status.status,
    holder: status.holder,
    token: status.token,
    expires_at: status.expires_at,
    time_left_ms: status.status === 'held' ? leftMs : null,
    ...whereOf(backend),
  };
  switch (status.status) {
    case 'held':
      return {
        clause: `it is held by ${status.holder} (token ${status.token}) for another ${timeLeft(leftMs ?? 0)}, until ${status.expires_at}`,
        json,
      };
    case 'expired':
      return {
        clause: `${status.holder}'s lease on it (token ${status.token}) expired at ${status.expires_at}: it can be claimed`,
        json,
      };
    case 'free':
      return { clause: `it is free (token ${status.token}): it can be claimed`, json };
  }
}

/** This agent keeps no lease on `resource`: what the service says of it, and what to do. */
async function notHeld(
  context: AgentContext,
  resource: string,
  next: string,
  what: string,
): Promise<Outcome> {
  const now = await spaceStatus(readerOf(context), resource);
  if ('kind' in now) return failure(now, what);
  return {
    code: EXIT.refused,
    text: `leasehold: ${context.agent} holds no lease on ${resource} (none kept in ${context.state.path}: never claimed, released, or lost); ${now.clause}; ${next}`,
    json: { resource, held: false, holds: false, ...now.json },
  };
}

/** An agent's context as a reader's. */
function readerOf(context: AgentContext): ReaderContext {
  return {
    agent: context.agent,
    backend: context.backend,
    json: context.json,
    api: context.host.api,
    requestMs: context.host.requestMs,
  };
}

interface ReleaseValues extends AgentFlags {
  readonly 'expected-holder'?: string;
  readonly all?: boolean;
}

async function release(
  context: AgentContext,
  values: ReleaseValues,
  [resource]: string[],
): Promise<Outcome> {
  const expected = values['expected-holder'];
  if (values.all === true) {
    if (resource !== undefined || expected !== undefined)
      throw new UsageError('--all releases every lease this agent keeps: name no resource with it');
    return releaseEverything(context);
  }
  if (resource === undefined)
    throw new UsageError('name the resource to release, or --all for every lease this agent keeps');
  const released = await releaseLease(
    context.host,
    resource,
    expected === undefined ? {} : { expectedHolder: expected },
  );
  switch (released.kind) {
    case 'forceReleased':
      return {
        code: EXIT.ok,
        text: `released ${resource} (held by ${released.previousHolder}); its token is now ${released.token}`,
        json: {
          resource,
          released: true,
          previous_holder: released.previousHolder,
          token: released.token,
        },
      };
    case 'released': {
      const ended =
        released.alreadyEnded === null ? '' : ` (it had already ended: ${released.alreadyEnded})`;
      return {
        code: EXIT.ok,
        text: `released ${resource}${ended}`,
        json: { resource, released: true, token: released.token },
      };
    }
    case 'notHeld':
      return notHeld(context, resource, 'nothing to release', `release of ${resource}`);
    case 'notKept':
      throw new BackendUnavailable(
        `cannot write ${context.state.path} (${released.error.message}); no release was sent`,
      );
    default:
      return expected === undefined
        ? failure(released, `release of ${resource}`)
        : failure(released, `release of ${resource} held by ${expected}`, 'auth');
  }
}

/** `release --all`: every lease this agent keeps, each released as `release` does. */
async function releaseEverything(context: AgentContext): Promise<Outcome> {
  const kept = Object.keys(context.state.readAll().leases).sort();
  const released: { resource: string; token: number }[] = [];
  const problems: { resource: string; line: string; code: number }[] = [];
  for (const resource of kept) {
    const outcome = await releaseLease(context.host, resource);
    if (outcome.kind === 'released') {
      released.push({ resource, token: outcome.token });
      continue;
    }
    const why =
      outcome.kind === 'unavailable'
        ? { line: outcome.reason, code: EXIT.unavailable }
        : outcome.kind === 'notKept'
          ? {
              line: `cannot write ${context.state.path}: ${outcome.error.message}`,
              code: EXIT.unavailable,
            }
          : outcome.kind === 'refused'
            ? {
                line:
                  authProblem(outcome.status, 'refused', outcome.error.message) ??
                  outcome.error.message,
                code: outcome.status === 401 ? EXIT.auth : EXIT.refused,
              }
            : outcome.kind === 'invalid'
              ? { line: outcome.message, code: EXIT.refused }
              : { line: outcome.kind, code: EXIT.refused };
    problems.push({ resource, ...why });
  }
  const list = released.map((r) => r.resource).join(', ');
  const lines = [
    kept.length === 0
      ? `${context.agent} keeps no leases (${context.state.path}); nothing to release`
      : `released ${released.length} of ${kept.length} lease${kept.length === 1 ? '' : 's'} of ${context.agent}${list === '' ? '' : `: ${list}`}`,
    ...problems.map((p) => `leasehold: release of ${p.resource}: ${p.line}`),
  ];
  return {
    code: problems[0]?.code ?? EXIT.ok,
    text: lines.join('\n'),
    json: {
      agent: context.agent,
      released,
      failed: problems.map((p) => ({ resource: p.resource, error: p.line })),
    },
  };
}

interface LeasesValues extends AgentFlags {
  readonly holder?: string;
  readonly prefix?: string;
  readonly status?: string;
}

async function leases(context: ReaderContext, values: LeasesValues): Promise<Outcome> {
  const query: Record<string, string> = { limit: '1000' };
  if (values.holder !== undefined) query.holder = values.holder;
  if (values.prefix !== undefined) query.prefix = values.prefix;
  if (values.status !== undefined) query.status = values.status;
  const answer = await context.api.call('list', { query }, context.requestMs);
  if (answer.kind !== 'reply' || answer.status !== 200)
    return failure(agentFailure(answer), 'list');
  const rows = answer.body.leases;
  const text =
    rows.length === 0
      ? 'no leases'
      : rows
          .map(
            (l) =>
              `${l.status.padEnd(7)} ${l.resource}  ${l.holder ?? '-'}  token ${l.token}${l.expires_at === null ? '' : `  expires ${l.expires_at}`}`,
          )
          .join('\n');
  return {
    code: EXIT.ok,
    text,
    json: { leases: rows, next: answer.body.next, ...whereOf(context.backend) },
  };
}

async function gate(
  context: AgentContext | ReaderContext,
  _values: AgentFlags,
  [resource = '']: string[],
): Promise<Outcome> {
  if (!('host' in context)) {
    // No agent named: nobody this command speaks for holds it; say who does.
    const now = await spaceStatus(context, resource);
    if ('kind' in now) return failure(now, `gate of ${resource}`);
    return {
      code: EXIT.refused,
      text: `leasehold: gate: no agent named (--agent ID or LEASEHOLD_AGENT), so none of its leases can pass; ${resource}: ${now.clause}`,
      json: { resource, holds: false, ...now.json },
    };
  }
  const gated = await gateLease(context.host, resource);
  switch (gated.kind) {
    case 'holds':
      return {
        code: EXIT.ok,
        text: '',
        json: {
          resource,
          holds: true,
          token: gated.token,
          expires_at: gated.expiresAt,
          valid_until: new Date(gated.untilWallMs).toISOString(),
          time_left_ms: Math.max(0, gated.untilWallMs - wallNowMs()),
          ...whereOf(context.backend),
        },
      };
    case 'notHeld':
      return notHeld(context, resource, 'claim it first', `gate of ${resource}`);
    case 'releasing':
      return releasePending(context, resource, gated.token, 'gate');
    case 'notHolder': {
      const now = describeStatus(gated.status, context.backend);
      const text = gated.beliefEnded
        ? `leasehold: gate: ${context.agent} cannot be sure it still holds ${resource}: the service has it held by ${context.agent}, but not renewed in time for this agent to be sure of it; heartbeat, or claim it again`
        : `leasehold: gate: ${context.agent} does not hold ${resource}: ${now.clause}; claim it first`;
      return {
        code: EXIT.refused,
        text,
        json: { resource, holds: false, belief_ended: gated.beliefEnded, ...now.json },
      };
    }
    default:
      return failure(gated, `gate of ${resource}`);
  }
}

/** Admin: releases every lease `holder` holds (an agent that died), and lists them. */
async function releaseHolder(
  context: ReaderContext,
  _values: AgentFlags,
  [holder = '']: string[],
): Promise<Outcome> {
  const problem = checkHolder(holder, 'holder');
  if (problem !== null) throw new UsageError(`<agent>: ${problem.reason}`);
  const released: { resource: string; token: number }[] = [];
  let complete = false;
  for (let call = 0; call < RELEASE_HOLDER_CALLS_MAX && !complete; call++) {
    const answer = await context.api.call('releaseHolder', { body: { holder } }, context.requestMs);
    if (answer.kind !== 'reply' || answer.status !== 200)
      return failure(agentFailure(answer), `release of ${holder}'s leases`, 'auth');
    released.push(...answer.body.released);
    complete = answer.body.complete;
  }
  const list = released.map((r) => `${r.resource} (token ${r.token})`).join(', ');
  const more = complete ? '' : `; more may remain: run it again`;
  return {
    code: EXIT.ok,
    text: `released ${released.length} lease${released.length === 1 ? '' : 's'} of ${holder}${list === '' ? '' : `: ${list}`}${more}`,
    json: { holder, released, complete },
  };
}

async function cleanup(context: AgentContext): Promise<Outcome> {
  const answer = await context.host.api.call('cleanup', { body: {} }, context.host.requestMs);
  if (answer.kind !== 'reply' || answer.status !== 200)
    return failure(agentFailure(answer), 'cleanup', 'auth');
  const expired = answer.body.expired;
  return {
    code: EXIT.ok,
    text: `cleanup: ${expired.length} expired lease${expired.length === 1 ? '' : 's'} marked free${expired.length === 0 ? '' : `: ${expired.join(', ')}`}; ${answer.body.history_pruned} history events pruned`,
    json: { expired, history_pruned: answer.body.history_pruned },
  };
}

/** The agent commands, for `createProgram`. */
export function agentCommands(io: CliIo, done: Done): Command[] {
  const claimCommand = agentCommand<AgentContext, ClaimValues>(
    'claim',
    'claim a lease on <resource> for this agent',
    io,
    done,
    agentContext,
    claim,
  )
    .argument(
      '<resources...>',
      'what to lease: any UTF-8 name (a path, a branch, a task); several are claimed all or none',
    )
    .option('--ttl <duration>', "lease time to live: 90s, 60m, 1h30m (default: the service's, 5m)")
    .option('--wait <duration>', 'wait this long (at most 60s) for the holder to release it')
    .option(
      '--max-renewals <n>',
      "the lease's own renewal limit, kept with it: heartbeats past it are refused",
    )
    .option(
      '--max-age <duration>',
      "the lease's own maximum age (at least its TTL): heartbeats never renew it past claim time + this",
    )
    .option(
      '--force',
      'take the lease over from its holder (an admin action; the holder is fenced)',
    );
  const heartbeatCommand = agentCommand<AgentContext, HeartbeatValues>(
    'heartbeat',
    "renew this agent's lease on <resource> (or --all of them)",
    io,
    done,
    agentContext,
    heartbeat,
  )
    .argument('[resource]')
    .option('--all', 'renew every lease this agent keeps (after every tool call of a session)')
    .option(
      '--min-interval <duration>',
      'skip when the last heartbeat was this recent (a throttle for hooks)',
    )
    .option('--ttl <duration>', "new time to live, from now (default: the lease's own)");
  const releaseCommand = agentCommand<AgentContext, ReleaseValues>(
    'release',
    "release this agent's lease on <resource> (or --all of them)",
    io,
    done,
    agentContext,
    release,
  )
    .argument('[resource]')
    .option('--all', 'release every lease this agent keeps (at the end of its session)')
    .option(
      '--expected-holder <id>',
      "admin: release whoever's lease it is, if <id> still holds it",
    );
  const leasesCommand = agentCommand<ReaderContext, LeasesValues>(
    'leases',
    'list leases (no agent id needed)',
    io,
    done,
    readerContext,
    leases,
  )
    .option('--holder <id>', 'only leases this holder holds')
    .option('--prefix <text>', 'only resources starting with <text>')
    .option('--status <status>', 'held, free or expired');
  const gateCommand = agentCommand<AgentContext | ReaderContext, AgentFlags>(
    'gate',
    'exit 0 only if this agent holds <resource> (for pre-edit hooks); otherwise say who does, and until when',
    io,
    done,
    agentOrReaderContext,
    gate,
  ).argument('<resource>');
  const cleanupCommand = agentCommand(
    'cleanup',
    'admin: mark expired leases free and prune old history',
    io,
    done,
    agentContext,
    cleanup,
  );
  const releaseHolderCommand = agentCommand(
    'release-holder',
    'admin: release every lease <agent> holds (an agent that died)',
    io,
    done,
    readerContext,
    releaseHolder,
  ).argument('<agent>', 'the holder id whose leases to release');
  return [
    claimCommand,
    heartbeatCommand,
    releaseCommand,
    leasesCommand,
    gateCommand,
    releaseHolderCommand,
    cleanupCommand,
  ];
}
