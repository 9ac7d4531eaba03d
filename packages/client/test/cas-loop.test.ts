import { CasLoop, ManualClock } from '@leasehold/client';
import { decideAcquire, decideRelease, type LeaseRecord } from '@leasehold/core';
import { MemoryStore, type CasResult, type ReadResult } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { config, flush } from './helpers';

/** A memory store whose next read answers only when `open()` is called, with what it read then. */
class HeldReadStore extends MemoryStore {
  #held: { readonly resume: () => void } | null = null;
  holdNextRead = false;

  override async read(resource: string): Promise<ReadResult> {
    if (!this.holdNextRead) return super.read(resource);
    this.holdNextRead = false;
    const answer = await super.read(resource);
    await new Promise<void>((resume) => (this.#held = { resume }));
    return answer;
  }

  open(): void {
    this.#held?.resume();
  }

  /** The next compare-and-set is refused as unavailable, and never applies. */
  failNextWrite = false;

  override async compareAndSet(
    ...args: Parameters<MemoryStore['compareAndSet']>
  ): Promise<CasResult> {
    if (!this.failNextWrite) return super.compareAndSet(...args);
    this.failNextWrite = false;
    return { kind: 'unavailable', reason: 'the write was lost', maybeApplied: false };
  }
}

describe('CasLoop: what concurrent calls know of a record', () => {
  it('a read answered late never replaces a newer record another call has written since', async () => {
    const store = new HeldReadStore();
    const clock = new ManualClock(1_000_000, 0);
    const loop = new CasLoop({ store, clock });
    const options = { attemptsMax: 3 };
    // A reads the free record, and its answer is held back.
    store.holdNextRead = true;
    const late = loop.mutate('r', () => ({ result: 'refused', write: null }), options);
    await flush();
    // B acquires the lease meanwhile: the loop knows the record B wrote.
    const granted = await loop.mutate(
      'r',
      (record, nowMs) =>
        decideAcquire(
          record,
          { resource: 'r', holder: 'b', requestId: 'q1', ownerKey: 'k', ttlMs: 1_000 },
          nowMs,
          config,
        ),
      options,
    );
    expect(granted).toMatchObject({ kind: 'settled', result: { kind: 'granted' } });
    // A's read comes back now, with the record as it was before B's grant.
    store.open();
    expect(await late).toMatchObject({ kind: 'settled', result: 'refused' });
    // C decides first on what the loop knows: B's grant, not the free record A read.
    const seen: (LeaseRecord | null)[] = [];
    await loop.mutate(
      'r',
      (record) => (seen.push(record), { result: 'seen', write: null }),
      options,
    );
    expect(seen[0]).toMatchObject({ status: 'held', holder: 'b', token: 1 });
  });

  it('a read answered late never takes the place of a newer record found out of date since', async () => {
    const store = new HeldReadStore();
    const clock = new ManualClock(1_000_000, 0);
    const loop = new CasLoop({ store, clock });
    const options = { attemptsMax: 1 };
    const acquire =
      (holder: string, requestId: string) => (record: LeaseRecord | null, nowMs: number) =>
        decideAcquire(
          record,
          { resource: 'r', holder, requestId, ownerKey: 'k', ttlMs: 1_000 },
          nowMs,
          config,
        );
    // A reads the free record, and its answer is held back.
    store.holdNextRead = true;
    const late = loop.mutate('r', () => ({ result: 'refused', write: null }), options);
    await flush();
    // B acquires the lease meanwhile; then B's release is lost on its way, so what the loop knows
    // of the resource is out of date until it reads again.
    const granted = await loop.mutate('r', acquire('b', 'q1'), options);
    expect(granted).toMatchObject({ kind: 'settled', result: { kind: 'granted' } });
    store.failNextWrite = true;
    const lost = await loop.mutate(
      'r',
      (record, nowMs) =>
        decideRelease(
          record,
          { resource: 'r', holder: 'b', token: 1, ownerKey: 'k', requestId: 'q2' },
          nowMs,
        ),
      options,
    );
    expect(lost).toMatchObject({ kind: 'unavailable' });
    // A's read comes back now, with the record as it was before B's grant.
    store.open();
    await late;
    // C decides first on a fresh read of B's grant, not on the free record A read.
    const seen: (LeaseRecord | null)[] = [];
    await loop.mutate(
      'r',
      (record) => (seen.push(record), { result: 'seen', write: null }),
      options,
    );
    expect(seen[0]).toMatchObject({ status: 'held', holder: 'b', token: 1 });
  });
});
