import type { HistoryEvent, LeaseRecord } from '@leasehold/core';

/**
 * What the simulator did at one step, as typed data for tools that follow a run step by step
 * (trace validation against the model, custom checks). `atMs` is true time since the run
 * started; `wallMs` is the acting node's wall clock.
 */
export type Observation =
  | {
      readonly kind: 'read';
      readonly step: number;
      readonly atMs: number;
      readonly node: string;
      readonly resource: string;
      readonly record: LeaseRecord | null;
      readonly version: number;
    }
  | {
      readonly kind: 'write';
      readonly step: number;
      readonly atMs: number;
      readonly node: string;
      readonly resource: string;
      readonly before: LeaseRecord | null;
      /** The record after the write: the new one if applied, else unchanged. */
      readonly after: LeaseRecord | null;
      readonly proposed: LeaseRecord;
      readonly event: HistoryEvent;
      readonly applied: boolean;
      /** The reply will be lost although the write applied (indeterminate). */
      readonly replyLost: boolean;
    }
  | {
      readonly kind: 'storeUnavailable';
      readonly step: number;
      readonly atMs: number;
      readonly node: string;
      readonly resource: string;
      readonly op: 'read' | 'cas';
    }
  | {
      readonly kind: 'fencedWrite';
      readonly step: number;
      readonly atMs: number;
      readonly node: string;
      readonly resource: string;
      readonly token: number;
      readonly accepted: boolean;
    }
  | { readonly kind: 'crash'; readonly step: number; readonly atMs: number; readonly node: string }
  | {
      readonly kind: 'restart';
      readonly step: number;
      readonly atMs: number;
      readonly node: string;
    }
  | {
      readonly kind: 'outcome';
      readonly step: number;
      readonly atMs: number;
      readonly node: string;
      readonly op: 'acquire' | 'renew' | 'release';
      readonly resource: string;
      readonly result: string;
      readonly token: number | null;
      readonly wallMs: number;
    }
  | {
      readonly kind: 'powerLoss';
      readonly step: number;
      readonly atMs: number;
      /** Commits the store forgot. */
      readonly lost: number;
      /** The recovery's token, above every token issued before. */
      readonly token: number;
    }
  | { readonly kind: 'heal'; readonly step: number; readonly atMs: number };

export type Observer = (observation: Observation) => void;
