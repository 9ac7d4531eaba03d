import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INVARIANTS } from '@leasehold/core';
import {
  ACTION_NAMES,
  ACTION_PARAMETERS,
  BUGS,
  MODEL_CONFIGS,
  MODEL_INVARIANTS,
} from '@leasehold/model';
import Parser from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';

/**
 * CONSTRAINTS.md C-6 and issue 4: the invariant ids and names, the action names and the
 * configurations of spec/Lease.tla match the model, the simulator's checker and the test titles,
 * and the spec parses.
 */
const root = join(import.meta.dirname, '..');
const spec = readFileSync(join(root, 'spec', 'Lease.tla'), 'utf8');
const specReadme = readFileSync(join(root, 'spec', 'README.md'), 'utf8');
/** Every file of a directory, concatenated (the predicates live one per file). */
function sources(...dir: string[]): string {
  const path = join(root, ...dir);
  return readdirSync(path)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(path, f), 'utf8'))
    .join('\n');
}
const checker = sources('packages', 'sim', 'src', 'checker');
const modelPredicates = sources('packages', 'model', 'src', 'invariants');
/**
 * The TLA+ grammar of @tlaplus/tree-sitter-tlaplus 1.5.0 (a devDependency, pinned; its install
 * scripts are denied in package.json's allowScripts because its peer tree-sitter-cli would download
 * a binary from outside the npm registry; the grammar needs only this file).
 */
const grammar = join(
  root,
  'node_modules',
  '@tlaplus',
  'tree-sitter-tlaplus',
  'tree-sitter-tlaplus.wasm',
);
const GRAMMAR_SHA256 = '40e066a8cf25a4415dbb5340bb401c80aa96837d05ee2710b00ae951b046b22c';

async function parseSpec() {
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Parser.Language.load(grammar));
  return parser.parse(spec);
}

describe('spec/Lease.tla parses (tree-sitter-tlaplus) and defines what the model mirrors', () => {
  it('the grammar is the pinned release (1.5.0)', () => {
    const digest = createHash('sha256').update(readFileSync(grammar)).digest('hex');
    expect(digest).toBe(GRAMMAR_SHA256);
  });

  it('the module parses with no syntax error and defines Init, Next, Spec, every action and I-1..I-8', async () => {
    const tree = await parseSpec();
    const errors: string[] = [];
    const visit = (node: Parser.SyntaxNode): void => {
      if (node.type === 'ERROR' || node.isMissing)
        errors.push(
          `${node.type} at line ${node.startPosition.row + 1}: ${node.text.slice(0, 60)}`,
        );
      for (const child of node.children) visit(child);
    };
    visit(tree.rootNode);
    expect(errors).toEqual([]);
    const defined = new Set(
      tree.rootNode
        .descendantsOfType('operator_definition')
        .map((d) => d.childForFieldName('name')?.text ?? ''),
    );
    for (const name of ['Init', 'Next', 'Spec', 'StateConstraint', 'TypeOK', ...ACTION_NAMES])
      expect(defined, name).toContain(name);
    for (const { name } of INVARIANTS) expect(defined, name).toContain(name);
  });

  it("every action takes the model's parameters, by name and in order (AcquireRead(n, d), ForceRelease(e), ...)", async () => {
    const tree = await parseSpec();
    const parameters = new Map(
      tree.rootNode.descendantsOfType('operator_definition').map((d) => [
        d.childForFieldName('name')?.text ?? '',
        d
          .childrenForFieldName('parameter')
          .filter((p) => p.type === 'identifier')
          .map((p) => p.text),
      ]),
    );
    for (const name of ACTION_NAMES)
      expect(parameters.get(name), name).toEqual(ACTION_PARAMETERS[name]);
  });

  it('a syntax error is reported (the parse check is not vacuous)', async () => {
    await Parser.init();
    const parser = new Parser();
    parser.setLanguage(await Parser.Language.load(grammar));
    expect(parser.parse(spec.replace('Tick ==', 'Tick == ==')).rootNode.hasError).toBe(true);
  });
});

describe('C-6: invariant ids and names agree across spec/Lease.tla, the model, the checker and tests', () => {
  for (const { id, name } of INVARIANTS) {
    it(`${id} ${name} is defined under its id in spec/Lease.tla`, () => {
      const escapedId = id.replace('-', '\\-');
      expect(spec).toMatch(new RegExp(`\\\\\\* ${escapedId}\\b[^\\n]*\\n${name}(Step)? ==`));
      if (new RegExp(`\\n${name}Step ==`).test(spec))
        expect(spec).toMatch(new RegExp(`\\n${name} == \\[\\]\\[${name}Step\\]_vars`));
    });

    it(`${id} is checked by the model and, independently, by the simulator's checker`, () => {
      expect(MODEL_INVARIANTS.map((i) => i.id)).toContain(id);
      const row = specReadme.split('\n').find((l) => l.startsWith(`| ${id} `))!;
      const [, , , model, sim] = row.split('|');
      const named = (cell: string | undefined) =>
        [...(cell ?? '').matchAll(/`(check\w+)\(/g)].map((m) => m[1]!);
      expect(named(model).length).toBeGreaterThan(0);
      expect(named(sim).length).toBeGreaterThan(0);
      for (const p of named(model)) expect(modelPredicates, p).toContain(`function ${p}(`);
      for (const p of named(sim)) expect(checker, p).toContain(`function ${p}(`);
    });
  }

  it('the model checks exactly I-1..I-8, in order', () => {
    expect(MODEL_INVARIANTS.map((i) => i.id)).toEqual(INVARIANTS.map((i) => i.id));
  });

  it("every action of the spec's Next is an action of the model, and back", () => {
    const next = spec.slice(spec.indexOf('\nNext =='), spec.indexOf('\nSpec =='));
    // Every operator Next applies is an action, except the set of clocks a decision may use.
    const used = new Set([...next.matchAll(/\b([A-Z]\w+)\(/g)].map((m) => m[1]!));
    used.delete('Deciders');
    used.add('Tick');
    expect([...used].sort()).toEqual([...ACTION_NAMES].sort());
  });
});

describe('spec configurations: one .cfg per model configuration, same constants', () => {
  const cfgs = readdirSync(join(root, 'spec')).filter((f) => f.endsWith('.cfg'));
  it('each model configuration has its .cfg and each .cfg a model configuration', () => {
    const expected = MODEL_CONFIGS.map((c) =>
      c.name === 'safe' ? 'Lease.cfg' : `Lease_${c.name}.cfg`,
    );
    expect(cfgs.sort()).toEqual(expected.sort());
  });

  it("the spec's Bugs are the model's, by name", () => {
    const set = /\nBugs == \{([^}]*)\}/.exec(spec)![1]!;
    const names = [...set.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
    expect(names.sort()).toEqual(BUGS.map((b) => b.bug).sort());
  });

  for (const config of MODEL_CONFIGS) {
    it(`${config.name}: Bug, bounds and timing constants match the model`, () => {
      const file = config.name === 'safe' ? 'Lease.cfg' : `Lease_${config.name}.cfg`;
      const text = readFileSync(join(root, 'spec', file), 'utf8');
      const constant = (name: string) => new RegExp(`\\n\\s*${name} = (\\S+)`).exec(text)?.[1];
      expect(constant('Bug')).toBe(`"${config.bug}"`);
      expect(Number(constant('TTL'))).toBe(config.ttlTicks);
      expect(Number(constant('Grace'))).toBe(config.graceTicks);
      expect(Number(constant('MaxClockSkew'))).toBe(config.skewTicksMax);
      expect(Number(constant('Margin'))).toBe(config.marginTicks);
      expect(Number(constant('MaxTime'))).toBe(config.timeTicksMax);
      expect(Number(constant('MaxToken'))).toBe(config.tokenMax);
      expect(constant('ClockJumps')).toBe(config.clockJumps ? 'TRUE' : 'FALSE');
      // Nodes n1, n2, ... and replicas r1, r2, ...: n1, n3, ... and r1, r3, ... lag, as the
      // model's initial offsets put them.
      const nodes = Array.from({ length: config.nodes }, (_, i) => `n${i + 1}`);
      const replicas = Array.from({ length: config.replicas }, (_, i) => `r${i + 1}`);
      const lagging = replicas.filter((_, i) => i % 2 === 0);
      const set = (name: string) => new RegExp(`\\n\\s*${name} = \\{([^}]*)\\}`).exec(text)?.[1];
      const members = (name: string) =>
        (set(name) ?? '?')
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m !== '');
      expect(members('Node')).toEqual(nodes);
      expect(members('Lagging')).toEqual(nodes.filter((_, i) => i % 2 === 0));
      expect(members('Replica')).toEqual(replicas);
      expect(members('LaggingReplicas')).toEqual(lagging);
      expect(text).toMatch(/INVARIANT TypeOK LeaseUniqueness BeliefConsistency/);
      expect(text).toMatch(/CONSTRAINT StateConstraint/);
    });
  }
});
