import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * leasehold as a user gets it: every workspace package built and packed (`npm pack`), the
 * tarballs installed with `npm install` into an empty project outside the repository (no
 * workspace links), and used there under plain Node: the CLI, a TypeScript implementation with
 * `--impl`, a vitest suite with `describeDst`, and the client and SQLite store from a `.mjs` file.
 *
 * Run by `npm run test:packed` (and `.ci/run`), not `npm test`: the install compiles
 * better-sqlite3 where no prebuilt binary is reachable, a minute or two.
 */
const root = join(import.meta.dirname, '..', '..');
const keep = process.env.LEASEHOLD_KEEP_PACKED === '1';
/** Caps, not expectations: the install compiles a native addon on a possibly loaded machine. */
const INSTALL_MS_MAX = 20 * 60_000;
const COMMAND_MS_MAX = 10 * 60_000;

/** The install scripts the project lets run (npm 11 warns of any other): native builds. */
const ALLOW_SCRIPTS = { 'better-sqlite3': true, esbuild: true, protobufjs: true };

let work = '';
let project = '';

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeout = COMMAND_MS_MAX): Ran {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', DST_SEED: '', FORCE_COLOR: '0' },
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(ran: Ran, what: string): Ran {
  if (ran.status !== 0)
    throw new Error(
      `${what} exited ${ran.status}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`,
    );
  return ran;
}

/** The version the repository itself uses, so the project tests what the repository tests. */
function installedVersion(name: string): string {
  const manifest = JSON.parse(
    readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

const USER_SUITE = `import { describeDst } from '@leasehold/sim/vitest';
import { implementation } from './my-lease.ts';

describeDst('my lease under storage faults', {
  scenario: 'storage-faults',
  seeds: 5,
  implementation,
  implementationModule: 'my-lease.ts',
});
`;

const USER_PROPERTY = `import fc from 'fast-check';
import { test } from 'vitest';
import { leaseProperty } from '@leasehold/sim/fast-check';
import { implementation } from './my-lease.ts';

test('my lease holds over arbitrary worlds', async () => {
  await fc.assert(leaseProperty({ implementation, implementationModule: 'my-lease.ts' }), {
    numRuns: 25,
  });
});
`;

const PLAIN_NODE = `import { LeaseClient, systemClock } from '@leasehold/client';
import { resolveConfig } from '@leasehold/core';
import { openSqliteStore } from '@leasehold/store-sqlite';

const opened = openSqliteStore(process.argv[2]);
if (opened.kind !== 'ok') throw new Error(opened.reason);
const config = resolveConfig({});
if (config.kind !== 'ok') throw new Error(config.reason);
const client = new LeaseClient({
  store: opened.store,
  clock: systemClock(),
  holder: 'agent-1',
  config: config.config,
});
const first = await client.acquire('docs/readme', { ttlMs: 60_000 });
if (first.kind !== 'granted') throw new Error(first.kind);
console.log('granted token ' + first.lease.token);
console.log('released: ' + (await client.release(first.lease)).kind);
const second = await client.acquire('docs/readme', { ttlMs: 60_000 });
if (second.kind !== 'granted') throw new Error(second.kind);
console.log('granted token ' + second.lease.token);
opened.store.close();
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    types: ['node'],
    skipLibCheck: false,
  },
  include: ['*.ts', '*.mts'],
};

describe('packed packages installed into an empty project (plain Node, no workspace)', () => {
  beforeAll(() => {
    ok(run('npm', ['run', 'build', '--silent'], root), 'npm run build');
    work = mkdtempSync(join(tmpdir(), 'leasehold-packed-'));
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const packed = ok(
      run('npm', ['pack', '--workspaces', '--json', '--pack-destination', tarballs], root),
      'npm pack',
    );
    const files = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) =>
      join(tarballs, p.filename),
    );
    expect(files.length).toBe(9);
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'leasehold-user', private: true, type: 'module', allowScripts: ALLOW_SCRIPTS }, null, 2)}\n`,
    );
    const tools = ['vitest', 'tsx', 'typescript', '@types/node', 'fast-check'].map(
      (name) => `${name}@${installedVersion(name)}`,
    );
    ok(
      run(
        'npm',
        ['install', '--no-audit', '--no-fund', ...files, ...tools],
        project,
        INSTALL_MS_MAX,
      ),
      'npm install',
    );
    copyFileSync(join(root, 'examples', 'my-lease.ts'), join(project, 'my-lease.ts'));
    writeFileSync(join(project, 'lease.test.ts'), USER_SUITE);
    writeFileSync(join(project, 'property.test.ts'), USER_PROPERTY);
    writeFileSync(join(project, 'use-sqlite.mjs'), PLAIN_NODE);
    writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  }, INSTALL_MS_MAX);

  afterAll(() => {
    if (work !== '' && !keep) rmSync(work, { recursive: true, force: true });
  });

  it('installed from tarballs, not linked: no TypeScript sources are run', () => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', '@leasehold', 'cli', 'package.json'), 'utf8'),
    ) as { bin: Record<string, string> };
    expect(manifest.bin.leasehold).toBe('./bin/leasehold.js');
    const lock = readFileSync(join(project, 'package-lock.json'), 'utf8');
    expect(lock).toContain('"resolved": "file:');
    expect(lock).not.toContain('"link": true');
  });

  it('npx leasehold dst run --seeds 20: a seeded sweep of every scenario passes', () => {
    const ran = ok(run('npx', ['leasehold', 'dst', 'run', '--seeds', '20'], project), 'dst run');
    expect(ran.stdout + ran.stderr).toContain('all runs passed');
  });

  it('--impl runs a TypeScript implementation of the user, and a zoo bug is reported', () => {
    const mine = run(
      'npx',
      ['leasehold', 'dst', 'run', '--impl', 'my-lease.ts', '--scenario', 'swarm', '--seeds', '10'],
      project,
    );
    expect(mine.status, mine.stderr).toBe(0);
    const broken = run(
      'npx',
      ['leasehold', 'dst', 'run', '--impl', 'zoo:Z8', '--scenario', 'swarm', '--seed', '2'],
      project,
    );
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('--impl zoo:Z8');
  });

  it('a vitest suite with describeDst runs against the user implementation', () => {
    const ran = ok(run('npx', ['vitest', 'run', 'lease.test.ts'], project), 'vitest');
    expect(ran.stdout).toMatch(/5 passed/);
  });

  it('a fast-check property runs against the user implementation', () => {
    const ran = ok(run('npx', ['vitest', 'run', 'property.test.ts'], project), 'vitest');
    expect(ran.stdout).toMatch(/1 passed/);
  });

  it('--reporter junit writes its report under plain Node', () => {
    ok(
      run(
        'npx',
        [
          'leasehold',
          'dst',
          'run',
          '--scenario',
          'baseline',
          '--seeds',
          '3',
          '--reporter',
          'junit',
          '--output',
          'dst.xml',
        ],
        project,
      ),
      'dst run --reporter junit',
    );
    const xml = readFileSync(join(project, 'dst.xml'), 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
  });

  it('leasehold --version and --help answer under plain Node', () => {
    const version = ok(run('npx', ['leasehold', '--version'], project), 'leasehold --version');
    expect(version.stdout).toBe('0.1.0\n');
    const help = ok(
      run('npx', ['leasehold', 'help', 'dst', 'run'], project),
      'leasehold help dst run',
    );
    expect(help.stdout).toMatch(/^Usage: leasehold dst run /);
  });

  it('the client and the SQLite store import from a plain .mjs file', () => {
    const db = join(project, 'leases.db');
    const ran = ok(run(process.execPath, ['use-sqlite.mjs', db], project), 'node use-sqlite.mjs');
    expect(ran.stdout).toBe('granted token 1\nreleased: released\ngranted token 2\n');
  });

  it('the type declarations check under NodeNext (exports carry types)', () => {
    ok(run('npx', ['tsc', '-p', 'tsconfig.json'], project), 'tsc');
  });
});
