// What a target string means: a builtin, a package, a file inside a package, or a file of
// the application. Pure functions over strings (and one optional resolve for extensionless
// application files); used by the config, the registry and the module hooks alike.
import { isBuiltin } from 'node:module';
import path = require('node:path');

export type TargetKind = 'builtin' | 'package' | 'deep' | 'file';

export interface Target {
  /** The canonical key: builtin name without `node:` where Node allows it, package name, `pkg/sub` normalized, or absolute path. */
  readonly key: string;
  readonly kind: TargetKind;
  /** As written by the user. */
  readonly written: string;
  /** Package or builtin name; for files, the path as written. */
  readonly name: string;
  /** For application files: the directory the path was resolved against. */
  readonly baseDir?: string;
}

// 'foo/bar.js' or 'foo/bar/index.js' => 'foo/bar' (the normalization require-in-the-middle applies).
const NORMALIZE = /([/\\]index)?(\.js)?$/;
/**
 * A package name as npm writes it (a scope, upper case accepted for older packages). The letters
 * are spelled out rather than matched with the `i` flag: V8 builds a case-insensitive class from
 * ICU's case-folding tables, 1.7 M instructions at the first such regexp in a process (bench/FINDINGS.md).
 */
export const PACKAGE_NAME = /^(?:@[A-Za-z0-9][\w.~-]*\/)?[A-Za-z0-9~][\w.~-]*$/;

/** The builtin's canonical name (`node:fs` -> `fs`; `node:test` stays), or undefined. */
export function builtinName(id: string): string | undefined {
  if (!isBuiltin(id)) return undefined;
  if (id.startsWith('node:')) {
    const bare = id.slice(5);
    return isBuiltin(bare) ? bare : id;
  }
  return id;
}

/** Splits a bare specifier into package name and subpath ('' for the package itself). */
export function splitBare(specifier: string): { name: string; subpath: string } {
  const name = bareName(specifier);
  return { name, subpath: specifier.slice(name.length + 1) };
}

/**
 * The package name of a bare specifier (`@scope/x` of `@scope/x/lib/y`, `lodash` of `lodash/fp`):
 * what precedes its first `/`, or its second for a scoped one. No array is made: the CommonJS
 * hook asks it at every bare require (hooks/cjs-targets.ts).
 */
export function bareName(specifier: string): string {
  const scoped = specifier.startsWith('@');
  const scope = scoped ? specifier.indexOf('/') : -1;
  if (scoped && scope === -1) return specifier;
  const slash = specifier.indexOf('/', scope + 1);
  return slash === -1 ? specifier : specifier.slice(0, slash);
}

/** The key of a file inside a package: `pkg/lib/router/index.js` -> `pkg/lib/router`. */
export function deepKey(name: string, subpath: string): string {
  const posix = path.sep === '/' ? subpath : subpath.split(path.sep).join('/');
  return `${name}/${posix}`.replace(NORMALIZE, '');
}

/**
 * Parses a target as written in a config, a patch package or an API call. Relative and
 * absolute paths are files of the application, resolved against `baseDir`.
 * Returns an error message (a string) for a target that can never match.
 */
export function parseTarget(written: string, baseDir: string): Target | string {
  if (typeof written !== 'string' || written.trim() === '') return 'the target is empty';
  if (written !== written.trim()) return `the target ${JSON.stringify(written)} has leading or trailing spaces`;
  const builtin = builtinName(written);
  if (builtin !== undefined) return { key: builtin, kind: 'builtin', written, name: builtin };
  if (written.startsWith('node:')) return `"${written}" is not a Node.js builtin module`;
  if (written.startsWith('./') || written.startsWith('../') || written === '.' || path.isAbsolute(written)) {
    const file = resolveAppFile(path.resolve(baseDir, written));
    return { key: file, kind: 'file', written, name: written, baseDir };
  }
  const { name, subpath } = splitBare(written);
  if (!PACKAGE_NAME.test(name) || /[\s\\]/.test(subpath)) {
    return `"${written}" is not a package name, a file inside a package ("pkg/lib/file.js"), a builtin, or a path starting with "./"`;
  }
  if (subpath === '') return { key: name, kind: 'package', written, name };
  const key = deepKey(name, subpath);
  if (key === name) return { key: name, kind: 'package', written, name };
  return { key, kind: 'deep', written, name };
}

const EXTENSIONS = ['.js', '.cjs', '.mjs', '.json', '.node', '.ts', '.cts', '.mts'];

/** An application file as Node will name it: extensionless paths get the extension Node would find. */
function resolveAppFile(file: string): string {
  if (EXTENSIONS.includes(path.extname(file))) return file;
  try {
    return require.resolve(file);
  } catch {
    return file;
  }
}

/** Splits `"<module>#<export>"` at the last `#` not at position 0. */
export function splitSpecifier(spec: string): { module: string; exportName: string | undefined } {
  const at = spec.lastIndexOf('#');
  if (at > 0) return { module: spec.slice(0, at), exportName: spec.slice(at + 1) };
  return { module: spec, exportName: undefined };
}

/** Checks a patch specifier's shape; returns an error message or undefined. */
export function checkSpecifier(spec: unknown): string | undefined {
  if (typeof spec !== 'string')
    return `a patch specifier must be a string like "./patches/fs.js#patchFs", got ${spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec}`;
  if (spec.trim() === '') return 'the patch specifier is empty';
  const { module, exportName } = splitSpecifier(spec);
  if (module.trim() === '') return `the patch specifier ${JSON.stringify(spec)} names no module`;
  if (exportName !== undefined && exportName.trim() === '') return `the patch specifier ${JSON.stringify(spec)} ends with "#" but names no export`;
  return undefined;
}
