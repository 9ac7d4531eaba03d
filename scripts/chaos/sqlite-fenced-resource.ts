import { decideFencedWrite } from '@leasehold/core';
import Database from 'better-sqlite3';
import type { FencedLogEntry, FencedResource, FencedWriteResult } from './fenced-resource';

interface LogRow {
  readonly resource: string;
  readonly writer: string;
  readonly token: number;
  readonly accepted: number;
  readonly token_accepted_max_before: number;
}

/**
 * A fenced resource in its own SQLite file beside the lease store: the highest accepted token per
 * resource and a log of every decision, read, decided and written in one IMMEDIATE transaction,
 * so writers in different processes are serialized by SQLite's write lock.
 */
export class SqliteFencedResource implements FencedResource {
  readonly #db: Database.Database;
  readonly #decide: (resource: string, writer: string, token: number) => FencedWriteResult;

  constructor(path: string, busyTimeoutMs: number) {
    this.#db = new Database(path, { timeout: busyTimeoutMs });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db
      .transaction(() => {
        this.#db.exec(`
          CREATE TABLE IF NOT EXISTS fenced (
            resource TEXT PRIMARY KEY,
            token_accepted_max INTEGER NOT NULL
          );
          CREATE TABLE IF NOT EXISTS fenced_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            resource TEXT NOT NULL,
            writer TEXT NOT NULL,
            token INTEGER NOT NULL,
            accepted INTEGER NOT NULL,
            token_accepted_max_before INTEGER NOT NULL
          );`);
      })
      .immediate();
    const select = this.#db.prepare('SELECT token_accepted_max FROM fenced WHERE resource = ?');
    const upsert = this.#db.prepare(
      `INSERT INTO fenced (resource, token_accepted_max) VALUES (?, ?)
       ON CONFLICT (resource) DO UPDATE SET token_accepted_max = excluded.token_accepted_max`,
    );
    const log = this.#db.prepare(
      `INSERT INTO fenced_log (resource, writer, token, accepted, token_accepted_max_before)
       VALUES (?, ?, ?, ?, ?)`,
    );
    const decide = (resource: string, writer: string, token: number): FencedWriteResult => {
      const row = select.get(resource) as { token_accepted_max: number } | undefined;
      const before = row?.token_accepted_max ?? 0;
      const decision = decideFencedWrite(before, token);
      if (decision.kind === 'accepted') upsert.run(resource, decision.tokenAcceptedMax);
      log.run(resource, writer, token, decision.kind === 'accepted' ? 1 : 0, before);
      return decision;
    };
    this.#decide = (resource, writer, token) =>
      this.#db.transaction(decide).immediate(resource, writer, token);
  }

  async write(resource: string, writer: string, token: number): Promise<FencedWriteResult> {
    try {
      return this.#decide(resource, writer, token);
    } catch (error) {
      return {
        kind: 'unavailable',
        reason: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** How many writes it has accepted so far (a quota run's progress). */
  async countAccepted(): Promise<number> {
    const row = this.#db
      .prepare('SELECT COUNT(*) AS n FROM fenced_log WHERE accepted = 1')
      .get() as {
      n: number;
    };
    return row.n;
  }

  /** Every decision, oldest first. */
  readLog(): FencedLogEntry[] {
    const rows = this.#db
      .prepare(
        'SELECT resource, writer, token, accepted, token_accepted_max_before FROM fenced_log ORDER BY seq',
      )
      .all() as LogRow[];
    return rows.map((row) => ({
      resource: row.resource,
      writer: row.writer,
      token: row.token,
      accepted: row.accepted === 1,
      tokenAcceptedMaxBefore: row.token_accepted_max_before,
    }));
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
