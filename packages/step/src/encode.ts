import type { LeaseRecord } from '@leasehold/core';
import type { Step } from './step';

/**
 * A record in one short string: `held:n2:#7:exp=1500` or `free:n2:#7:released`, `-` for none.
 * Enough to read a trace and to tell two records apart where the model looks (status, holder,
 * token, expiry); the full record stays in the step.
 */
export function recordText(record: LeaseRecord | null): string {
  if (record === null) return '-';
  if (record.status === 'held')
    return `held:${record.holder}:#${record.token}:exp=${record.expiresAtMs}`;
  return `free:${record.lastHolder}:#${record.token}:${record.freedBy}`;
}

type Line = Record<string, string | number | boolean | null>;

/**
 * One trace line per step, as JSON with short keys written in a fixed order, so the same run
 * gives the same bytes (CONSTRAINTS.md C-8). `s` step, `t` true ms since start, `e` kind.
 */
export function encodeStep(step: Step): string {
  return JSON.stringify(lineOf(step));
}

function lineOf(step: Step): Line {
  const head = { s: step.step, t: step.atMs, e: step.kind };
  switch (step.kind) {
    case 'start':
    case 'crash':
      return { ...head, n: step.node, inc: step.inc };
    case 'begin': {
      const op = step.op;
      return {
        ...head,
        o: op.id,
        op: op.kind,
        n: op.node,
        r: op.resource,
        ttl: op.ttlMs,
        of: op.leaseOp,
        exp: op.expectedHolder,
      };
    }
    case 'call':
      return {
        ...head,
        c: step.call,
        n: step.node,
        inc: step.inc,
        o: step.op,
        q: step.req,
        r: step.resource,
        w: step.wallMs,
        m: step.monoMs,
        v: step.expectedVersion,
        p: step.req === 'cas' ? recordText(step.proposed) : null,
      };
    case 'apply':
      return {
        ...head,
        c: step.call,
        n: step.node,
        q: step.req,
        r: step.resource,
        dup: step.copy,
        k: step.outcome,
        v: step.versionAfter,
        rec: step.versionAfter === step.versionBefore ? null : recordText(step.after),
      };
    case 'reply':
      return {
        ...head,
        c: step.call,
        n: step.node,
        q: step.req,
        r: step.resource,
        k: step.result,
        why: step.cause,
        w: step.wallMs,
      };
    case 'fence':
      return { ...head, n: step.node, r: step.resource, tok: step.token, ok: step.accepted };
    case 'outcome':
      return {
        ...head,
        o: step.op.id,
        op: step.op.kind,
        n: step.op.node,
        r: step.op.resource,
        k: step.result,
        tok: step.token,
        fin: step.final,
      };
    case 'fault':
      return { ...head, f: step.fault, n: step.node, v: step.value };
    case 'powerLoss':
      return {
        ...head,
        lost: step.lost,
        rec: step.records.map((r) => `${r.resource}=${recordText(r.after)}`).join(' '),
      };
    case 'heal':
      return head;
    case 'probe':
      return { ...head, n: step.node, r: step.resource, k: step.result, waited: step.waitedMs };
    case 'violation':
      return { ...head, inv: step.invariant, msg: step.message };
    case 'failure':
      return { ...head, msg: step.message };
  }
}
