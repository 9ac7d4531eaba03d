import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Implementation } from '@leasehold/sim';
import { findZooVariant, ZOO } from '@leasehold/sim/zoo';
import { UsageError } from './io.js';

/**
 * Node's own import, or for a TypeScript module that plain Node cannot load (an installed CLI
 * given the user's `impl.ts`), an import through tsx. Under tsx or vitest a `.ts` module loads
 * natively, so the implementation is the same module instance the caller's code imports.
 */
async function importModule(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?tsx?$/.test(url)) throw error;
  }
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(url, import.meta.url);
}

/** Where workers load `--impl` from: a zoo name as is, a file as an absolute path. */
export function implementationPath(file: string, cwd: string): string {
  return file.startsWith('zoo:') ? file : resolve(cwd, file);
}

/**
 * Loads a user's implementation for `--impl FILE`: a module exporting `implementation` (or a
 * default export) with a `name` and a `createClient(options)` returning a lease client.
 */
export async function loadImplementation(file: string, cwd: string): Promise<Implementation> {
  if (file.startsWith('zoo:')) {
    const variant = findZooVariant(file.slice('zoo:'.length));
    if (variant === undefined) {
      throw new UsageError(
        `--impl ${file}: the bug zoo has ${ZOO.map((v) => `zoo:${v.id}`).join(', ')}`,
      );
    }
    return variant.implementation;
  }
  const url = pathToFileURL(resolve(cwd, file)).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await importModule(url)) as Record<string, unknown>;
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
