import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced code block of README.md, dedented when it sits inside a list item. */
export interface ReadmeBlock {
  readonly index: number;
  readonly lang: string;
  readonly body: string;
  /** Its opening fence's line number (1-based). */
  readonly line: number;
}

export const README_PATH = join(import.meta.dirname, '..', 'README.md');

export function readmeBlocks(): ReadmeBlock[] {
  const lines = readFileSync(README_PATH, 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  let open: { indent: number; lang: string; line: number; body: string[] } | null = null;
  for (const [i, line] of lines.entries()) {
    const fence = /^(\s*)```(\w*)\s*$/.exec(line);
    if (fence !== null) {
      if (open === null) {
        open = { indent: fence[1]!.length, lang: fence[2]!, line: i + 1, body: [] };
      } else {
        blocks.push({
          index: blocks.length,
          lang: open.lang,
          body: `${open.body.join('\n')}\n`,
          line: open.line,
        });
        open = null;
      }
      continue;
    }
    if (open !== null) open.body.push(line.slice(Math.min(open.indent, line.search(/\S|$/))));
  }
  if (open !== null)
    throw new Error(`README.md: the block opened at line ${open.line} never closes`);
  return blocks;
}

/** The one block whose text starts with `first`: blocks are named by their first line. */
export function readmeBlock(first: string): ReadmeBlock {
  const found = readmeBlocks().filter((b) => b.body.startsWith(first));
  if (found.length !== 1)
    throw new Error(`README.md has ${found.length} blocks starting with ${JSON.stringify(first)}`);
  return found[0]!;
}

/** A shell block's commands: one per line, comments (whole-line and trailing) left out. */
export function commands(block: ReadmeBlock): string[] {
  return block.body
    .split('\n')
    .map((l) => l.replace(/\s+# .*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
