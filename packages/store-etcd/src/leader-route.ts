import type { Etcd3, IResponseHeader } from 'etcd3';
import { boundedCall, monotonicMs } from './bounded-call.js';
import { int64 } from './codec.js';
import { LEADER_ASK_INTERVAL_MS } from './limits.js';

/**
 * Sends requests to the raft leader when one of the configured endpoints is the leader.
 *
 * Every etcd write (and every linearizable read) is decided by the leader: a follower that receives
 * one forwards it, which costs a hop each way. The etcd3 client picks a random endpoint per request,
 * so with three members two requests in three pay that hop (measured on the CI cluster: 1.8 ms
 * per transaction at the leader, 2.2-2.8 ms at a follower). This route asks every endpoint for its
 * status, pins the one that is the leader, and falls back to the whole pool as soon as the pinned
 * member fails a call or any reply shows a newer raft term (an election happened), re-asking in
 * the background (and at most every LEADER_ASK_INTERVAL_MS while no leader is known). Correctness
 * does not depend on it: any member gives the same answers.
 */
export class LeaderRoute {
  readonly #pool: Etcd3;
  readonly #members: ReadonlyMap<string, Etcd3>;
  readonly #timeoutMs: number;
  #leader: { readonly endpoint: string; readonly client: Etcd3 } | null = null;
  #term = 0;
  #asking: Promise<void> | null = null;
  #askedAtMs = Number.NEGATIVE_INFINITY;
  #closed = false;

  /** `members`: one single-endpoint client per endpoint (empty: always use the pool). */
  constructor(pool: Etcd3, members: ReadonlyMap<string, Etcd3>, timeoutMs: number) {
    this.#pool = pool;
    this.#members = members;
    this.#timeoutMs = timeoutMs;
    this.refresh();
  }

  /** The client for the next request: the leader's when known, else the pool. */
  client(): Etcd3 {
    if (this.#leader !== null) return this.#leader.client;
    if (monotonicMs() - this.#askedAtMs >= LEADER_ASK_INTERVAL_MS) this.refresh();
    return this.#pool;
  }

  /** The endpoint requests are pinned to, or null while they go through the pool. */
  leaderEndpoint(): string | null {
    return this.#leader?.endpoint ?? null;
  }

  /** A call through `used` failed: stop pinning it, and look for the leader again. */
  failed(used: Etcd3): void {
    if (this.#leader === null || this.#leader.client !== used) return;
    this.#leader = null;
    this.refresh();
  }

  /** Every reply's header: a newer term means an election, so the leader may have moved. */
  observed(header: IResponseHeader): void {
    const term = int64(header.raft_term);
    if (term <= this.#term) return;
    const known = this.#term > 0;
    this.#term = term;
    if (known) {
      this.#leader = null;
      this.refresh();
    }
  }

  /** Asks every endpoint for its status, in the background; one question at a time. */
  refresh(): void {
    if (this.#closed || this.#members.size < 2 || this.#asking !== null) return;
    this.#askedAtMs = monotonicMs();
    this.#asking = this.#ask().finally(() => {
      this.#asking = null;
    });
  }

  /** Waits for the question in flight, if any (tests, benchmarks). */
  async settled(): Promise<void> {
    await this.#asking;
  }

  close(): void {
    this.#closed = true;
    this.#leader = null;
    for (const client of this.#members.values()) client.close();
  }

  async #ask(): Promise<void> {
    const answers = await Promise.all(
      [...this.#members].map(async ([endpoint, client]) => {
        const got = await boundedCall(this.#timeoutMs, 'status', (deadline) =>
          client.maintenance.status({ deadline }),
        );
        return { endpoint, client, got };
      }),
    );
    if (this.#closed) return;
    for (const { endpoint, client, got } of answers) {
      if (got.kind !== 'ok') continue;
      const term = int64(got.value.header.raft_term);
      if (term < this.#term) continue;
      this.#term = term;
      if (got.value.leader === got.value.header.member_id) this.#leader = { endpoint, client };
    }
  }
}
