import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

/** Why a request was refused before it reached the service: the field, and what was wrong. */
export interface InputProblem {
  readonly field: string;
  readonly message: string;
}

/** Where in a request a value came from, as the messages name it. */
export type InputPart = 'body' | 'querystring' | 'params';

const compiled = new WeakMap<TSchema, Validator>();

/** A compiled checker of `schema` (compiled once, kept for the schema's lifetime). */
export function validatorOf(schema: TSchema): Validator {
  let validator = compiled.get(schema);
  if (validator === undefined) {
    validator = Compile(schema);
    compiled.set(schema, validator);
  }
  return validator;
}

/**
 * Checks `value` against `schema`: null when it matches, else the first problem, naming the field
 * (the unknown one, the missing one, or the one whose value is wrong) and never echoing the value
 * (an owner key must never come back in an error or a log line). Unknown fields are refused, and a
 * "5" is not a number: the schemas say so, and nothing here coerces.
 */
export function checkInput(schema: TSchema, value: unknown, part: InputPart): InputProblem | null {
  const validator = validatorOf(schema);
  if (validator.Check(value)) return null;
  const errors = validator.Errors(value);
  const first = errors.find((e) => e.keyword !== 'boolean') ?? errors[0];
  if (first === undefined) return { field: part, message: `${part} is invalid` };
  const params = first.params as Record<string, unknown>;
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const unknown = errors.find((e) => e.keyword === 'boolean' && e.instancePath !== '');
  if (first.keyword === 'additionalProperties' || (first.keyword === 'boolean' && path !== '')) {
    const named = listed(params.additionalProperties) ?? lastSegment(unknown?.instancePath) ?? path;
    return { field: named, message: `${part} ${named} is not a known field` };
  }
  if (first.keyword === 'required') {
    const named = listed(params.requiredProperties) ?? path;
    return { field: named, message: `${part} ${named} is required` };
  }
  const field = path === '' ? part : path;
  return { field, message: `${part} ${field} ${first.message}` };
}

function listed(value: unknown): string | null {
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null;
}

function lastSegment(path: string | undefined): string | null {
  if (path === undefined || path === '') return null;
  return path.replace(/^\//, '').replaceAll('/', '.');
}
