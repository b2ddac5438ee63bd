// What only cosmiconfig's own search and `$import` need (loaded on first use, in a project with
// a cosmiconfig meta config or a config that uses `$import`): the vetting that makes handing
// cosmiconfig a search safe, and the explorer. cosmiconfig reads a file before any loader of ours
// sees it, so every file it could read is vetted first (docs/production-and-security.md).
import path = require('node:path');
import { ownerReason, untrustedReason, vet } from '../core/trust';
import { CODE, MODULE_NAME } from './places';
import { LOADERS, loadConfigText, refused, type Loader } from './read';

/**
 * The extra search places of the meta config `file` (its text read and vetted), or undefined
 * when it holds none (package.json or package.yaml without a "cosmiconfig" field). `trust` vets
 * the owner of a shared file (package.json) once it is used. Throws the refusal of a file it
 * names with `$import` that cosmiconfig's default loaders, which run JavaScript, would load.
 */
export function metaSearchPlaces(file: string, text: string, shared: boolean, trust: () => void): string[] | undefined {
  const loaded = text.trim() === '' ? undefined : loadConfigText(file, text, 'cosmiconfig');
  if (shared && (loaded === null || loaded === undefined)) return undefined;
  if (shared) trust();
  vetImports(file, loaded, { code: false });
  const meta = shared ? loaded : (loaded as { cosmiconfig?: unknown } | undefined)?.cosmiconfig;
  const listed = (meta as { searchPlaces?: unknown } | undefined)?.searchPlaces;
  return Array.isArray(listed) ? listed.filter((item): item is string => typeof item === 'string').map((item) => item.replace('{name}', MODULE_NAME)) : [];
}

/**
 * Vets every file cosmiconfig's search could read in `dirs` (the places a meta config adds, then
 * the default ones), before cosmiconfig reads any: one that is not a regular file, or (except
 * package.json and package.yaml) one another user could have changed, is refused (thrown).
 */
export function vetPlaces(dirs: readonly string[], extra: readonly string[], places: readonly string[]): void {
  for (const dir of dirs) {
    for (const place of [...extra, ...places]) {
      const file = path.join(dir, place);
      const vetted = vet(file);
      const shared = place === 'package.json' || place === 'package.yaml';
      const reason = 'refused' in vetted ? vetted.refused : 'stats' in vetted && !shared ? ownerReason(file, vetted.stats) : undefined;
      if (reason !== undefined) throw refused(file, reason);
    }
  }
}

/**
 * Vets the files a loaded config names with cosmiconfig's `$import` (package.json: in its
 * "wrapt-hooks" field), before cosmiconfig reads them: each must be a regular file that no other
 * user could have changed, and with `code: false` (cosmiconfig's default loaders, which run
 * JavaScript) must not be JavaScript or TypeScript. Throws the refusal.
 */
export function vetImports(filepath: string, value: unknown, { code = true }: { code?: boolean } = {}): void {
  if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, '$import')) return;
  const imports = (value as { $import: unknown }).$import;
  for (const item of Array.isArray(imports) ? imports : [imports]) {
    if (typeof item !== 'string') continue; // cosmiconfig rejects it with its own message
    const target = path.resolve(path.dirname(filepath), item);
    if (!code && CODE.test(target)) throw refused(target, 'cosmiconfig would run it with its own loaders; name a JSON or YAML file', filepath);
    const reason = untrustedReason(target);
    if (reason !== undefined) throw refused(target, reason, filepath);
  }
}

let loaders: Readonly<Record<string, Loader>> | undefined;

/** Our loaders, each vetting the files its config names with `$import` before cosmiconfig reads them. */
function vettingLoaders(): Readonly<Record<string, Loader>> {
  loaders ??= Object.freeze(
    Object.fromEntries(
      Object.entries(LOADERS).map(([extension, loader]) => [
        extension,
        (filepath: string, content: string): unknown => {
          const value = loader(filepath, content);
          vetImports(
            filepath,
            path.basename(filepath, path.extname(filepath)) === 'package' ? (value as Record<string, unknown> | null)?.[MODULE_NAME] : value,
          );
          return value;
        },
      ]),
    ),
  );
  return loaders;
}

export interface Explorer {
  search(from: string): { filepath: string; config: unknown; isEmpty?: boolean } | null;
  load(file: string): { filepath: string; config: unknown; isEmpty?: boolean } | null;
}

/**
 * cosmiconfig's own explorer, with the search's places and our loaders. Its constructor reads
 * the meta config of the process's working directory: callers vet that first.
 */
export function explorer(searchStrategy: 'project' | 'none', places: readonly string[]): Explorer {
  const { cosmiconfigSync } = require('cosmiconfig') as { cosmiconfigSync(name: string, options: object): Explorer };
  return cosmiconfigSync(MODULE_NAME, { searchPlaces: [...places], loaders: vettingLoaders(), searchStrategy, cache: false });
}
