// Which loaded module (a file or a `node:` URL) a target names. Pure functions over four sets,
// used by the registry in the application's thread and by the off-thread ESM loader alike.
import { fileURLToPath } from 'node:url';
import { builtinName, deepKey } from './targets';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const moduleDetailsFromPath: (file: string) => { name: string; basedir: string; path: string } | undefined = require('module-details-from-path');

/** The targets by kind, keyed as targets.ts canonicalizes them. */
export interface TargetTables {
  readonly builtins: ReadonlySet<string>;
  readonly packages: ReadonlySet<string>;
  readonly deep: ReadonlySet<string>;
  /** Absolute paths. */
  readonly files: ReadonlySet<string>;
}

/** Package name, root and path inside it for a file under node_modules. */
export function packageOf(filename: string): { name: string; basedir: string; path: string } | undefined {
  return moduleDetailsFromPath(filename);
}

/**
 * The target keys a loaded file matches. `isMain` tells whether the file is its package's
 * entry point for the request that loaded it (for `import`: the bare specifier was the package
 * name; for `require`: require-in-the-middle decides it itself).
 */
export function matchFile(tables: TargetTables, filename: string, isMain: (name: string, baseDir: string) => boolean): string[] {
  const keys: string[] = [];
  if (tables.files.has(filename)) keys.push(filename);
  if (tables.packages.size === 0 && tables.deep.size === 0) return keys;
  const details = moduleDetailsFromPath(filename);
  if (details === undefined) return keys;
  if (tables.packages.has(details.name) && isMain(details.name, details.basedir)) keys.push(details.name);
  if (tables.deep.size !== 0) {
    const key = deepKey(details.name, details.path);
    if (tables.deep.has(key)) keys.push(key);
  }
  return keys;
}

/** Should the ESM hooks wrap the module at `url`, imported as `specifier`? Only targets are. */
export function isTargetUrl(tables: TargetTables, url: string, specifier: string): boolean {
  if (url.startsWith('node:')) {
    const name = builtinName(url);
    return name !== undefined && tables.builtins.has(name);
  }
  if (tables.packages.has(specifier)) return true;
  if ((tables.files.size === 0 && tables.deep.size === 0) || !url.startsWith('file:')) return false;
  return matchFile(tables, fileURLToPath(url), () => false).length > 0;
}
