// Which loaded module (a file or a `node:` URL) a target names. Pure functions over four sets,
// used by the registry in the application's thread and by the off-thread ESM loader alike.
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinName, deepKey, splitBare, type Target } from './targets';

const moduleDetailsFromPath: (file: string) => { name: string; basedir: string; path: string } | undefined = require('module-details-from-path');

/** The deep targets (`pkg/lib/file` keys), which also know the packages they are in. */
export class DeepTargets extends Set<string> {
  private readonly names = new Map<string, number>();
  constructor() {
    super(); // empty: Set's constructor would call add() before `names` exists
  }
  override add(key: string): this {
    if (!this.has(key)) {
      const { name } = splitBare(key);
      this.names.set(name, (this.names.get(name) ?? 0) + 1);
    }
    return super.add(key);
  }
  override delete(key: string): boolean {
    if (!super.delete(key)) return false;
    const { name } = splitBare(key);
    const count = (this.names.get(name) ?? 1) - 1;
    if (count === 0) this.names.delete(name);
    else this.names.set(name, count);
    return true;
  }
  override clear(): void {
    super.clear();
    this.names.clear();
  }
  /** Does package `name` hold any deep target? */
  hasPackage(name: string): boolean {
    return this.names.has(name);
  }
}

/**
 * Target keys by kind, to be filled: the registry's hook table, a bundle's targets, the few an
 * attach looks for among the modules loaded, the off-thread loader's copy.
 */
export class TargetSets {
  readonly builtins = new Set<string>();
  readonly packages = new Set<string>();
  readonly deep = new DeepTargets();
  readonly files = new Set<string>();

  /** The set that holds keys of `target`'s kind. */
  setOf(target: Target): Set<string> {
    switch (target.kind) {
      case 'builtin':
        return this.builtins;
      case 'package':
        return this.packages;
      case 'deep':
        return this.deep;
      case 'file':
        return this.files;
    }
  }
}

/** The targets by kind, keyed as targets.ts canonicalizes them. */
export interface TargetTables {
  readonly builtins: ReadonlySet<string>;
  readonly packages: ReadonlySet<string>;
  readonly deep: ReadonlySet<string> & Pick<DeepTargets, 'hasPackage'>;
  /** Absolute paths. */
  readonly files: ReadonlySet<string>;
}

/** Package name, root and path inside it for a file under node_modules. */
export function packageOf(filename: string): { name: string; basedir: string; path: string } | undefined {
  return moduleDetailsFromPath(filename);
}

const NODE_MODULES = `${sep}node_modules${sep}`;

/** The package a file belongs to, by its path alone (the last node_modules segment): cheap, for turning away non-targets. */
export function packageNameOf(filename: string): string | undefined {
  const start = nameStart(filename);
  const end = nameEnd(filename, start);
  if (end === -1) return undefined;
  const name = filename.slice(start, end);
  return sep === '/' ? name : name.split(sep).join('/');
}

/** The directory of the package a file belongs to (`…/node_modules/<name>`), by its path alone as above. */
export function packageDirOf(filename: string): string | undefined {
  const end = nameEnd(filename, nameStart(filename));
  return end === -1 ? undefined : filename.slice(0, end);
}

/** Where the package name after the last node_modules segment of `filename` starts, or -1. */
function nameStart(filename: string): number {
  const at = filename.lastIndexOf(NODE_MODULES);
  return at === -1 ? -1 : at + NODE_MODULES.length;
}

/** Where the package name starting at `start` ends (after its scope, if any), or -1. */
function nameEnd(filename: string, start: number): number {
  if (start === -1) return -1;
  const end = filename.indexOf(sep, start);
  return end !== -1 && filename.charCodeAt(start) === 64 /* @ */ ? filename.indexOf(sep, end + 1) : end;
}

/**
 * The target keys a loaded file matches. `isMain` tells whether the file is its package's
 * entry point for the request that loaded it (for `import`: the bare specifier was the package
 * name; for `require`: `matchRequired`). Runs for every module loaded: a file that is no
 * target costs a Set lookup or two.
 */
export function matchFile(tables: TargetTables, filename: string, isMain: (name: string, baseDir: string) => boolean): string[] {
  const keys: string[] = [];
  if (tables.files.has(filename)) keys.push(filename);
  if (tables.packages.size === 0 && tables.deep.size === 0) return keys;
  const name = packageNameOf(filename);
  if (name === undefined || (!tables.packages.has(name) && !tables.deep.hasPackage(name))) return keys;
  const details = moduleDetailsFromPath(filename);
  if (details === undefined) return keys;
  if (tables.packages.has(details.name) && isMain(details.name, details.basedir)) keys.push(details.name);
  if (tables.deep.hasPackage(details.name)) {
    const key = deepKey(details.name, details.path);
    if (tables.deep.has(key)) keys.push(key);
  }
  return keys;
}

const mains = new Map<string, string | null>();

/** What `require(name)` gives inside `baseDir` (the package's CommonJS entry point); cached per package root. */
export function requireMain(name: string, baseDir: string): string | undefined {
  let main = mains.get(baseDir);
  if (main === undefined) {
    try {
      main = require.resolve(name, { paths: [baseDir] });
    } catch {
      main = null;
    }
    mains.set(baseDir, main);
  }
  return main ?? undefined;
}

/** The target keys of a file loaded by `require()` (a package matches at its CommonJS entry point). */
export function matchRequired(tables: TargetTables, filename: string): string[] {
  return matchFile(tables, filename, (name, baseDir) => requireMain(name, baseDir) === filename);
}

/**
 * The package target whose files `url` is in, when the import did not name the package itself
 * (`import('/…/node_modules/express/index.js')`, its `file:` URL, a relative or subpath import):
 * the ESM hooks then ask whether the file is the package's entry point for this import, so that
 * a package fires however its entry was reached (vitest imports every dependency by path).
 */
export function packageReached(tables: TargetTables, url: string, specifier: string): { name: string; basedir: string } | undefined {
  if (tables.packages.size === 0 || !url.startsWith('file:') || tables.packages.has(specifier)) return undefined;
  const filename = fileURLToPath(url);
  const name = packageNameOf(filename);
  if (name === undefined || !tables.packages.has(name)) return undefined;
  const details = moduleDetailsFromPath(filename);
  return details === undefined || details.name !== name ? undefined : { name, basedir: details.basedir };
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
