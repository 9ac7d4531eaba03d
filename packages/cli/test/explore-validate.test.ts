import { MODEL_CONFIGS } from '@leasehold/model';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

describe('leasehold dst explore', () => {
  it('safe (1 node) explores the whole space with no violation: exit 0 and the JSON shape', async () => {
    const result = await cli(['dst', 'explore', '--config', 'safe', '--nodes', '1', '--json']);
    expect(result.code).toBe(0);
    const json = result.json();
    expect(json.config).toBe('safe');
    expect(json.distinctStates).toBeGreaterThan(1_000);
    expect(json.depth).toBeGreaterThan(10);
    expect(json.complete).toBe(true);
    expect(json.violations).toEqual([]);
  });

  it('I-5 token-reset-on-release: exit 1, the violation names I-5 and carries the shortest trace', async () => {
    const result = await cli(['dst', 'explore', '--config', 'token-reset-on-release', '--json']);
    expect(result.code).toBe(1);
    const json = result.json();
    expect(json.violations.map((v: { invariant: string }) => v.invariant)).toEqual(['I-5']);
    const trace = json.violations[0].trace as { action: string }[];
    expect(trace[0]!.action).toBe('Init');
    expect(trace.at(-1)!.action).toBe('ReleaseWrite(n1)');
  });

  it('I-6 fence-without-token-check in text: the counterexample ends with the late fenced write', async () => {
    const result = await cli(['dst', 'explore', '--config', 'fence-without-token-check']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/I-6 FencedResourceSafety violated/);
    expect(result.stdout).toMatch(/FencedWriteArrive\(n\d\)/);
  });

  it('an unknown config is a usage error (64) that lists every valid name', async () => {
    const result = await cli(['dst', 'explore', '--config', 'nope']);
    expect(result.code).toBe(64);
    for (const c of MODEL_CONFIGS) expect(result.stderr).toContain(c.name);
  });

  it('no --config and a bad --nodes are usage errors', async () => {
    expect((await cli(['dst', 'explore'])).code).toBe(64);
    const nodes = await cli(['dst', 'explore', '--config', 'safe', '--nodes', '9']);
    expect(nodes.code).toBe(64);
    expect(nodes.stderr).toMatch(/--nodes must be from 1 to 4/);
  });
});

describe('leasehold dst validate', () => {
  it('a seed of the correct implementation conforms: exit 0 and JSON', async () => {
    const result = await cli(['dst', 'validate', '--seed', '7', '--scenario', 'swarm', '--json']);
    expect(result.code).toBe(0);
    const json = result.json();
    expect(json.conforming).toBe(true);
    expect(json.failure).toBeNull();
    expect(json.observations).toBeGreaterThan(100);
    expect(json.actions.AcquireWrite).toBeGreaterThan(0);
  });

  it('DST_SEED works as --seed, and the text output lists the model actions', async () => {
    const result = await cli(['dst', 'validate', '--scenario', 'baseline'], { DST_SEED: '3' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/every step matches a model action/);
    expect(result.stdout).toMatch(/AcquireWrite \d+/);
  });

  it('usage errors exit 64: no seed, no scenario, unknown scenario', async () => {
    expect((await cli(['dst', 'validate', '--scenario', 'baseline'])).code).toBe(64);
    expect((await cli(['dst', 'validate', '--seed', '1'])).code).toBe(64);
    const unknown = await cli(['dst', 'validate', '--seed', '1', '--scenario', 'nope']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/--scenario must be one of/);
  });
});
