import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '@leasehold/sim';
import { ZOO } from '@leasehold/sim/zoo';
import { PRODUCTION_BUGS as BUGS } from '../scripts/production-bugs/bugs';
import { startServerProcess } from '../packages/server/test/server-process';
import { commands, readmeBlock, readmeBlocks, type ReadmeBlock } from './readme-blocks';

/**
 * Docs run (CONSTRAINTS.md C-12): every code block of README.md is executed here, commands with
 * small settings (`--seeds 2` where the README sweeps more), TypeScript snippets type-checked and
 * run; what the README says a command prints (the shrink example) is compared with what it
 * prints; counts it states (scenarios, zoo variants, production bugs) with the code. A block no
 * test claims fails the last test: a new block needs its runner here.
 *
 * Blocks run elsewhere, each named below: the quick start's `npm ci` and `npm test` by `.ci/run`
 * (this file is part of `npm test`); the in-your-project blocks by test/packed (the packed
 * packages installed into an empty project, `npm run test:packed`).
 */
const root = join(import.meta.dirname, '..');
const BIN = join(root, 'packages', 'cli', 'bin', 'leasehold.js');
/** Caps, not expectations: a command with small settings on a loaded machine. */
const COMMAND_MS_MAX = 10 * 60_000;

const claimed = new Set<number>();
function claim(first: string): ReadmeBlock {
  const block = readmeBlock(first);
  claimed.add(block.index);
  return block;
}

/** Commands run from an empty directory (examples/ and test/ linked in, as the README's paths need). */
const work = mkdtempSync(join(tmpdir(), 'leasehold-readme-'));
symlinkSync(join(root, 'examples'), join(work, 'examples'));
symlinkSync(join(root, 'test'), join(work, 'test'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `npx leasehold` is this checkout's binary; `git` reads this repository. */
const PRELUDE = `set -eo pipefail
npx() { if [ "$1" = leasehold ]; then shift; node ${JSON.stringify(BIN)} "$@"; else command npx "$@"; fi; }
`;

/** The README's command with small settings: fewer seeds, a shorter chaos run, one zoo variant. */
function small(command: string): string {
  let c = command.replace(/\s+# .*$/, '');
  c = c.replace(/--seeds \d+/, '--seeds 2');
  if (/npx leasehold dst run\b/.test(c) && !/--seeds? |DST_SEED=/.test(c)) c += ' --seeds 1';
  if (/^npm run dst$/.test(c)) c += ' -- --seeds 1';
  if (/npx leasehold dst zoo$/.test(c)) c += ' --variant Z5 --bases 1';
  c = c.replace(/--grants \d+/, '--grants 5').replace(/--duration-ms \d+/, '--duration-ms 3000');
  return c;
}

interface Ran {
  readonly status: number | null;
  readonly out: string;
}

/** A git repository of its own, where the agent commands keep their local file. */
const repository = mkdtempSync(join(tmpdir(), 'leasehold-readme-repo-'));
spawnSync('git', ['init', '-q', repository], { env: withoutGitVars() });
afterAll(() => rmSync(repository, { recursive: true, force: true }));

function withoutGitVars(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
}

function sh(command: string, inRepository = false): Ran {
  if (inRepository) {
    const result = spawnSync('bash', ['-c', `${PRELUDE}${command}`], {
      cwd: repository,
      encoding: 'utf8',
      timeout: COMMAND_MS_MAX,
      env: { ...withoutGitVars(), NO_COLOR: '1', DST_SEED: '' },
    });
    if (result.error !== undefined) throw result.error;
    return { status: result.status, out: `${result.stdout}${result.stderr}` };
  }
  const cwd = command.startsWith('npm ') ? root : work;
  const result = spawnSync('bash', ['-c', `${PRELUDE}${command}`], {
    cwd,
    encoding: 'utf8',
    timeout: COMMAND_MS_MAX,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GIT_DIR: join(root, '.git'), NO_COLOR: '1', DST_SEED: '' },
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** Exit codes the README's commands are meant to end with (a bug is meant to be caught). */
function expectedStatus(command: string): number {
  if (command.includes('--impl zoo:')) return 1;
  if (/dst explore --config (?!safe)/.test(command)) return 1;
  return 0;
}

function runsAsPrinted(
  block: ReadmeBlock,
  skip: (command: string) => string | null = () => null,
  inRepository = false,
) {
  for (const command of commands(block)) {
    const why = skip(command);
    it(why === null ? small(command) : `${command} (${why})`, () => {
      if (why !== null) return;
      const ran = sh(small(command), inRepository);
      expect(ran.status, ran.out).toBe(expectedStatus(command));
    });
  }
}

describe(
  'README.md: every shell block runs as printed (small settings)',
  { timeout: COMMAND_MS_MAX },
  () => {
    const quick = claim('npm ci && npm run dst');
    it('quick start: `npm ci && npm run dst` (npm ci is .ci/run; the sweep with one seed each)', () => {
      const [first, second] = commands(quick);
      expect(first).toMatch(/^npm ci && npm run dst\b/);
      expect(second).toMatch(/^npm test\b/);
      const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
      expect(ci).toMatch(/^npm ci\b/m);
      expect(ci).toMatch(/^npm test$/m);
      const ran = sh(small('npm run dst'));
      expect(ran.status, ran.out).toBe(0);
      expect(ran.out).toContain('all runs passed');
      expect(ran.out).toContain(`${SCENARIOS.length} runs,`);
    });

    describe('dst commands', () => runsAsPrinted(claim('npx leasehold dst scenarios')));

    describe('the shrink example prints what the README shows', () => {
      const block = claim('npx leasehold dst run --scenario swarm --seed 2 --impl zoo:Z8');
      it('the sweep fails, shrinks to the run shown, and the shrunk trace replays byte for byte', () => {
        const [run, replay] = commands(block);
        const ran = sh(run!);
        expect(ran.status, ran.out).toBe(1);
        const printed = block.body.split('\n').filter((l) => l.startsWith('# '));
        const shrunk = printed.find((l) => l.startsWith('# ... shrunk: '))!.slice('# ... '.length);
        const [before, after] = shrunk.split(/\(\d+\.\d s\)/);
        expect(ran.out).toContain(before);
        expect(ran.out).toContain(after);
        const reproduce = printed.find((l) => l.startsWith('# reproduce '))!.slice('# '.length);
        expect(ran.out).toContain(reproduce.slice(0, reproduce.indexOf(" --faults '")));
        // The replay re-runs the failing run: byte-identical, and failing again (exit 1).
        const replayed = sh(replay!);
        const trace = /--trace (\S+)/.exec(replay!)![1]!;
        expect(replayed.out).toContain(`replay is byte-identical to ${trace}`);
        expect(replayed.status).toBe(1);
      });
    });

    describe('production bugs', () =>
      runsAsPrinted(claim('npm run bugs'), (command) => {
        if (command === 'npm run bugs -- --sweep test')
          return 'test/production-bugs.test.ts runs these sweeps in npm test';
        if (command === 'npm run bugs')
          return 'forty-two whole default sweeps: a script, its table in BENCHMARKS.md';
        return null;
      }));

    describe('CI', () =>
      runsAsPrinted(claim('npx leasehold dst run --seed-base 0x$(git rev-parse')));

    describe('bring your own implementation', () =>
      runsAsPrinted(claim('npx leasehold dst run --impl examples/my-lease.ts')));

    describe('the model', () => {
      const block = claim('npx leasehold dst explore --config safe');
      runsAsPrinted(block, (command) =>
        command.startsWith('npx leasehold dst explore --config safe')
          ? 'run below, with its state count checked'
          : command === 'npm run bench:model'
            ? 'a benchmark: its flags are tested in test/script-flags.test.ts, its figures are BENCHMARKS.md'
            : null,
      );
      it('dst explore --config safe: the state count the README states, no violation', () => {
        const command = commands(block)[0]!;
        const stated = /# ([\d,]+) states, no violation/.exec(block.body)![1]!;
        expect(command).toBe('npx leasehold dst explore --config safe');
        const ran = sh(small(command));
        expect(ran.status, ran.out).toBe(0);
        expect(ran.out).toContain(`${stated} distinct states`);
        expect(ran.out).toContain('no invariant violated');
      });
    });

    describe("agent commands (a new git repository's local file)", () =>
      runsAsPrinted(claim('npx leasehold claim src/app.ts --agent agent-1'), () => null, true));

    describe('leasehold serve: each starts, says where it listens, and stops on SIGTERM', () => {
      for (const command of commands(claim('npx leasehold serve'))) {
        it(command, async (ctx) => {
          if (command.includes('--store etcd') && !etcdGiven()) {
            console.warn('README serve --store etcd: LEASEHOLD_REQUIRE_ETCD=1 (CI) runs it');
            return ctx.skip();
          }
          writeFileSync(
            join(work, 'keys.json'),
            JSON.stringify({ keys: [{ key: 'readme-admin-key-0123456789', admin: true }] }),
          );
          const args = command
            .replace(/^npx leasehold serve/, '')
            .replace(/--port \d+/, '')
            .replace(/--etcd-endpoints \S+/, `--etcd-endpoints ${etcdEndpoints().join(',')}`)
            .trim()
            .split(/\s+/)
            .filter((a) => a !== '');
          const server = await startServerProcess([...args, '--port', '0'], work);
          const code = await server.stop();
          expect(code, server.stderr()).toBe(0);
        });
      }
    });

    describe('deployment: replicas over etcd, an agent given every URL', () => {
      const block = claim("# on each replica's host");
      const runner = join('packages', 'cli', 'test', 'agent-failover.test.ts');
      runsAsPrinted(
        block,
        () =>
          `${runner} runs this with the CI cluster: two replicas, an agent given both URLs, one replica SIGKILLed mid-heartbeat`,
      );
      it(`${runner} starts \`serve --store etcd\` replicas and gives an agent every URL`, () => {
        const [serve, claimed] = commands(block);
        expect(serve).toMatch(/^npx leasehold serve --store etcd --etcd-endpoints \S+/);
        expect(claimed).toMatch(/--server http:\/\/\S+,http:\/\/\S+$/);
        const test = readFileSync(join(root, runner), 'utf8');
        for (const text of [
          "'--store',",
          "'etcd',",
          "'--etcd-endpoints',",
          '`${relay.url},${second.url}`',
        ])
          expect(test).toContain(text);
      });
    });

    describe('chaos runs', () =>
      runsAsPrinted(claim('npm run chaos:sqlite'), (command) =>
        command.includes('chaos:etcd')
          ? 'test/chaos.test.ts runs this driver against the CI cluster (leader kills, quota mode); one such run per npm test keeps the shared cluster quiet'
          : null,
      ));
  },
);

/** Whether the environment names an etcd cluster for these runs (CI starts one). */
function etcdGiven(): boolean {
  return process.env.LEASEHOLD_REQUIRE_ETCD === '1';
}

/** The CI cluster's client URLs (scripts/etcd-cluster.sh's ports). */
function etcdEndpoints(): string[] {
  return (
    process.env.LEASEHOLD_ETCD_ENDPOINTS ??
    [1, 2, 3]
      .map((n) => `http://127.0.0.1:${Number(process.env.LEASEHOLD_ETCD_PORT_BASE ?? 23790) + n}`)
      .join(',')
  ).split(',');
}

describe('README.md: TypeScript snippets type-check and run', { timeout: COMMAND_MS_MAX }, () => {
  const dir = join(root, 'test', '.readme');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const byo = write(
    'bring-your-own.ts',
    claim("import { LeaseClient } from '@leasehold/client';").body,
  );
  const client = write(
    'client.ts',
    `import { LeaseClient, systemClock } from '@leasehold/client';
import { parseDuration, resolveConfig } from '@leasehold/core';
import { MemoryStore } from '@leasehold/store';

${claim('const config = resolveConfig(').body}`,
  );
  const features = write(
    'client-features.ts',
    `import { LeaseClient, systemClock } from '@leasehold/client';
import { resolveConfig } from '@leasehold/core';
import { MemoryStore } from '@leasehold/store';

${readmeBlock('const config = resolveConfig(').body.split('const ttl = ')[0]}
${claim("client.on('lost'").body}
if (done.kind !== 'done' || all.kind !== 'granted') throw new Error('the README example did not run');
`,
  );
  const httpClient = write(
    'http-client.ts',
    `import { HttpLeaseClient, systemClock } from '@leasehold/client';

${claim('const agent = new HttpLeaseClient(').body.replace("'http://127.0.0.1:8105'", 'process.env.README_SERVER_URL!')}
if (result.kind !== 'done') throw new Error(result.kind);
`,
  );
  const conformance = write(
    'conformance.ts',
    claim("import { describeLeaseStore } from '@leasehold/store/conformance';").body,
  );
  const sqliteFile = join(work, 'leases.db');
  const sqlite = write(
    'sqlite.ts',
    `import { LeaseClient, systemClock } from '@leasehold/client';
import { openSqliteStore } from '@leasehold/store-sqlite';

${claim('const opened = openSqliteStore(').body.replace("'/var/lib/leasehold/leases.db'", JSON.stringify(sqliteFile))}
const got = await client.acquire('readme', { ttlMs: 1_000 });
if (got.kind !== 'granted') throw new Error(got.kind);
await opened.store.close();
`,
  );
  const endpoints = etcdEndpoints();
  const etcd = write(
    'etcd.ts',
    `import { openEtcdStore } from '@leasehold/store-etcd';

${claim('const opened = openEtcdStore(')
  .body.replace(/endpoints: \[[^\]]*\]/, `endpoints: ${JSON.stringify(endpoints)}`)
  .replace("prefix: 'leasehold/'", `prefix: 'leasehold-readme/${Date.now()}/'`)}
if (opened.kind !== 'ok') throw new Error(opened.reason);
const read = await opened.store.read('readme');
await opened.store.close();
if (read.kind !== 'ok') throw new Error(read.kind);
`,
  );
  write(
    'tsconfig.json',
    `${JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'] }, null, 2)}\n`,
  );

  it('they type-check (strict, as the repository)', () => {
    const ran = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: COMMAND_MS_MAX,
      },
    );
    expect(ran.status, `${ran.stdout}${ran.stderr}`).toBe(0);
  });

  it('the client example acquires and releases', async () => {
    await import(pathToFileURL(client).href);
  });

  it('the decisions route runs under the harness (--impl)', () => {
    const ran = sh(
      `npx leasehold dst run --impl ${JSON.stringify(byo)} --scenario swarm --seeds 3`,
    );
    expect(ran.status, ran.out).toBe(0);
  });

  it('the client features example (withLease, acquireAll, keepAlive, releaseAll) runs', async () => {
    await import(pathToFileURL(features).href);
  });

  it('the HttpLeaseClient example runs against a real server', async () => {
    const server = await startServerProcess(['--db', join(work, 'http-readme.db')], work);
    try {
      process.env.README_SERVER_URL = server.url;
      await import(pathToFileURL(httpClient).href);
    } finally {
      delete process.env.README_SERVER_URL;
      await server.stop();
    }
  });

  it('the SQLite store opens and grants', async () => {
    await import(pathToFileURL(sqlite).href);
  });

  it('the etcd store opens and reads (needs a cluster: CI starts one)', async () => {
    if (!etcdGiven()) {
      console.warn('README etcd snippet: type-checked only; LEASEHOLD_REQUIRE_ETCD=1 (CI) runs it');
      return;
    }
    await import(pathToFileURL(etcd).href);
  });

  // The conformance suite the README shows, run here as it would run in the adapter's tests.
  describe('the store conformance suite of the README', async () => {
    await import(pathToFileURL(conformance).href);
  });
});

describe('README.md: what it states matches the code', () => {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const WORDS = [
    'zero',
    'one',
    'two',
    'three',
    'four',
    'five',
    'six',
    'seven',
    'eight',
    'nine',
    'ten',
    'eleven',
    'twelve',
    'thirteen',
    'fourteen',
    'fifteen',
    'sixteen',
    'seventeen',
    'eighteen',
    'nineteen',
    'twenty',
    'twenty-one',
    'twenty-two',
    'twenty-three',
    'twenty-four',
    'twenty-five',
    'twenty-six',
    'twenty-seven',
    'twenty-eight',
    'twenty-nine',
    'thirty',
    'thirty-one',
    'thirty-two',
    'thirty-three',
    'thirty-four',
    'thirty-five',
    'thirty-six',
    'thirty-seven',
    'thirty-eight',
    'thirty-nine',
    'forty',
    'forty-one',
    'forty-two',
    'forty-three',
    'forty-four',
    'forty-five',
  ];

  it('the number of zoo variants, and the zoo table lists each', () => {
    expect(text).toContain(
      `\`npx leasehold dst zoo\` runs ${WORDS[ZOO.length]} deliberately broken variants`,
    );
    for (const variant of ZOO) expect(text).toMatch(new RegExp(`^\\| ${variant.id} +\\|`, 'm'));
  });

  it('the number of production bugs', () => {
    expect(text).toContain(`lists ${WORDS[BUGS.length]} small, realistic bugs`);
    const targeted = BUGS.filter((bug) => bug.testScenario !== undefined).length;
    expect(text.replace(/\s+/g, ' ')).toContain(`for the ${WORDS[targeted]} bugs those reach`);
  });

  it('the number of runs of a default sweep (quick start)', () => {
    const runs = /# install, then a seeded DST sweep of every scenario \(([\d,]+) runs\)/.exec(
      text,
    )![1]!;
    expect(Number(runs.replace(/,/g, ''))).toBe(SCENARIOS.length * 300);
    expect(text).toContain('every scenario, 300 seeds each');
  });

  it('the layout lists every package, and every path it lists exists', () => {
    const block = claim('packages/core ');
    const paths = block.body
      .split('\n')
      .map((l) => /^(\S+)/.exec(l)?.[1])
      .filter((p): p is string => p !== undefined);
    for (const path of paths) expect(existsSync(join(root, path)), path).toBe(true);
    for (const name of readdirSync(join(root, 'packages')))
      expect(paths).toContain(`packages/${name}`);
  });
});

describe('README.md: blocks run by the packed-install test (npm run test:packed)', () => {
  const packed = readFileSync(join(root, 'test', 'packed', 'packed-install.test.ts'), 'utf8');
  for (const first of [
    "import { describeDst } from '@leasehold/sim/vitest';",
    "import fc from 'fast-check';",
    'npm ci && npm pack --workspaces',
    'npx leasehold dst run --seeds 20',
    '// use-sqlite.mjs',
  ]) {
    it(`"${first}" is read from the README by test/packed`, () => {
      claim(first);
      const called = [`readmeBlock(${JSON.stringify(first)})`, `readmeBlock('${first}')`];
      expect(
        called.some((call) => packed.includes(call)),
        called.join(' or '),
      ).toBe(true);
    });
  }
});

describe('README.md: no block left unrun', () => {
  it('every code block is claimed by a test above', () => {
    const unclaimed = readmeBlocks()
      .filter((b) => !claimed.has(b.index))
      .map((b) => `line ${b.line}: ${b.body.split('\n')[0]}`);
    expect(unclaimed).toEqual([]);
  });
});
