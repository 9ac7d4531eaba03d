/**
 * A rejected user-supplied value. `reason` is a whole sentence that names the field and the
 * limit it broke, so it can be shown to a user as is.
 */
export interface Invalid {
  readonly kind: 'invalid';
  readonly field: string;
  readonly reason: string;
}

export function invalid(field: string, reason: string): Invalid {
  return { kind: 'invalid', field, reason: `${field} ${reason}` };
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  if (value === undefined) return 'undefined';
  return typeof value;
}
