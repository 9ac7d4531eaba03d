import type { LeaseRecord } from '@leasehold/core';
import { LineBytes } from './line-bytes.js';
import type {
  AnswerDetail,
  ApplyStep,
  BeginStep,
  CallStep,
  CrashStep,
  FailureStep,
  FaultStep,
  FenceStep,
  OutcomeStep,
  PowerLossStep,
  ProbeStep,
  ReplyStep,
  RequestStep,
  ResponseStep,
  ServeStep,
  StartStep,
  Step,
  ViolationStep,
} from './step.js';

/**
 * A record in one short string: `held:n2:#7:exp=1500` or `free:n2:#7:released`, `-` for none.
 * Enough to read a trace and to tell two records apart where the model looks (status, holder,
 * token, expiry); the full record stays in the step.
 */
export function recordText(record: LeaseRecord | null): string {
  if (record === null) return '-';
  if (record.status === 'held')
    return `held:${fieldText(record.holder)}:#${fieldText(record.token)}:exp=${fieldText(record.expiresAtMs)}`;
  return `free:${fieldText(record.lastHolder)}:#${fieldText(record.token)}:${fieldText(record.freedBy)}`;
}

/**
 * A record field as text. An implementation under test may store anything in a record, and the
 * trace must still be written so the checker can report it: a value that cannot be made a string
 * (a symbol in a template, an object whose `toString` is not a function) is written as its type
 * tag (`[object Object]`) instead of stopping the run with a TypeError.
 */
function fieldText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Where `encodeStep` writes a line before reading it back as a string. */
const scratch = new LineBytes();

/**
 * One trace line per step: a JSON object with short keys in a fixed order, so the same run gives
 * the same bytes (CONSTRAINTS.md C-8). `s` step, `t` true ms since start, `e` kind.
 */
export function encodeStep(step: Step): string {
  scratch.length = 0;
  writeStep(step, scratch);
  return scratch.text();
}

/**
 * Appends a step's trace line (no newline) to `out` as UTF-8: the bytes of `encodeStep(step)`,
 * written in place. The simulator's trace uses this: it runs once per simulated event.
 */
export function writeStep(step: Step, out: LineBytes): void {
  out.ascii('{"s":');
  out.number(step.step);
  out.ascii(',"t":');
  out.number(step.atMs);
  out.ascii(',"e":"');
  out.raw(step.kind);
  out.byte(QUOTE);
  switch (step.kind) {
    case 'start':
    case 'crash':
      writeStart(step, out);
      break;
    case 'begin':
      writeBegin(step, out);
      break;
    case 'request':
      writeRequest(step, out);
      break;
    case 'serve':
      writeServe(step, out);
      break;
    case 'response':
      writeResponse(step, out);
      break;
    case 'call':
      writeCall(step, out);
      break;
    case 'apply':
      writeApply(step, out);
      break;
    case 'reply':
      writeReply(step, out);
      break;
    case 'fence':
      writeFence(step, out);
      break;
    case 'outcome':
      writeOutcome(step, out);
      break;
    case 'fault':
      writeFault(step, out);
      break;
    case 'powerLoss':
      writePowerLoss(step, out);
      break;
    case 'heal':
      break;
    case 'probe':
      writeProbe(step, out);
      break;
    case 'violation':
      writeViolation(step, out);
      break;
    case 'failure':
      writeFailure(step, out);
      break;
  }
  out.byte(CLOSE);
}

const QUOTE = 0x22;
const CLOSE = 0x7d;

function writeStart(step: StartStep | CrashStep, out: LineBytes): void {
  field(out, ',"n":', step.node);
  out.ascii(',"inc":');
  out.number(step.inc);
}

function writeBegin(step: BeginStep, out: LineBytes): void {
  const op = step.op;
  out.ascii(',"o":');
  out.number(op.id);
  out.ascii(',"op":"');
  out.raw(op.kind);
  out.byte(QUOTE);
  field(out, ',"n":', op.node);
  field(out, ',"r":', op.resource);
  out.ascii(',"ttl":');
  out.numberOrNull(op.ttlMs);
  out.ascii(',"of":');
  out.numberOrNull(op.leaseOp);
  out.ascii(',"exp":');
  stringOrNull(out, op.expectedHolder);
  out.ascii(',"id":');
  stringOrNull(out, op.requestId);
  // A lease's own limits, only when the op asked for them (an op without keeps its bytes).
  if (op.maxRenewals !== undefined) {
    out.ascii(',"mr":');
    out.number(op.maxRenewals);
  }
  if (op.maxAgeMs !== undefined) {
    out.ascii(',"ma":');
    out.number(op.maxAgeMs);
  }
}

function writeRequest(step: RequestStep, out: LineBytes): void {
  out.ascii(',"hr":');
  out.number(step.req);
  field(out, ',"n":', step.node);
  out.ascii(',"inc":');
  out.number(step.inc);
  out.ascii(',"o":');
  out.numberOrNull(step.op);
  out.ascii(',"route":"');
  out.raw(step.route);
  out.byte(QUOTE);
  field(out, ',"to":', step.replica);
  out.ascii(',"w":');
  out.number(step.wallMs);
  out.ascii(',"m":');
  out.number(step.monoMs);
  if (step.copies > 1) out.ascii(',"dup":1');
  if (step.tokenFloor !== undefined) {
    out.ascii(',"floor":');
    out.number(step.tokenFloor);
  }
}

function writeServe(step: ServeStep, out: LineBytes): void {
  out.ascii(',"sv":');
  out.number(step.serve);
  out.ascii(',"hr":');
  out.number(step.req);
  field(out, ',"by":', step.replica);
  out.ascii(',"dup":');
  out.number(step.copy);
}

function writeResponse(step: ResponseStep, out: LineBytes): void {
  out.ascii(',"hr":');
  out.number(step.req);
  field(out, ',"n":', step.node);
  field(out, ',"by":', step.replica);
  out.ascii(',"sv":');
  out.numberOrNull(step.serve);
  out.ascii(',"k":');
  out.numberOrNull(step.status);
  cause(out, step.cause);
  out.ascii(',"w":');
  out.number(step.wallMs);
}

function writeCall(step: CallStep, out: LineBytes): void {
  out.ascii(',"c":');
  out.number(step.call);
  field(out, ',"n":', step.node);
  out.ascii(',"inc":');
  out.number(step.inc);
  out.ascii(',"o":');
  out.numberOrNull(step.op);
  out.ascii(',"q":"');
  out.raw(step.req);
  out.byte(QUOTE);
  field(out, ',"r":', step.resource);
  out.ascii(',"w":');
  out.number(step.wallMs);
  out.ascii(',"m":');
  out.number(step.monoMs);
  out.ascii(',"v":');
  out.numberOrNull(step.expectedVersion);
  out.ascii(',"p":');
  if (step.req === 'cas') recordJson(out, step.proposed);
  else out.ascii('null');
  if (step.copies > 1) out.ascii(',"dup":1');
  const origin = step.origin;
  if (origin !== null) {
    field(out, ',"for":', origin.node);
    out.ascii(',"hr":');
    out.number(origin.req);
    out.ascii(',"sv":');
    out.number(origin.serve);
  }
}

function writeApply(step: ApplyStep, out: LineBytes): void {
  out.ascii(',"c":');
  out.number(step.call);
  field(out, ',"n":', step.node);
  out.ascii(',"q":"');
  out.raw(step.req);
  out.byte(QUOTE);
  field(out, ',"r":', step.resource);
  out.ascii(',"dup":');
  out.number(step.copy);
  out.ascii(',"k":"');
  out.raw(step.outcome);
  out.byte(QUOTE);
  out.ascii(',"v":');
  out.number(step.versionAfter);
  out.ascii(',"rec":');
  if (step.versionAfter === step.versionBefore) out.ascii('null');
  else recordJson(out, step.after);
}

function writeReply(step: ReplyStep, out: LineBytes): void {
  out.ascii(',"c":');
  out.number(step.call);
  field(out, ',"n":', step.node);
  out.ascii(',"q":"');
  out.raw(step.req);
  out.byte(QUOTE);
  field(out, ',"r":', step.resource);
  out.ascii(',"k":"');
  out.raw(step.result);
  out.byte(QUOTE);
  cause(out, step.cause);
  out.ascii(',"w":');
  out.number(step.wallMs);
  if (step.served !== null) {
    out.ascii(',"sv":');
    out.number(step.served);
  }
}

function writeFence(step: FenceStep, out: LineBytes): void {
  field(out, ',"n":', step.node);
  field(out, ',"r":', step.resource);
  out.ascii(',"tok":');
  out.number(step.token);
  out.ascii(',"ok":');
  out.value(step.accepted);
}

function writeOutcome(step: OutcomeStep, out: LineBytes): void {
  const op = step.op;
  out.ascii(',"o":');
  out.number(op.id);
  out.ascii(',"op":"');
  out.raw(op.kind);
  out.byte(QUOTE);
  field(out, ',"n":', op.node);
  field(out, ',"r":', op.resource);
  out.ascii(',"k":');
  out.json(step.result);
  out.ascii(',"tok":');
  out.numberOrNull(step.token);
  out.ascii(',"fin":');
  out.value(step.final);
  if (step.invalid !== null) {
    out.ascii(',"field":');
    out.json(step.invalid.field);
    out.ascii(',"why":');
    out.json(step.invalid.reason);
  }
  detailJson(out, step.detail);
}

function writeFault(step: FaultStep, out: LineBytes): void {
  out.ascii(',"f":"');
  out.raw(step.fault);
  out.ascii('","n":');
  if (step.node === null) out.ascii('null');
  else out.name(step.node);
  out.ascii(',"v":');
  out.numberOrNull(step.value);
}

function writePowerLoss(step: PowerLossStep, out: LineBytes): void {
  out.ascii(',"lost":');
  out.value(step.lost);
  out.ascii(',"rec":');
  out.json(step.records.map((r) => `${r.resource}=${recordText(r.after)}`).join(' '));
}

function writeProbe(step: ProbeStep, out: LineBytes): void {
  field(out, ',"n":', step.node);
  field(out, ',"r":', step.resource);
  out.ascii(',"k":');
  out.json(step.result);
  out.ascii(',"waited":');
  out.number(step.waitedMs);
}

function writeViolation(step: ViolationStep, out: LineBytes): void {
  out.ascii(',"inv":"');
  out.raw(step.invariant);
  out.ascii('","msg":');
  out.json(step.message);
}

function writeFailure(step: FailureStep, out: LineBytes): void {
  out.ascii(',"msg":');
  out.json(step.message);
}

/** `key` (ASCII, with its comma and colon) and a name's JSON string. */
function field(out: LineBytes, key: string, name: string): void {
  out.ascii(key);
  out.name(name);
}

function stringOrNull(out: LineBytes, text: string | null): void {
  if (text === null) out.ascii('null');
  else out.json(text);
}

/** Why a call or request got no answer, as the `why` field (a fixed word, or null). */
function cause(out: LineBytes, why: string | null): void {
  if (why === null) {
    out.ascii(',"why":null');
    return;
  }
  out.ascii(',"why":"');
  out.raw(why);
  out.byte(QUOTE);
}

/** `recordText(record)` as a JSON string, written without building the text. */
function recordJson(out: LineBytes, record: LeaseRecord | null): void {
  if (record === null) {
    out.ascii('"-"');
    return;
  }
  if (typeof record.token !== 'number') {
    out.json(recordText(record));
  } else if (
    record.status === 'held' &&
    typeof record.holder === 'string' &&
    typeof record.expiresAtMs === 'number'
  ) {
    out.ascii('"held:');
    out.name(record.holder, true);
    out.ascii(':#');
    out.number(record.token);
    out.ascii(':exp=');
    out.number(record.expiresAtMs);
    out.byte(QUOTE);
  } else if (
    record.status !== 'held' &&
    typeof record.lastHolder === 'string' &&
    typeof record.freedBy === 'string'
  ) {
    out.ascii('"free:');
    out.name(record.lastHolder, true);
    out.ascii(':#');
    out.number(record.token);
    out.byte(COLON);
    out.name(record.freedBy, true);
    out.byte(QUOTE);
  } else {
    // A malformed record (from an implementation under test): the long way.
    out.json(recordText(record));
  }
}

const COLON = 0x3a;

/** An answer's detail as a trace field (nothing when it has none). */
function detailJson(out: LineBytes, detail: AnswerDetail): void {
  let first = true;
  for (const key in detail) {
    out.ascii(first ? ',"a":{' : ',');
    first = false;
    out.name(key);
    out.byte(COLON);
    const value = detail[key];
    if (typeof value === 'string') out.json(value);
    else if (typeof value === 'number' && Number.isFinite(value)) out.number(value);
    else out.raw(`${JSON.stringify(value)}`);
  }
  if (!first) out.byte(CLOSE);
}
