import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import { plainReport, statusText, type ReproduceExtra, type TaskResult } from '@leasehold/sim';

/**
 * The package is CommonJS whose types declare a default export: Node hands over
 * `module.exports` (the builder) where the types, read as Node reads them, expect it under
 * `.default`; bundlers agree with the types.
 */
const junit = ((junitModule as unknown as { default?: Builder }).default ??
  junitModule) as unknown as Builder;

/** One finished run of a sweep, as the reporters see it. */
export type JunitRun = TaskResult & { readonly index: number; readonly wallMs: number };

/** What the JUnit file says about the sweep as a whole (properties of every suite). */
export interface JunitSweep {
  /** The sweep's seeds as the summary line prints them: `seeds 1..300 (seed base 1)`. */
  readonly seeds: string;
  /** Flags every reproduce line carries (`--impl`, `--faults`, ...). */
  readonly extra: ReproduceExtra;
}

/**
 * Characters XML 1.0 cannot carry even in CDATA (C0 controls but tab, newline and carriage
 * return; lone surrogates; U+FFFE/U+FFFF), written as `\uXXXX` so a careless resource name in a
 * report cannot make the file unreadable; and `]]>`, which would end the CDATA section early.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xmlSafe(text: string): string {
  return text
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/]]>/g, ']]\\u003e');
}

/**
 * The sweep as a JUnit XML report, the format CI systems read: one `testsuite` per scenario, one
 * `testcase` per seed (`<scenario> seed <seed>`). A failing seed carries a `failure` (an
 * invariant, liveness, nondeterminism or a step the spec does not allow) or an `error` (the
 * implementation crashed), with the report and its reproduce line as the body.
 */
export function junitXml(runs: readonly JunitRun[], sweep: JunitSweep): string {
  const builder = junit.newBuilder().name('leasehold dst run');
  const byScenario = new Map<string, JunitRun[]>();
  for (const r of [...runs].sort((a, b) => a.index - b.index)) {
    const list = byScenario.get(r.run.scenario) ?? [];
    list.push(r);
    byScenario.set(r.run.scenario, list);
  }
  for (const [scenario, list] of byScenario) {
    const suite = builder
      .testSuite()
      .name(scenario)
      .time(seconds(list.reduce((ms, r) => ms + r.wallMs, 0)))
      .property('seeds', sweep.seeds);
    for (const r of list) {
      const testCase = suite
        .testCase()
        .className(`leasehold.dst.${scenario}`)
        .name(`${scenario} seed ${r.run.seed}`)
        .time(seconds(r.wallMs));
      const nondeterministic = r.deterministic === false;
      if (r.run.status === 'passed' && !nondeterministic) continue;
      if (r.run.expected && !nondeterministic) {
        testCase.standardOutput(xmlSafe(`${statusText(r.run)}: ${headline(r)}`));
        continue;
      }
      const body = xmlSafe(plainReport(r.run, sweep.extra));
      if (r.run.status === 'crash') testCase.error(xmlSafe(headline(r)), 'crash', body);
      else testCase.failure(xmlSafe(headline(r)), kind(r)).stacktrace(body);
    }
  }
  return builder.build();
}

/** Milliseconds as seconds to the millisecond, as JUnit's `time` attributes carry them. */
function seconds(ms: number): number {
  return Math.round(ms) / 1_000;
}

function kind(r: JunitRun): string {
  return r.deterministic === false && r.run.status === 'passed' ? 'nondeterminism' : r.run.status;
}

function headline(r: JunitRun): string {
  const { run } = r;
  if (run.violation !== null)
    return `${run.violation.invariant} ${run.violation.name}: ${run.violation.message}`;
  if (run.conformance !== null) return `${run.conformance.action}: ${run.conformance.reason}`;
  if (run.crash !== null) return `crash: ${run.crash.message}`;
  if (r.deterministic === false)
    return `nondeterminism: the same seed gave trace hashes ${run.traceHash} and ${r.secondHash ?? '?'}`;
  return statusText(run);
}

/** Writes the report whole or not at all: a crash mid-write never leaves half a file for CI. */
export function writeJunit(path: string, xml: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  writeFileSync(partial, xml);
  renameSync(partial, path);
}
