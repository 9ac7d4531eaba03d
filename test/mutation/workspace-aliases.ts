import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PackageJson {
  readonly name: string;
  readonly exports?: Record<string, { readonly '@leasehold/source'?: string }>;
}

/**
 * Every export of every workspace package (`@leasehold/server/service` too), resolved to its
 * TypeScript source under `root`. node_modules links the packages to the checkout StrykerJS copied
 * from, so a mutated copy (its sandbox) must resolve them to its own files or it runs unmutated code.
 */
export function workspaceAliases(root: string): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'),
    ) as PackageJson;
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = target['@leasehold/source'];
      if (source === undefined) continue;
      const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      aliases.push({
        find: new RegExp(`^${name.replace('/', '\\/')}$`),
        replacement: join(root, 'packages', dir, source),
      });
    }
  }
  return aliases;
}
