import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, readmeBlock } from '../readme-blocks';

/**
 * leasehold as a user gets it, by the README's own blocks: every workspace package built and
 * packed (`npm pack --workspaces`), the tarballs installed with `npm install` into an empty
 * project outside the repository (no workspace links), and used there under plain Node: the
 * CLI, a TypeScript implementation with `--impl`, the README's vitest suites (`describeDst`, and
 * fast-check properties in both styles), and its `.mjs` file that imports the client and the
 * SQLite store.
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

/** A README command, as a shell runs it. */
function bash(command: string, cwd: string, timeout = COMMAND_MS_MAX): Ran {
  return run('bash', ['-c', `set -eo pipefail\n${command}`], cwd, timeout);
}

/** The version the repository itself uses, so the project tests what the repository tests. */
function installedVersion(name: string): string {
  const manifest = JSON.parse(
    readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

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
  include: ['src/*.ts'],
};

describe('packed packages installed into an empty project (plain Node, no workspace)', () => {
  beforeAll(() => {
    ok(run('npm', ['run', 'build', '--silent'], root), 'npm run build');
    work = mkdtempSync(join(tmpdir(), 'leasehold-packed-'));
    // The README's two commands: pack in this repository (installed already, so without its
    // `npm ci`), then install beside it, from ../leasehold-tarballs.
    const [pack, install] = commands(readmeBlock('npm ci && npm pack --workspaces'));
    expect(pack).toBe('npm ci && npm pack --workspaces --pack-destination ../leasehold-tarballs');
    const tarballs = join(work, 'leasehold-tarballs');
    mkdirSync(tarballs);
    const packed = ok(
      run('npm', ['pack', '--workspaces', '--json', '--pack-destination', tarballs], root),
      'npm pack',
    );
    // One tarball for every package of the workspace.
    expect((JSON.parse(packed.stdout) as unknown[]).length).toBe(
      readdirSync(join(root, 'packages')).length,
    );
    project = join(work, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'leasehold-user', private: true, type: 'module', allowScripts: ALLOW_SCRIPTS }, null, 2)}\n`,
    );
    ok(bash(install!, project, INSTALL_MS_MAX), install!);
    // What this test needs besides: the type checker, and @fast-check/vitest for the README's
    // second property style.
    const tools = ['typescript', '@types/node', '@fast-check/vitest'].map(
      (name) => `${name}@${installedVersion(name)}`,
    );
    ok(
      run('npm', ['install', '--no-audit', '--no-fund', ...tools], project, INSTALL_MS_MAX),
      'npm install (tools)',
    );
    copyFileSync(join(root, 'examples', 'my-lease.ts'), join(project, 'src', 'my-lease.ts'));
    writeFileSync(
      join(project, 'src', 'lease.test.ts'),
      readmeBlock("import { describeDst } from '@leasehold/sim/vitest';").body,
    );
    writeFileSync(
      join(project, 'src', 'property.test.ts'),
      readmeBlock("import fc from 'fast-check';").body,
    );
    writeFileSync(join(project, 'use-sqlite.mjs'), readmeBlock('// use-sqlite.mjs').body);
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

  const inProject = commands(readmeBlock('npx leasehold dst run --seeds 20'));

  it(`${inProject[0]}: a seeded sweep of every scenario passes`, () => {
    const ran = ok(bash(inProject[0]!, project), inProject[0]!);
    expect(ran.stdout + ran.stderr).toContain('all runs passed');
  });

  it(`${inProject[1]}: the user's TypeScript implementation under the harness`, () => {
    const ran = ok(bash(inProject[1]!, project), inProject[1]!);
    expect(ran.stdout + ran.stderr).toContain('all runs passed');
  });

  it('a bug of the zoo is reported, its reproduce line naming it', () => {
    const broken = run(
      'npx',
      ['leasehold', 'dst', 'run', '--impl', 'zoo:Z8', '--scenario', 'swarm', '--seed', '2'],
      project,
    );
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('--impl zoo:Z8');
  });

  it(`${inProject[2]}: the README's describeDst suites and fast-check properties pass`, () => {
    const ran = ok(bash(inProject[2]!, project), inProject[2]!);
    expect(ran.stdout).toMatch(/Test Files {2}2 passed \(2\)/);
    expect(ran.stdout).not.toMatch(/failed/);
  });

  it("the README's use-sqlite.mjs: the client and the SQLite store from plain JavaScript", () => {
    const ran = ok(run(process.execPath, ['use-sqlite.mjs'], project), 'node use-sqlite.mjs');
    expect(ran.stdout).toBe('granted token 1\nreleased: released\n');
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

  it('leasehold serve and the agent commands under plain Node: over HTTP and on a local file', async () => {
    // The installed binary itself (not through npx, which might not pass SIGTERM on).
    const bin = join(project, 'node_modules', '@leasehold', 'cli', 'bin', 'leasehold.js');
    const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', 'served.db'], {
      cwd: project,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    server.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      await expect
        .poll(() => /serving on (\S+)/.exec(err)?.[1], { timeout: COMMAND_MS_MAX })
        .toBeTruthy();
      const url = /serving on (\S+)/.exec(err)![1]!;
      for (const where of [
        ['--server', url],
        ['--db', 'agents.db'],
      ]) {
        const agent = ['--agent', 'packed-agent', ...where];
        ok(
          run('npx', ['leasehold', 'claim', 'src/app.ts', '--ttl', '10m', ...agent], project),
          'claim',
        );
        ok(run('npx', ['leasehold', 'gate', 'src/app.ts', ...agent], project), 'gate');
        const other = run(
          'npx',
          ['leasehold', 'claim', 'src/app.ts', '--agent', 'other', ...where],
          project,
        );
        expect(other.status, other.stderr).toBe(1);
        expect(other.stderr).toContain('held by packed-agent');
        ok(run('npx', ['leasehold', 'release', 'src/app.ts', ...agent], project), 'release');
      }
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('the agent commands over HTTP load the HTTP client only: no tsx, schema library, simulator, model, service or store driver', async () => {
    const bin = join(project, 'node_modules', '@leasehold', 'cli', 'bin', 'leasehold.js');
    const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', 'probed.db'], {
      cwd: project,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    server.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    // Every module a command loads, written down by hooks set before it runs: one for require()
    // (CommonJS, and ES modules required), one for import().
    const loaded = join(work, 'loaded.txt');
    const requireProbe = join(work, 'probe.cjs');
    writeFileSync(
      requireProbe,
      [
        "const Module = require('node:module');",
        "const { appendFileSync } = require('node:fs');",
        'const resolve = Module._resolveFilename;',
        'Module._resolveFilename = function (...args) {',
        '  const found = resolve.apply(this, args);',
        `  appendFileSync(${JSON.stringify(loaded)}, found + '\\n');`,
        '  return found;',
        '};',
        '',
      ].join('\n'),
    );
    const importProbe = join(work, 'probe.mjs');
    writeFileSync(
      importProbe,
      `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(
        `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const resolved = await next(specifier, context);\n  appendFileSync(${JSON.stringify(loaded)}, resolved.url + '\\n');\n  return resolved;\n}\n`,
      )}));\n`,
    );
    try {
      await expect
        .poll(() => /serving on (\S+)/.exec(err)?.[1], { timeout: COMMAND_MS_MAX })
        .toBeTruthy();
      const url = /serving on (\S+)/.exec(err)![1]!;
      const agent = ['--agent', 'probed-agent', '--server', url];
      for (const args of [
        ['claim', 'src/probed.ts', ...agent],
        ['gate', 'src/probed.ts', ...agent],
        ['heartbeat', 'src/probed.ts', ...agent],
        ['release', 'src/probed.ts', ...agent],
        ['leases', '--server', url],
      ]) {
        rmSync(loaded, { force: true });
        ok(
          run(
            process.execPath,
            ['--require', requireProbe, '--import', importProbe, bin, ...args],
            project,
          ),
          args[0]!,
        );
        const urls = readFileSync(loaded, 'utf8').trim().split('\n');
        // The agent commands run from the bundle (a script run with V8's code cache), not dist/.
        expect(
          urls.some((u) => u.endsWith('/@leasehold/cli/bin/cached-load.js')),
          args[0],
        ).toBe(true);
        expect(
          urls.filter((u) => u.includes('/@leasehold/cli/dist/')),
          args[0],
        ).toEqual([]);
        const heavy = urls.filter((u) =>
          /\/node_modules\/(tsx|typebox|fastify|better-sqlite3|etcd3|@grpc|@modelcontextprotocol|@leasehold\/(sim|model|server|store-sqlite|store-etcd))\//.test(
            u,
          ),
        );
        expect(heavy, args[0]).toEqual([]);
      }
      // The first run wrote the bundle's code cache beside it, for the next.
      const bundle = join(project, 'node_modules', '@leasehold', 'cli', 'bundle');
      expect(readdirSync(bundle)).toContain('agent.cjs.cache');
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('the type declarations check under NodeNext (exports carry types), the README snippets with them', () => {
    ok(run('npx', ['tsc', '-p', 'tsconfig.json'], project), 'tsc');
  });
});
