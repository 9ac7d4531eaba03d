import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How a sweep worker process starts: its script and the Node flags it needs. */
export interface WorkerEntry {
  readonly path: string;
  readonly execArgv: readonly string[];
}

/**
 * Installed, the CLI runs built JavaScript and so does its worker, under plain Node. Run from the
 * repository's TypeScript sources (the bin in a checkout, or vitest), the worker is the source
 * file too, loaded through tsx with the workspace packages resolved to their sources.
 */
export function workerEntry(): WorkerEntry {
  if (!import.meta.url.endsWith('.ts')) {
    return { path: fileURLToPath(new URL('./worker.js', import.meta.url)), execArgv: [] };
  }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return {
    path: fileURLToPath(new URL('./worker.ts', import.meta.url)),
    execArgv: ['--conditions=@leasehold/source', '--import', tsx],
  };
}
