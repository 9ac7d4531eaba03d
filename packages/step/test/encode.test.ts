import { fc, test } from '@fast-check/vitest';
import type { LeaseRecord } from '@leasehold/core';
import { describe, expect } from 'vitest';
import {
  type AnswerDetail,
  encodeStep,
  LineBytes,
  type Op,
  recordText,
  type Step,
  writeStep,
} from '../src/index.js';

/**
 * The trace encoding written as template strings, the plain way: the reference the byte writer
 * must match byte for byte (a trace's hash, and every trace file, depend on those bytes).
 */
function templateLine(step: Step): string {
  const q = JSON.stringify;
  const n = (value: number | null) => (value === null ? 'null' : String(value));
  const head = `{"s":${step.step},"t":${step.atMs},"e":"${step.kind}"`;
  switch (step.kind) {
    case 'start':
    case 'crash':
      return `${head},"n":${q(step.node)},"inc":${step.inc}}`;
    case 'begin': {
      const op = step.op;
      const limits = `${op.maxRenewals === undefined ? '' : `,"mr":${op.maxRenewals}`}${op.maxAgeMs === undefined ? '' : `,"ma":${op.maxAgeMs}`}`;
      return `${head},"o":${op.id},"op":"${op.kind}","n":${q(op.node)},"r":${q(op.resource)},"ttl":${n(op.ttlMs)},"of":${n(op.leaseOp)},"exp":${op.expectedHolder === null ? 'null' : q(op.expectedHolder)},"id":${op.requestId === null ? 'null' : q(op.requestId)}${limits}}`;
    }
    case 'request':
      return `${head},"hr":${step.req},"n":${q(step.node)},"inc":${step.inc},"o":${n(step.op)},"route":"${step.route}","to":${q(step.replica)},"w":${step.wallMs},"m":${step.monoMs}${step.copies > 1 ? ',"dup":1' : ''}${step.tokenFloor === undefined ? '' : `,"floor":${step.tokenFloor}`}}`;
    case 'serve':
      return `${head},"sv":${step.serve},"hr":${step.req},"by":${q(step.replica)},"dup":${step.copy}}`;
    case 'response':
      return `${head},"hr":${step.req},"n":${q(step.node)},"by":${q(step.replica)},"sv":${n(step.serve)},"k":${n(step.status)},"why":${step.cause === null ? 'null' : `"${step.cause}"`},"w":${step.wallMs}}`;
    case 'call': {
      const origin = step.origin;
      const forText =
        origin === null ? '' : `,"for":${q(origin.node)},"hr":${origin.req},"sv":${origin.serve}`;
      return `${head},"c":${step.call},"n":${q(step.node)},"inc":${step.inc},"o":${n(step.op)},"q":"${step.req}","r":${q(step.resource)},"w":${step.wallMs},"m":${step.monoMs},"v":${n(step.expectedVersion)},"p":${step.req === 'cas' ? q(recordText(step.proposed)) : 'null'}${step.copies > 1 ? ',"dup":1' : ''}${forText}}`;
    }
    case 'apply':
      return `${head},"c":${step.call},"n":${q(step.node)},"q":"${step.req}","r":${q(step.resource)},"dup":${step.copy},"k":"${step.outcome}","v":${step.versionAfter},"rec":${step.versionAfter === step.versionBefore ? 'null' : q(recordText(step.after))}}`;
    case 'reply':
      return `${head},"c":${step.call},"n":${q(step.node)},"q":"${step.req}","r":${q(step.resource)},"k":"${step.result}","why":${step.cause === null ? 'null' : `"${step.cause}"`},"w":${step.wallMs}${step.served === null ? '' : `,"sv":${step.served}`}}`;
    case 'fence':
      return `${head},"n":${q(step.node)},"r":${q(step.resource)},"tok":${step.token},"ok":${step.accepted}}`;
    case 'outcome': {
      const op = step.op;
      let detail = '';
      for (const key in step.detail)
        detail += `${detail === '' ? '' : ','}${q(key)}:${JSON.stringify(step.detail[key])}`;
      return `${head},"o":${op.id},"op":"${op.kind}","n":${q(op.node)},"r":${q(op.resource)},"k":${q(step.result)},"tok":${n(step.token)},"fin":${step.final}${step.invalid === null ? '' : `,"field":${q(step.invalid.field)},"why":${q(step.invalid.reason)}`}${detail === '' ? '' : `,"a":{${detail}}`}}`;
    }
    case 'fault':
      return `${head},"f":"${step.fault}","n":${step.node === null ? 'null' : q(step.node)},"v":${n(step.value)}}`;
    case 'powerLoss':
      return `${head},"lost":${step.lost},"rec":${q(step.records.map((r) => `${r.resource}=${recordText(r.after)}`).join(' '))}}`;
    case 'heal':
      return `${head}}`;
    case 'probe':
      return `${head},"n":${q(step.node)},"r":${q(step.resource)},"k":${q(step.result)},"waited":${step.waitedMs}}`;
    case 'violation':
      return `${head},"inv":"${step.invariant}","msg":${q(step.message)}}`;
    case 'failure':
      return `${head},"msg":${q(step.message)}}`;
  }
}

function bytesOf(step: Step): Uint8Array {
  const out = new LineBytes(4);
  out.ascii('x');
  writeStep(step, out);
  return out.bytes.slice(1, out.length);
}

/** Text with what JSON must escape and UTF-8 must work for: quotes, controls, surrogates. */
const text = fc.oneof(
  fc.constantFrom('n1', 'orders/42', 'doc "draft"', 'Ünïcödé', '🔒', 'a\\b', '\n\t\u0000', ''),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength: 8,
  }),
);
/** Names the simulator writes unescaped (kinds, causes, routes): its own words. */
const word = fc.constantFrom('ok', 'conflict', 'timeout', 'POST /v1/leases', 'nodeCrash', 'I-1');
const number = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -0, 9, 10, 99_999_999, 100_000_000, 1_767_225_607_970, 2 ** 53, 1e21),
  fc.double(),
);
const numberOrNull = fc.option(number, { nil: null });
const at = { step: fc.nat(), atMs: fc.nat() };
const record: fc.Arbitrary<LeaseRecord | null> = fc.option(
  fc.oneof(
    fc.record({
      status: fc.constant('held' as const),
      holder: text,
      token: number,
      expiresAtMs: number,
    }),
    fc.record({
      status: fc.constant('free' as const),
      lastHolder: text,
      token: number,
      freedBy: fc.constantFrom('released' as const, 'forceReleased' as const, 'expired' as const),
    }),
    // What an implementation under test might store.
    fc.record({ status: text, holder: fc.anything(), token: fc.anything() }),
  ) as unknown as fc.Arbitrary<LeaseRecord>,
  { nil: null },
);
const op: fc.Arbitrary<Op> = fc.record(
  {
    id: fc.nat(),
    kind: fc.constantFrom('acquire' as const, 'renew' as const, 'release' as const),
    node: text,
    resource: text,
    ttlMs: numberOrNull,
    leaseOp: numberOrNull,
    expectedHolder: fc.option(text, { nil: null }),
    requestId: fc.option(text, { nil: null }),
    maxRenewals: fc.nat(),
    maxAgeMs: fc.nat(),
  },
  {
    requiredKeys: [
      'id',
      'kind',
      'node',
      'resource',
      'ttlMs',
      'leaseOp',
      'expectedHolder',
      'requestId',
    ],
  },
);
const detail: fc.Arbitrary<AnswerDetail> = fc.dictionary(
  text,
  fc.oneof(text, number, fc.boolean(), fc.constant(null)),
  { maxKeys: 4 },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('start' as const, 'crash' as const),
    ...at,
    node: text,
    inc: fc.nat(),
  }),
  fc.record({ kind: fc.constant('begin' as const), ...at, op }),
  fc.record(
    {
      kind: fc.constant('request' as const),
      ...at,
      node: text,
      inc: fc.nat(),
      req: fc.nat(),
      op: numberOrNull,
      route: word,
      replica: text,
      wallMs: number,
      monoMs: number,
      copies: fc.nat(3),
      tokenFloor: number,
    },
    {
      requiredKeys: [
        'kind',
        'step',
        'atMs',
        'node',
        'inc',
        'req',
        'op',
        'route',
        'replica',
        'wallMs',
        'monoMs',
        'copies',
      ],
    },
  ),
  fc.record({
    kind: fc.constant('serve' as const),
    ...at,
    serve: fc.nat(),
    req: fc.nat(),
    replica: text,
    copy: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('response' as const),
    ...at,
    req: fc.nat(),
    node: text,
    replica: text,
    status: numberOrNull,
    serve: numberOrNull,
    cause: fc.option(fc.constantFrom('timeout' as const, 'refused' as const), { nil: null }),
    wallMs: number,
  }),
  fc.record({
    kind: fc.constant('call' as const),
    ...at,
    node: text,
    inc: fc.nat(),
    call: fc.nat(),
    op: numberOrNull,
    req: fc.constantFrom('read' as const, 'cas' as const),
    resource: text,
    wallMs: number,
    monoMs: number,
    expectedVersion: numberOrNull,
    proposed: record,
    copies: fc.nat(3),
    origin: fc.option(
      fc.record({ node: text, req: fc.nat(), serve: fc.nat(), atMs: fc.nat(), monoMs: fc.nat() }),
      { nil: null },
    ),
  }),
  fc.record({
    kind: fc.constant('apply' as const),
    ...at,
    call: fc.nat(),
    node: text,
    req: fc.constantFrom('read' as const, 'cas' as const),
    resource: text,
    copy: fc.nat(),
    outcome: fc.constantFrom('ok' as const, 'conflict' as const, 'failed' as const),
    before: record,
    after: record,
    versionBefore: fc.nat(3),
    versionAfter: fc.nat(3),
  }),
  fc.record({
    kind: fc.constant('reply' as const),
    ...at,
    call: fc.nat(),
    node: text,
    op: numberOrNull,
    req: fc.constantFrom('read' as const, 'cas' as const),
    resource: text,
    result: fc.constantFrom('ok' as const, 'conflict' as const, 'unavailable' as const),
    cause: fc.option(fc.constantFrom('failed' as const, 'timeout' as const), { nil: null }),
    record,
    wallMs: number,
    served: numberOrNull,
  }),
  fc.record({
    kind: fc.constant('fence' as const),
    ...at,
    node: text,
    resource: text,
    token: number,
    accepted: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('outcome' as const),
    ...at,
    op,
    result: text,
    token: numberOrNull,
    wallMs: number,
    final: fc.boolean(),
    invalid: fc.option(fc.record({ field: text, reason: text }), { nil: null }),
    detail,
  }),
  fc.record({
    kind: fc.constant('fault' as const),
    ...at,
    fault: word,
    node: fc.option(text, { nil: null }),
    value: numberOrNull,
  }),
  fc.record({
    kind: fc.constant('powerLoss' as const),
    ...at,
    lost: fc.nat(),
    records: fc.array(
      fc.record({
        resource: text,
        before: record,
        survived: record,
        after: record,
        versionAfter: fc.nat(),
      }),
      { maxLength: 3 },
    ),
  }),
  fc.record({ kind: fc.constant('heal' as const), ...at }),
  fc.record({
    kind: fc.constant('probe' as const),
    ...at,
    node: text,
    resource: text,
    result: text,
    waitedMs: number,
  }),
  fc.record({ kind: fc.constant('violation' as const), ...at, invariant: word, message: text }),
  fc.record({ kind: fc.constant('failure' as const), ...at, message: text }),
) as fc.Arbitrary<Step>;

describe('the trace encoding', () => {
  test.prop([step], { numRuns: 3_000 })(
    'writes the UTF-8 bytes of the template text, for every kind of step and any text in it',
    (s) => {
      const expected = new TextEncoder().encode(templateLine(s));
      expect(Buffer.from(bytesOf(s)).equals(Buffer.from(expected))).toBe(true);
      expect(encodeStep(s)).toBe(new TextDecoder().decode(expected));
    },
  );

  test.prop([fc.array(step, { minLength: 1, maxLength: 30 })])(
    'appends lines one after another, growing its buffer as it needs',
    (steps) => {
      const out = new LineBytes(8);
      for (const s of steps) {
        writeStep(s, out);
        out.byte(0x0a);
      }
      expect(out.text()).toBe(steps.map((s) => `${encodeStep(s)}\n`).join(''));
    },
  );
});

describe('recordText', () => {
  test('writes a record an implementation filled with values that have no string form', () => {
    const stored = {
      status: 'held',
      holder: Symbol('n1'),
      token: { toString: 0 },
      expiresAtMs: Object.create(null) as object,
    } as unknown as LeaseRecord;
    expect(recordText(stored)).toBe('held:Symbol(n1):#[object Object]:exp=[object Object]');
  });
});

describe('LineBytes', () => {
  const written = (write: (out: LineBytes) => void) => {
    const out = new LineBytes(2);
    write(out);
    return Buffer.from(out.bytes.subarray(0, out.length));
  };
  const utf8 = (s: string) => Buffer.from(new TextEncoder().encode(s));

  test.prop([text])('raw text is its UTF-8, a lone surrogate as U+FFFD', (s) => {
    expect(written((out) => out.raw(s)).equals(utf8(s))).toBe(true);
  });

  test.prop([text])('json text is JSON.stringify', (s) => {
    expect(written((out) => out.json(s)).equals(utf8(JSON.stringify(s)))).toBe(true);
    expect(written((out) => out.name(s)).equals(utf8(JSON.stringify(s)))).toBe(true);
    expect(written((out) => out.name(s, true)).equals(utf8(JSON.stringify(s).slice(1, -1)))).toBe(
      true,
    );
  });

  test.prop([number])('a number is String(number)', (value) => {
    expect(written((out) => out.number(value)).toString()).toBe(String(value));
  });

  test.prop([fc.anything()])('a value is its template text', (value) => {
    let expected: string;
    try {
      expected = `${value as string}`;
    } catch {
      return; // objects without a string form: no template writes them either
    }
    expect(written((out) => out.value(value)).equals(utf8(expected))).toBe(true);
  });
});
