import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * CONSTRAINTS.md C-4: real time and randomness are lint errors in core, sim and model. This test
 * lints snippets as if they were files in those packages, so the rule cannot silently vanish.
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
