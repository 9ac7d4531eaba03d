import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * CONSTRAINTS.md C-4: real time and randomness are lint errors in core, sim and model, and every
 * other package reads real time in one file. This test lints snippets as if they were files in
 * those packages, so the rules cannot silently vanish.
 */
const eslint = new ESLint();

async function messagesFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

const forbidden: Array<[string, string]> = [
  ['Date.now', 'export const t = Date.now();\n'],
  ['new Date()', 'export const t = new Date();\n'],
  ['Math.random', 'export const r = Math.random();\n'],
  ['setTimeout', 'setTimeout(() => undefined, 1);\n'],
  ['setInterval', 'setInterval(() => undefined, 1);\n'],
  ['performance.now', 'export const t = performance.now();\n'],
];

describe('lint: no real time or randomness in the pure packages (C-4)', () => {
  for (const pkg of ['core', 'sim', 'model']) {
    for (const [what, code] of forbidden) {
      it(`fails on ${what} in packages/${pkg}/src`, async () => {
        const messages = await messagesFor(code, `packages/${pkg}/src/forbidden.ts`);
        expect(messages.join('\n')).toMatch(/forbidden in core\/sim\/model/);
      });
    }
  }

  it('allows the real clock in the client (the shell), where production needs it', async () => {
    const messages = await messagesFor(
      'export const t = Date.now();\n',
      'packages/client/src/system-clock.ts',
    );
    expect(messages).toEqual([]);
  });
});

const SHELL_CLOCKS: Readonly<Record<string, string>> = {
  api: '',
  cli: 'system-clock.ts',
  client: 'system-clock.ts',
  server: 'system-clock.ts',
  step: '',
  store: '',
  'store-etcd': 'bounded-call.ts',
  'store-sqlite': 'system-time.ts',
};

describe('lint: every other package reads real time in one file (C-4)', () => {
  for (const pkg of Object.keys(SHELL_CLOCKS)) {
    for (const [what, code] of forbidden.filter(([w]) => w !== 'Math.random')) {
      it(`fails on ${what} in packages/${pkg}/src outside its clock file`, async () => {
        const messages = await messagesFor(code, `packages/${pkg}/src/forbidden.ts`);
        expect(messages.join('\n')).toMatch(/outside its package's one clock file/);
      });
    }
  }

  it('allows each clock file its real time, and any file a date made from a number', async () => {
    for (const [pkg, clock] of Object.entries(SHELL_CLOCKS)) {
      if (clock === '') continue;
      const messages = await messagesFor(
        'export const t = Date.now();\n',
        `packages/${pkg}/src/${clock}`,
      );
      expect(messages, pkg).toEqual([]);
    }
    const formatted = await messagesFor(
      'export const at = (ms: number) => new Date(ms).toISOString();\n',
      'packages/cli/src/format-time.ts',
    );
    expect(formatted).toEqual([]);
  });
});
