import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS, createProgram, type CliIo } from '@leasehold/cli';
import { cli } from './run-cli';

/** Every command path of the CLI, read from its one definition: ['dst'], ['dst', 'run'], ... */
async function commandPaths(): Promise<string[][]> {
  const io: CliIo = {
    stdout: () => undefined,
    stderr: () => undefined,
    env: {},
    cwd: '.',
    interactive: false,
    color: false,
  };
  const paths: string[][] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(await createProgram(io, () => undefined), []);
  return paths;
}

const PATHS = await commandPaths();
const VERSION = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

describe('leasehold: help, version and unknown flags come from one definition', () => {
  it('knows every command', () => {
    expect(PATHS.map((p) => p.join(' '))).toEqual([
      'dst',
      'dst run',
      'dst replay',
      'dst scenarios',
      'dst explore',
      'dst validate',
      'dst zoo',
      'serve',
      'claim',
      'heartbeat',
      'release',
      'leases',
      'gate',
      'release-holder',
      'cleanup',
      'guard',
      'mcp',
    ]);
  });

  it('a command line loads the group of the command it names, and only that group', async () => {
    const io: CliIo = {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      cwd: '.',
      interactive: false,
      color: false,
    };
    const topLevel = PATHS.filter((p) => p.length === 1).map((p) => p[0]!);
    expect(Object.keys(COMMAND_GROUPS).sort()).toEqual([...topLevel].sort());
    for (const name of topLevel) {
      const program = await createProgram(io, () => undefined, [name, '--help']);
      const group = COMMAND_GROUPS[name];
      expect(program.commands.map((c) => c.name()).sort(), name).toEqual(
        topLevel.filter((n) => COMMAND_GROUPS[n] === group).sort(),
      );
    }
  });

  it("every agent command's help lists its exit codes", async () => {
    const agentCommands = PATHS.filter(([first]) => COMMAND_GROUPS[first!] === 'agent');
    expect(agentCommands.length).toBeGreaterThanOrEqual(7);
    for (const path of agentCommands) {
      const help = await cli([...path, '--help']);
      expect(help.stdout, path.join(' ')).toMatch(
        /Exit codes:[\s\S]*\b64\b[\s\S]*\b69\b[\s\S]*\b77\b/,
      );
    }
  });

  it('--version and -V print the version of the package, exit 0', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await cli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${VERSION}\n`);
    }
  });

  it('--help lists the commands, exit 0; no command prints it to stderr, exit 64', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: leasehold \[options\] \[command\]/);
    expect(help.stdout).toContain('dst ');
    const bare = await cli([]);
    expect(bare.code).toBe(64);
    expect(bare.stderr).toMatch(/^Usage: leasehold/);
  });

  for (const path of PATHS) {
    const name = path.join(' ');
    it(`${name}: --help, -h and "help ${name}" print its usage, exit 0`, async () => {
      for (const argv of [
        [...path, '--help'],
        [...path, '-h'],
        ['help', ...path],
      ]) {
        const result = await cli(argv);
        expect(result.code, argv.join(' ')).toBe(0);
        expect(result.stdout, argv.join(' ')).toMatch(new RegExp(`^Usage: leasehold ${name} `));
        expect(result.stderr).toBe('');
      }
    });

    it(`${name}: an unknown flag exits 64 and names it`, async () => {
      const result = await cli([...path, '--no-such-flag']);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain("leasehold: unknown option '--no-such-flag'");
      expect(result.stdout).toBe('');
    });
  }

  it('a mistyped flag gets a suggestion', async () => {
    const result = await cli(['dst', 'run', '--seed-bas', '5']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('(Did you mean --seed-base?)');
  });

  it('every flag of every command has a description', async () => {
    const io: CliIo = {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      cwd: '.',
      interactive: false,
      color: false,
    };
    const program = await createProgram(io, () => undefined);
    const all: Command[] = [];
    const walk = (c: Command) => {
      all.push(c);
      c.commands.forEach(walk);
    };
    walk(program);
    for (const command of all) {
      expect(command.description(), command.name()).not.toBe('');
      for (const option of command.options)
        expect(option.description, `${command.name()} ${option.flags}`).not.toBe('');
    }
  });
});
