import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Implementation } from '@leasehold/sim';
import { UsageError } from './io';

/**
 * Loads a user's implementation for `--impl FILE`: a module exporting `implementation` (or a
 * default export) with a `name` and a `createClient(options)` returning a lease client.
 */
export async function loadImplementation(file: string, cwd: string): Promise<Implementation> {
  const url = pathToFileURL(resolve(cwd, file)).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`--impl: cannot load ${JSON.stringify(file)}: ${message}`);
  }
  const candidate = (loaded.implementation ?? loaded.default) as
    Partial<Implementation> | undefined;
  if (
    candidate === undefined ||
    typeof candidate.name !== 'string' ||
    typeof candidate.createClient !== 'function'
  ) {
    throw new UsageError(
      `--impl: ${JSON.stringify(file)} must export \`implementation\` (or a default export) with a name and createClient(options)`,
    );
  }
  return candidate as Implementation;
}
