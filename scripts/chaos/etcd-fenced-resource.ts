import { decideFencedWrite } from '@leasehold/core';
import type { Etcd3 } from 'etcd3';
import type { FencedLogEntry, FencedResource, FencedWriteResult } from './fenced-resource';
import { FENCED_CAS_RETRIES_MAX, JOURNAL_ENTRIES_MAX } from './limits';

/**
 * A fenced resource on the etcd cluster: one key per resource holds the highest accepted token;
 * a write reads it, decides with `decideFencedWrite`, and commits in one transaction that compares
 * the key's value with the token it decided on, putting the new highest token (when accepted) and
 * a log entry together. The log's order is the transactions' commit order (create revision).
 */
export class EtcdFencedResource implements FencedResource {
  readonly #client: Etcd3;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  #writes = 0;

  constructor(client: Etcd3, prefix: string, timeoutMs: number) {
    this.#client = client;
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  async write(resource: string, writer: string, token: number): Promise<FencedWriteResult> {
    const key = `${this.#prefix}max/${Buffer.from(resource, 'utf8').toString('hex')}`;
    const logId = `${writer}/${++this.#writes}`;
    try {
      for (let attempt = 0; attempt < FENCED_CAS_RETRIES_MAX; attempt++) {
        const deadline = new Date(Date.now() + this.#timeoutMs);
        const current = await this.#bounded(this.#client.get(key).options({ deadline }).string());
        const before = current === null ? 0 : Number(current);
        const decision = decideFencedWrite(before, token);
        const accepted = decision.kind === 'accepted';
        const entry: FencedLogEntry = {
          resource,
          writer,
          token,
          accepted,
          tokenAcceptedMaxBefore: before,
        };
        const compare =
          current === null
            ? this.#client.if(key, 'Version', '==', 0)
            : this.#client.if(key, 'Value', '==', current);
        // Accepted and rejected entries under their own prefixes, so a quota run counts accepted
        // writes on the server without reading the log.
        const logKey = `${this.#prefix}log/${accepted ? 'accepted' : 'rejected'}/${logId}`;
        const puts = [this.#client.put(logKey).value(JSON.stringify(entry))];
        if (accepted) puts.push(this.#client.put(key).value(String(decision.tokenAcceptedMax)));
        const txn = await this.#bounded(
          compare
            .then(...puts)
            .options({ deadline })
            .commit(),
        );
        if (txn.succeeded) return decision;
      }
      return { kind: 'unavailable', reason: `${FENCED_CAS_RETRIES_MAX} conflicting writers` };
    } catch (error) {
      return {
        kind: 'unavailable',
        reason: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Bounds a call whatever the client library does meanwhile (fail-over, reconnects). */
  async #bounded<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`etcd call timed out after ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([call, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** How many writes it has accepted so far (a quota run's progress); throws when unreachable. */
  async countAccepted(): Promise<number> {
    const deadline = new Date(Date.now() + this.#timeoutMs);
    const accepted = this.#client.getAll().prefix(`${this.#prefix}log/accepted/`);
    return this.#bounded(accepted.options({ deadline }).count());
  }

  /** Every decision, in commit order. */
  async readLog(): Promise<FencedLogEntry[]> {
    const response = await this.#client
      .getAll()
      .prefix(`${this.#prefix}log/`)
      .limit(JOURNAL_ENTRIES_MAX)
      .exec();
    return [...response.kvs]
      .sort((a, b) => Number(a.create_revision) - Number(b.create_revision))
      .map((kv) => JSON.parse(kv.value.toString('utf8')) as FencedLogEntry);
  }

  async close(): Promise<void> {
    // The etcd client belongs to the driver, which closes it.
  }
}
