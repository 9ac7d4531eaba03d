import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { LeaseApi, SERVICE_URLS_MAX } from '@leasehold/api';
import type { AgentHost } from '@leasehold/client';
import { checkHolder, DEFAULT_CONFIG } from '@leasehold/core';
import { BackendUnavailable, httpBackend, type AgentBackend } from './agent-backend.js';
import { AgentStateFile } from './agent-state.js';
import { UsageError, type CliIo } from './io.js';
import { repositoryDb } from './repository-db.js';
import { REQUEST_MS_MAX } from './limits.js';
import { wallNowMs } from './system-clock.js';

/** Flags every agent command takes. */
export interface AgentFlags {
  readonly agent?: string;
  readonly server?: string;
  readonly db?: string;
  readonly 'state-dir'?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/** The config file's fields (all optional; flags and environment win). */
interface AgentConfigFile {
  readonly agent?: string;
  readonly server?: string;
  readonly db?: string;
  readonly state_dir?: string;
}

export const CONFIG_FILE_DEFAULT = '.leasehold/config.json';
export const STATE_DIR_DEFAULT = '.leasehold';

export interface AgentContext {
  readonly agent: string;
  readonly backend: AgentBackend;
  readonly state: AgentStateFile;
  readonly json: boolean;
  /** What the agent decisions of `@leasehold/client` run over. */
  readonly host: AgentHost;
}

function contextOf(
  agent: string,
  backend: AgentBackend,
  state: AgentStateFile,
  json: boolean,
): AgentContext {
  const host: AgentHost = {
    agent,
    api: new LeaseApi(backend.transport),
    state,
    // Each command is a process of its own: the wall clock is the only one they share.
    wallMs: wallNowMs,
    config: DEFAULT_CONFIG,
    requestMs: REQUEST_MS_MAX,
    description: backend.description,
    requestId: () => randomUUID(),
  };
  return { agent, backend, state, json, host };
}

/**
 * Who this agent is and where its leases live. Agent id: `--agent`, `LEASEHOLD_AGENT`, or the
 * config file's "agent". Service: `--server`, `LEASEHOLD_URL`, or the config's "server"; without
 * one, a local SQLite file (`--db`, `LEASEHOLD_DB`, the config's "db", else the git repository's
 * own file, shared by its worktrees: `repository-db.ts`; outside a repository the command refuses
 * rather than guess a file two agents might not share). API key: `LEASEHOLD_API_KEY` (never a
 * flag: flags show in process listings).
 */
export async function agentContext(flags: AgentFlags, io: CliIo): Promise<AgentContext> {
  const config = readConfig(flags, io);
  const agent = agentOf(flags, io, config);
  if (agent === undefined) {
    throw new UsageError(
      `name this agent: --agent ID, LEASEHOLD_AGENT, or "agent" in ${CONFIG_FILE_DEFAULT}`,
    );
  }
  const stateDir = pathIn(
    io,
    flags['state-dir'] ?? envOf(io, 'LEASEHOLD_STATE_DIR') ?? config.state_dir ?? STATE_DIR_DEFAULT,
  );
  const state = new AgentStateFile(stateDir, agent);
  const backend = await openBackend(flags, io, config, agent);
  return contextOf(agent, backend, state, flags.json === true);
}

/** What a command that only reads the lease space needs: the service, and no agent identity. */
export interface ReaderContext {
  /** The agent, when one is named (over HTTP the service then counts its rate limit by it). */
  readonly agent: string | null;
  readonly backend: AgentBackend;
  readonly json: boolean;
  readonly api: LeaseApi;
  readonly requestMs: number;
}

/** As `agentContext`, for a command that reads: an agent id is used if named, not required. */
export async function readerContext(flags: AgentFlags, io: CliIo): Promise<ReaderContext> {
  const config = readConfig(flags, io);
  const agent = agentOf(flags, io, config) ?? null;
  const backend = await openBackend(flags, io, config, agent);
  return {
    agent,
    backend,
    json: flags.json === true,
    api: new LeaseApi(backend.transport),
    requestMs: REQUEST_MS_MAX,
  };
}

/** `agentContext` when an agent is named, else `readerContext` (for `gate`). */
export async function agentOrReaderContext(
  flags: AgentFlags,
  io: CliIo,
): Promise<AgentContext | ReaderContext> {
  const named = agentOf(flags, io, readConfig(flags, io)) !== undefined;
  return named ? agentContext(flags, io) : readerContext(flags, io);
}

function envOf(io: CliIo, name: string): string | undefined {
  return io.env[name] === '' ? undefined : io.env[name];
}

function pathIn(io: CliIo, path: string): string {
  return isAbsolute(path) ? path : join(io.cwd, path);
}

/** The agent id named by flag, environment or config (checked), or undefined for none. */
function agentOf(flags: AgentFlags, io: CliIo, config: AgentConfigFile): string | undefined {
  const agent = flags.agent ?? envOf(io, 'LEASEHOLD_AGENT') ?? config.agent;
  if (agent === undefined || agent === '') return undefined;
  const problem = checkHolder(agent, 'agent');
  if (problem !== null) throw new UsageError(`--${problem.reason}`);
  return agent;
}

/** The lease service named, or the local file: see `agentContext`. */
async function openBackend(
  flags: AgentFlags,
  io: CliIo,
  config: AgentConfigFile,
  agent: string | null,
): Promise<AgentBackend> {
  const server = flags.server ?? envOf(io, 'LEASEHOLD_URL') ?? config.server;
  if (server !== undefined) {
    if (flags.db !== undefined)
      throw new UsageError('--db names a local file; leave it out with --server');
    // Several URLs, comma separated: replicas of the service, failed over between.
    const urls = server.split(',');
    if (urls.length > SERVICE_URLS_MAX)
      throw new UsageError(`--server takes ${SERVICE_URLS_MAX} URLs at most (got ${urls.length})`);
    for (const url of urls) {
      if (!/^https?:\/\/\S+$/.test(url)) {
        throw new UsageError(
          `--server must be an http:// or https:// URL, or several separated by commas (got ${JSON.stringify(url)})`,
        );
      }
    }
    return httpBackend(urls, envOf(io, 'LEASEHOLD_API_KEY'), agent);
  }
  const named = flags.db ?? envOf(io, 'LEASEHOLD_DB') ?? config.db;
  const db = named === undefined ? repositoryDb(io.cwd) : pathIn(io, named);
  if (db === null) {
    throw new UsageError(
      `${io.cwd} is not in a git repository, so there is no local lease file every agent of it ` +
        `would share: name the lease service (--server URL or LEASEHOLD_URL) or a file ` +
        `(--db FILE or LEASEHOLD_DB)`,
    );
  }
  // A file under the state directory (.leasehold/leases.db) needs the directory first.
  mkdirSync(dirname(db), { recursive: true });
  // Loaded only here: an agent talking to a service never loads the service or SQLite.
  const { localFileBackend } = await import('./local-backend.js');
  const opened = await localFileBackend(db, `file ${named ?? db}`);
  if ('refused' in opened) throw new BackendUnavailable(opened.refused);
  return opened;
}

function readConfig(flags: AgentFlags, io: CliIo): AgentConfigFile {
  const named = flags.config ?? io.env.LEASEHOLD_CONFIG;
  const path = named ?? join(io.cwd, CONFIG_FILE_DEFAULT);
  const full = isAbsolute(path) ? path : join(io.cwd, path);
  if (named === undefined && !existsSync(full)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`the config file ${path} must hold a JSON object`);
  }
  const known = ['agent', 'server', 'db', 'state_dir'];
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.includes(key)) {
      throw new UsageError(
        `the config file ${path}: "${key}" is not a setting (known: ${known.join(', ')})`,
      );
    }
    if (typeof value !== 'string')
      throw new UsageError(`the config file ${path}: "${key}" must be a string`);
  }
  return parsed as AgentConfigFile;
}
