import { randomUUID } from 'node:crypto';

/**
 * Where request ids and owner keys come from. Randomness is injected, as time is (CONSTRAINTS.md
 * C-4): the simulator passes a seeded source, production passes `randomIds()`.
 */
export interface IdSource {
  requestId(): string;
  ownerKey(): string;
}

/** Unguessable ids for production. */
export function randomIds(): IdSource {
  return {
    requestId: () => randomUUID(),
    ownerKey: () => randomUUID(),
  };
}

/** Predictable ids for tests: `<prefix>-req-1`, `<prefix>-key-1`, ... */
export function counterIds(prefix: string): IdSource {
  let requests = 0;
  let keys = 0;
  return {
    requestId: () => `${prefix}-req-${++requests}`,
    ownerKey: () => `${prefix}-key-${++keys}`,
  };
}
