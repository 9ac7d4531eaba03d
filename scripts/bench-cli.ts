/**
 * npm run bench:cli — how long an agent's command takes, as a hook runs it after every tool call:
 * `claim`, `gate`, `heartbeat`, `release` and `leases` from the packed packages installed into an
 * empty project (plain Node, the installed binary), against a `leasehold serve` running there, each
 * beside `node -e 0` (bare Node's start) in the same rounds. One round runs bare Node and then the
 * five commands on a fresh resource, so every command has its normal outcome (exit 0); the report
 * gives each command's median and 90th percentile wall time over the rounds and its median
 * against bare Node's median. Targets: median at most 100 ms and at most 2.5x bare Node.
 *
 *   npm run bench:cli [-- --rounds N] [--project DIR]
 *
 * Without --project the script builds, packs every workspace package and installs the tarballs
 * into a new temporary project (a minute or two: the install compiles better-sqlite3 where no
 * prebuilt binary is reachable), and prints its path: pass it as --project to measure again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, scriptFlags } from './bench-args';

const flags = scriptFlags(
  'bench:cli',
  "agent commands' wall time from the packed install, beside bare Node's start",
  {
    rounds: { int: 30, help: 'rounds (bare Node, then each command once); medians over them' },
    project: { text: true, help: 'an installed project to reuse (printed by an earlier run)' },
  },
);

const COMMANDS = ['claim', 'gate', 'heartbeat', 'release', 'leases'] as const;
const MEDIAN_MS_MAX = 100;
const BARE_RATIO_MAX = 2.5;
/** How long the service may take to say where it listens. */
const SERVE_START_MS_MAX = 60_000;
/** The native builds a packed install may run (as the packed test allows). */
const ALLOW_SCRIPTS = { 'better-sqlite3': true, esbuild: true, protobufjs: true };

const root = resolve(import.meta.dirname, '..');

function must(command: string, args: readonly string[], cwd: string): string {
  const ran = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (ran.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${ran.status}\n${ran.stdout}${ran.stderr}`,
    );
  }
  return ran.stdout;
}

/** Packs every workspace package and installs the tarballs into a new empty project. */
function packedProject(): string {
  const work = mkdtempSync(join(tmpdir(), 'leasehold-bench-cli-'));
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  console.error('bench:cli: building, packing and installing into an empty project ...');
  must('npm', ['run', 'build', '--silent'], root);
  must('npm', ['pack', '--workspaces', '--silent', '--pack-destination', tarballs], root);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'bench-cli', private: true, type: 'module', allowScripts: ALLOW_SCRIPTS }, null, 2)}\n`,
  );
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  must('npm', ['install', '--no-audit', '--no-fund', ...files], project);
  console.error(`bench:cli: installed in ${project} (pass --project ${project} to reuse it)`);
  return project;
}

async function startService(
  bin: string,
  project: string,
): Promise<{ url: string; server: ChildProcess }> {
  const server = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--db', join(project, 'bench-cli.db'), '--log-level', 'silent'],
    { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  server.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const started = Date.now();
  while (Date.now() - started < SERVE_START_MS_MAX) {
    const url = /serving on (\S+)/.exec(err)?.[1];
    if (url !== undefined) return { url, server };
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  server.kill('SIGKILL');
  throw new Error(`leasehold serve did not start:\n${err}`);
}

/** Wall milliseconds of one process run to its exit; it must exit 0. */
function timed(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const ran = spawnSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (ran.status !== 0) throw new Error(`${args.join(' ')} exited ${ran.status}: ${ran.stderr}`);
  return ms;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const project = flags.project === undefined ? packedProject() : resolve(flags.project);
const bin = join(project, 'node_modules', '@leasehold', 'cli', 'bin', 'leasehold.js');
if (!existsSync(bin)) {
  console.error(`bench:cli: ${bin} does not exist: --project must name an installed project`);
  process.exit(64);
}
const { url, server } = await startService(bin, project);
const env = {
  ...process.env,
  LEASEHOLD_URL: url,
  LEASEHOLD_AGENT: 'bench-agent',
  LEASEHOLD_STATE_DIR: join(project, '.leasehold'),
  NO_COLOR: '1',
};
const times: Record<string, number[]> = { 'node -e 0': [] };
for (const command of COMMANDS) times[command] = [];
try {
  for (let round = 0; round < flags.rounds; round++) {
    times['node -e 0']!.push(timed(['-e', '0'], project, env));
    const resource = `src/file-${round}.ts`;
    for (const command of COMMANDS) {
      const args = command === 'leases' ? [bin, command] : [bin, command, resource];
      if (command === 'claim') args.push('--ttl', '10m');
      times[command]!.push(timed(args, project, env));
    }
  }
} finally {
  server.kill('SIGTERM');
}

const bare = median(times['node -e 0']!);
console.log(
  `bench:cli: ${flags.rounds} rounds, Node ${process.version}, ${cpus().length} cores, ` +
    `the installed bin of ${project}, against ${url}`,
);
console.log('command      median ms   p90 ms   x bare Node   verdict');
let met = true;
for (const [name, values] of Object.entries(times)) {
  const m = median(values);
  const ratio = m / bare;
  const ok = name === 'node -e 0' || (m <= MEDIAN_MS_MAX && ratio <= BARE_RATIO_MAX);
  if (!ok) met = false;
  const verdict = name === 'node -e 0' ? '' : ok ? 'met' : 'NOT met';
  console.log(
    `${name.padEnd(12)} ${m.toFixed(1).padStart(9)} ${percentile(values, 0.9).toFixed(1).padStart(8)} ${ratio.toFixed(2).padStart(13)}   ${verdict}`,
  );
}
console.log(
  `targets: median at most ${MEDIAN_MS_MAX} ms and at most ${BARE_RATIO_MAX}x bare Node: ${met ? 'met' : 'NOT met'}`,
);
