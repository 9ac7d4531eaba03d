import { checkResource } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { drawResourceNames, RESOURCE_NAMES, twinsOf, type TwinKind } from '../src/resource-names';

describe('resource names of a world', () => {
  it('twins differ from their name by case, normalization form or separator, and are valid', () => {
    expect(twinsOf('résumé').map((t) => t.kind)).toEqual(
      expect.arrayContaining<TwinKind>(['case', 'normalization', 'separator']),
    );
    expect(twinsOf('résumé').find((t) => t.kind === 'normalization')!.name).toBe(
      'résumé'.normalize('NFD'),
    );
    for (const name of RESOURCE_NAMES) {
      for (const twin of twinsOf(name)) {
        expect(twin.name).not.toBe(name);
        expect(checkResource(twin.name)).toBeNull();
      }
    }
  });

  it('puts a name and its twin of every kind into some worlds, never one name twice', () => {
    const kinds = new Set<TwinKind>();
    for (let seed = 1; seed <= 300; seed++) {
      for (const count of [1, 2, 3, 5, 8]) {
        const names = drawResourceNames(String(seed), count);
        expect(names).toHaveLength(count);
        expect(new Set(names).size).toBe(count);
        expect(names[0]).toBe(RESOURCE_NAMES[0]);
        for (const a of names)
          for (const twin of twinsOf(a)) if (names.includes(twin.name)) kinds.add(twin.kind);
      }
    }
    expect([...kinds].sort()).toEqual(['case', 'normalization', 'separator']);
  });

  it('draws the same names for the same seed', () => {
    expect(drawResourceNames('0xbeef', 5)).toEqual(drawResourceNames('0xbeef', 5));
  });
});
