import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import { MemoryStore, type CasResult, type LeaseStore, type ReadResult } from '@leasehold/store';

export type Fault = 'readFails' | 'writeFailsBefore' | 'replyLost';

/**
 * A real MemoryStore behind a queue of scripted faults, one consumed per call of the matching
 * kind. `onSend` runs when a write is sent, before the store applies it (to observe send times).
 */
export class FaultyStore implements LeaseStore {
  readonly inner = new MemoryStore();
  readonly faults: Fault[] = [];
  writes = 0;
  onSend: () => void = () => {};
  /** While true, a compare-and-set is never applied and never answered (a hung store). */
  hangWrites = false;
  /** Runs after a write was applied, before its reply is delivered (simulates reply latency). */
  beforeReply: () => Promise<void> = async () => {};

  async read(resource: string): Promise<ReadResult> {
    if (this.faults[0] === 'readFails') {
      this.faults.shift();
      return { kind: 'unavailable', reason: 'injected read failure' };
    }
    return this.inner.read(resource);
  }

  async compareAndSet(
    resource: string,
    version: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    this.onSend();
    if (this.hangWrites) return new Promise<CasResult>(() => {});
    const fault = this.faults[0];
    if (fault === 'writeFailsBefore') {
      this.faults.shift();
      return { kind: 'unavailable', reason: 'injected write failure', maybeApplied: false };
    }
    const result = await this.inner.compareAndSet(resource, version, record, event);
    if (result.kind === 'ok') this.writes += 1;
    await this.beforeReply();
    if (fault === 'replyLost') {
      this.faults.shift();
      return { kind: 'unavailable', reason: 'injected lost reply', maybeApplied: true };
    }
    return result;
  }

  list = (...args: Parameters<LeaseStore['list']>) => this.inner.list(...args);
  listByHolder = (...args: Parameters<LeaseStore['listByHolder']>) =>
    this.inner.listByHolder(...args);
  history = (...args: Parameters<LeaseStore['history']>) => this.inner.history(...args);
  pruneHistory = (...args: Parameters<LeaseStore['pruneHistory']>) =>
    this.inner.pruneHistory(...args);
  close = () => this.inner.close();
}
