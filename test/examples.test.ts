import { describe, expect, it } from 'vitest';
import { main as clientBasics } from '../examples/client-basics';

describe('examples run as documented in the README', () => {
  it('client-basics acquires with a fencing token and releases', async () => {
    const lines: string[] = [];
    await clientBasics((line) => lines.push(line));
    expect(lines).toEqual(['granted token 1, believes: true', 'released: released']);
  });
});
