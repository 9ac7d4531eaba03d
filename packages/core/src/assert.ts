/**
 * Programmer-error assertions (CONSTRAINTS.md C-3). User input never reaches these: it is
 * rejected earlier with a typed `invalid` result. A failed assertion means the code itself is
 * wrong, so it throws.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(value: never, what: string): never {
  throw new AssertionError(`unhandled ${what}: ${JSON.stringify(value)}`);
}
