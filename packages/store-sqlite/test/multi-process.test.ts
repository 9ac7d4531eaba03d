import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index';
import { startWorker } from './processes';

const dir = mkdtempSync(join(tmpdir(), 'leasehold-sqlite-procs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROCESSES = 4;
const ROUNDS = 150;

describe('sqlite: several processes share one file', () => {
  it('I-1, I-8: exactly one grant per contended acquire across processes', async () => {
    const file = join(dir, 'shared.db');
    const goFile = join(dir, 'go');
    const workers = Array.from({ length: PROCESSES }, (_, i) =>
      startWorker(['race', file, `proc-${i}`, String(ROUNDS), goFile]),
    );
    await Promise.all(workers.map((w) => w.linesAtLeast(1)));
    writeFileSync(goFile, 'go');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual(workers.map(() => 0));

    const opened = openSqliteStore(file);
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    const store = opened.store;
    let contended = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const outcomes = workers.map((w) => w.lines.find((line) => line.round === round));
      const winners = workers.filter((_, i) => outcomes[i]?.kind === 'granted');
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(outcomes.filter((o) => o?.kind === 'held')).toHaveLength(PROCESSES - 1);
      const read = await store.read(`race-${round}`);
      const winner = `proc-${workers.indexOf(winners[0]!)}`;
      expect(read).toMatchObject({ kind: 'ok', version: 1, record: { holder: winner, token: 1 } });
      const history = await store.history(`race-${round}`);
      expect(history.kind === 'ok' && history.events.map((e) => [e.kind, e.holder])).toEqual([
        ['granted', winner],
      ]);
      contended += 1;
    }
    expect(contended).toBe(ROUNDS);
    await store.close();
  });
});
