import type { LeaseRecord } from '@leasehold/core';
import type { AnswerDetail, Step } from './step.js';

/**
 * A record in one short string: `held:n2:#7:exp=1500` or `free:n2:#7:released`, `-` for none.
 * Enough to read a trace and to tell two records apart where the model looks (status, holder,
 * token, expiry); the full record stays in the step.
 */
export function recordText(record: LeaseRecord | null): string {
  if (record === null) return '-';
  if (record.status === 'held')
    return `held:${record.holder}:#${record.token}:exp=${epochText(record.expiresAtMs)}`;
  return `free:${record.lastHolder}:#${record.token}:${record.freedBy}`;
}

const q = JSON.stringify;

/**
 * An integer's decimal text, as `String` writes it. Epoch milliseconds (wall clocks, expiries) are
 * beyond V8's small integers, whose text is cached, and converting one as a double costs several
 * times more: they are written as two small halves instead. Nearly every line has one.
 */
function epochText(value: number): string {
  if (value >= 1e7 && value < 1e15 && Number.isInteger(value)) {
    const high = Math.floor(value / 1e7);
    return `${high}${String(value - high * 1e7 + 1e7).slice(1)}`;
  }
  return String(value);
}

/** Node and resource names, quoted once: the same few names recur on nearly every line. */
const QUOTED_NAMES_MAX = 1_024;
const quotedNames = new Map<string, string>();

function qn(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    quoted = q(name);
    if (quotedNames.size < QUOTED_NAMES_MAX) quotedNames.set(name, quoted);
  }
  return quoted;
}

function n(value: number | null): string {
  return value === null ? 'null' : String(value);
}

/**
 * One trace line per step: a JSON object with short keys in a fixed order, so the same run gives
 * the same bytes (CONSTRAINTS.md C-8). `s` step, `t` true ms since start, `e` kind. Written by
 * hand rather than through an intermediate object: this runs once per simulated event.
 */
export function encodeStep(step: Step): string {
  const head = `{"s":${step.step},"t":${step.atMs},"e":"${step.kind}"`;
  switch (step.kind) {
    case 'start':
    case 'crash':
      return `${head},"n":${qn(step.node)},"inc":${step.inc}}`;
    case 'begin': {
      const op = step.op;
      return `${head},"o":${op.id},"op":"${op.kind}","n":${qn(op.node)},"r":${qn(op.resource)},"ttl":${n(op.ttlMs)},"of":${n(op.leaseOp)},"exp":${op.expectedHolder === null ? 'null' : q(op.expectedHolder)},"id":${op.requestId === null ? 'null' : q(op.requestId)}}`;
    }
    case 'request':
      return `${head},"hr":${step.req},"n":${qn(step.node)},"inc":${step.inc},"o":${n(step.op)},"route":"${step.route}","to":${qn(step.replica)},"w":${epochText(step.wallMs)},"m":${step.monoMs}${step.copies > 1 ? ',"dup":1' : ''}${step.tokenFloor === undefined ? '' : `,"floor":${step.tokenFloor}`}}`;
    case 'serve':
      return `${head},"sv":${step.serve},"hr":${step.req},"by":${qn(step.replica)},"dup":${step.copy}}`;
    case 'response':
      return `${head},"hr":${step.req},"n":${qn(step.node)},"by":${qn(step.replica)},"sv":${n(step.serve)},"k":${n(step.status)},"why":${step.cause === null ? 'null' : `"${step.cause}"`},"w":${epochText(step.wallMs)}}`;
    case 'call': {
      const origin = step.origin;
      const forText =
        origin === null ? '' : `,"for":${qn(origin.node)},"hr":${origin.req},"sv":${origin.serve}`;
      return `${head},"c":${step.call},"n":${qn(step.node)},"inc":${step.inc},"o":${n(step.op)},"q":"${step.req}","r":${qn(step.resource)},"w":${epochText(step.wallMs)},"m":${step.monoMs},"v":${n(step.expectedVersion)},"p":${step.req === 'cas' ? q(recordText(step.proposed)) : 'null'}${step.copies > 1 ? ',"dup":1' : ''}${forText}}`;
    }
    case 'apply':
      return `${head},"c":${step.call},"n":${qn(step.node)},"q":"${step.req}","r":${qn(step.resource)},"dup":${step.copy},"k":"${step.outcome}","v":${step.versionAfter},"rec":${step.versionAfter === step.versionBefore ? 'null' : q(recordText(step.after))}}`;
    case 'reply':
      return `${head},"c":${step.call},"n":${qn(step.node)},"q":"${step.req}","r":${qn(step.resource)},"k":"${step.result}","why":${step.cause === null ? 'null' : `"${step.cause}"`},"w":${epochText(step.wallMs)}${step.served === null ? '' : `,"sv":${step.served}`}}`;
    case 'fence':
      return `${head},"n":${qn(step.node)},"r":${qn(step.resource)},"tok":${step.token},"ok":${step.accepted}}`;
    case 'outcome': {
      const op = step.op;
      return `${head},"o":${op.id},"op":"${op.kind}","n":${qn(op.node)},"r":${qn(op.resource)},"k":${q(step.result)},"tok":${n(step.token)},"fin":${step.final}${step.invalid === null ? '' : `,"field":${q(step.invalid.field)},"why":${q(step.invalid.reason)}`}${detailText(step.detail)}}`;
    }
    case 'fault':
      return `${head},"f":"${step.fault}","n":${step.node === null ? 'null' : qn(step.node)},"v":${n(step.value)}}`;
    case 'powerLoss':
      return `${head},"lost":${step.lost},"rec":${q(step.records.map((r) => `${r.resource}=${recordText(r.after)}`).join(' '))}}`;
    case 'heal':
      return `${head}}`;
    case 'probe':
      return `${head},"n":${qn(step.node)},"r":${qn(step.resource)},"k":${q(step.result)},"waited":${step.waitedMs}}`;
    case 'violation':
      return `${head},"inv":"${step.invariant}","msg":${q(step.message)}}`;
    case 'failure':
      return `${head},"msg":${q(step.message)}}`;
  }
}

/** An answer's detail as a trace field (nothing when it has none). */
function detailText(detail: AnswerDetail): string {
  let text = '';
  for (const key in detail)
    text += `${text === '' ? '' : ','}${q(key)}:${JSON.stringify(detail[key])}`;
  return text === '' ? '' : `,"a":{${text}}`;
}
