import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { runSeed, findScenario, type TaskResult } from '@leasehold/sim';
import { findZooVariant } from '@leasehold/sim/zoo';
import { junitXml } from '../src/junit';
import { cli } from './run-cli';

const SCHEMA = readFileSync(join(import.meta.dirname, 'fixtures', 'junit.xsd'), 'utf8');
const out = () => join(mkdtempSync(join(tmpdir(), 'leasehold-junit-')), 'report.xml');

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: { fileName: 'report.xml', contents: xml },
    schema: { fileName: 'junit.xsd', contents: SCHEMA },
  });
  return result.errors.map((e) => e.message);
}

describe('dst run --reporter junit: one test case per seed, in the format CI systems read', () => {
  it('a passing sweep: every seed a passing test case, the seeds as a property', async () => {
    const file = out();
    const run = await cli([
      'dst',
      'run',
      '--scenario',
      'baseline',
      '--seeds',
      '3',
      '--jobs',
      '1',
      '--reporter',
      'junit',
      '--output',
      file,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`JUnit report: ${file}`);
    expect(run.stdout).toContain('seeds 1..3 (seed base 1)');
    const xml = readFileSync(file, 'utf8');
    expect(await schemaErrors(xml)).toEqual([]);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    for (const seed of ['1', '2', '3']) expect(xml).toContain(`name="baseline seed ${seed}"`);
    expect(xml).toContain('<testsuites name="leasehold dst run" tests="3" failures="0" errors="0"');
    expect(xml).toContain('<property name="seeds" value="seeds 1..3 (seed base 1)"/>');
  });

  it('a failing seed carries its invariant, report and reproduce line (--impl included)', async () => {
    const file = out();
    const run = await cli([
      'dst',
      'run',
      '--scenario',
      'swarm',
      '--seed',
      '2',
      '--impl',
      'zoo:Z8',
      '--no-shrink',
      '--trace-dir',
      mkdtempSync(join(tmpdir(), 'leasehold-traces-')),
      '--reporter',
      'junit',
      '--output',
      file,
    ]);
    expect(run.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(await schemaErrors(xml)).toEqual([]);
    expect(xml).toMatch(/<failure message="I-\d \w+: [^"]+" type="safety">/);
    expect(xml).toContain(
      'reproduce DST_SEED=2 npx leasehold dst run --scenario swarm --impl zoo:Z8',
    );
    expect(xml).toContain('tests="1" failures="1" errors="0"');
  });

  it('a crash of the implementation is an error, not a failure', async () => {
    const file = out();
    const run = await cli([
      'dst',
      'run',
      '--scenario',
      'baseline',
      '--seed',
      '1',
      '--impl',
      'test/fixtures/crashing.ts',
      '--no-shrink',
      '--trace-dir',
      mkdtempSync(join(tmpdir(), 'leasehold-traces-')),
      '--reporter',
      'junit',
      '--output',
      file,
    ]);
    expect(run.code).toBe(3);
    const xml = readFileSync(file, 'utf8');
    expect(await schemaErrors(xml)).toEqual([]);
    expect(xml).toMatch(/<error message="crash: [^"]+" type="crash">/);
    expect(xml).toContain('tests="1" failures="0" errors="1"');
  });

  it('text XML cannot carry (controls, lone surrogates, "]]>") is escaped, the file stays valid', async () => {
    const variant = findZooVariant('Z8')!;
    const failed = await runSeed({
      scenario: findScenario('swarm')!,
      seed: '2',
      implementation: variant.implementation,
    });
    expect(failed.violation).not.toBeNull();
    const careless = 'bell \u0007 lone \ud800 and \udc00 end ]]> \uffff';
    const run = { ...failed, violation: { ...failed.violation!, message: careless } };
    const result: TaskResult & { index: number; wallMs: number } = {
      run,
      deterministic: null,
      secondHash: null,
      index: 0,
      wallMs: 1.5,
    };
    const xml = junitXml([result], { seeds: 'seed 2', extra: { impl: 'zoo:Z8' } });
    expect(await schemaErrors(xml)).toEqual([]);
    expect(xml).toContain('bell \\u0007 lone \\ud800 and \\udc00 end ]]\\u003e \\uffff');
  });

  it('bad usage: --reporter without --output, --output alone, an unknown reporter (64)', async () => {
    const alone = await cli(['dst', 'run', '--seeds', '1', '--reporter', 'junit']);
    expect(alone.code).toBe(64);
    expect(alone.stderr).toContain('--reporter junit needs --output FILE');
    const output = await cli(['dst', 'run', '--seeds', '1', '--output', 'x.xml']);
    expect(output.code).toBe(64);
    expect(output.stderr).toContain('add --reporter junit');
    const unknown = await cli(['dst', 'run', '--reporter', 'tap', '--output', 'x.xml']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("argument 'tap' is invalid. Allowed choices are junit.");
  });
});
