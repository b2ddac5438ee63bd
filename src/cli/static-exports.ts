// A module's exports found without running it, the way import-in-the-middle finds them:
// es-module-lexer for ES modules, cjs-module-lexer for CommonJS, following re-exports
// (`export * from`, `module.exports = require(...)`). `doctor` uses this so that checking a
// setup never runs application or patch code (a module that writes a file or seeds a database
// at load time does nothing).
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path = require('node:path');

export type StaticFormat = 'commonjs' | 'module' | 'json' | 'builtin' | 'typescript';

export interface StaticExports {
  readonly file: string;
  readonly format: StaticFormat;
  /** Export names found. For CommonJS, the properties of `module.exports` (`default` only when assigned as one). */
  readonly names: ReadonlySet<string>;
  /**
   * Whether `names` may be incomplete: CommonJS assigned in ways the lexer cannot follow
   * (`module.exports = new Api()`), or a re-export that could not be read.
   */
  readonly partial: boolean;
  /** The source text of this file and every file it re-exports, to look a missing name up in. */
  readonly text: string;
  /** What the `default` export (ESM) or `module.exports` (CommonJS) is, read from its assignment. */
  readonly defaultKind: ValueKind;
  /** What each named export is, where the source says it plainly. */
  readonly kinds: ReadonlyMap<string, ValueKind>;
  /** ES module exports declared by `export let` or `export var`, which the module itself may reassign. */
  readonly reassignable?: ReadonlySet<string>;
}

export type ValueKind = 'function' | 'not-function' | 'unknown';

// The parts of the lexers' APIs used here (es-module-lexer's own types are ES-module-only).
interface EsmExport {
  readonly type: 'direct' | 'reexport' | 'reexport-all';
  readonly name: string;
  readonly from?: string;
  readonly localName?: string | undefined;
  readonly exportStart: number;
  readonly typeOnly: boolean;
}
interface Lexers {
  cjs: { parse(source: string, name?: string): { exports: string[]; reexports: string[] } };
  esm: { parse(source: string, name?: string): readonly [unknown, readonly EsmExport[], boolean, boolean] };
}
let lexers: Lexers | undefined;
function lex(): Lexers {
  // The lexers load only when doctor asks: never in the preload.
  lexers ??= { cjs: require('cjs-module-lexer') as Lexers['cjs'], esm: require('es-module-lexer') as Lexers['esm'] };
  return lexers;
}

/** Finds the exports of `file` (an absolute path, or a builtin's name). Throws when the file cannot be read or lexed. */
export function staticExports(file: string): StaticExports {
  return exportsOf(file, new Set());
}

function exportsOf(file: string, seen: Set<string>): StaticExports {
  if (isBuiltin(file)) {
    // Node's own modules: reading their keys runs no application code.
    const names = new Set(Object.keys(process.getBuiltinModule(file) as object));
    return { file, format: 'builtin', names, partial: false, text: '', defaultKind: 'unknown', kinds: new Map() };
  }
  const source = readFileSync(file, 'utf8');
  const format = formatOf(file, source);
  if (format === 'json') return { file, format, names: new Set(['default']), partial: false, text: source, defaultKind: 'not-function', kinds: new Map() };
  if (seen.has(file)) return { file, format, names: new Set(), partial: false, text: '', defaultKind: 'unknown', kinds: new Map() };
  seen.add(file);
  return format === 'module' || format === 'typescript' ? esmExports(file, source, format, seen) : cjsExports(file, source, seen);
}

function esmExports(file: string, source: string, format: StaticFormat, seen: Set<string>): StaticExports {
  const [, exports] = lex().esm.parse(source, file);
  const names = new Set<string>();
  const kinds = new Map<string, ValueKind>();
  const reassignable = new Set<string>();
  let partial = false;
  let text = source;
  for (const entry of exports) {
    if (entry.typeOnly) continue;
    if (entry.type === 'direct' && declaredWithLet(source, entry.exportStart)) reassignable.add(entry.name);
    if (entry.type === 'reexport-all') {
      const child = entry.from === undefined ? undefined : reexported(entry.from, file, seen);
      if (child === undefined) partial = true;
      else {
        for (const name of child.names) if (name !== 'default') names.add(name);
        partial ||= child.partial;
        text += `\n${child.text}`;
      }
      continue;
    }
    names.add(entry.name);
    if (entry.type === 'direct') kinds.set(entry.name, esmKind(source, entry.exportStart, entry.localName));
  }
  return { file, format, names, partial, text, defaultKind: kinds.get('default') ?? 'unknown', kinds, reassignable };
}

/** Is the export at `exportStart` declared by `export let` or `export var`? */
function declaredWithLet(source: string, exportStart: number): boolean {
  return /^export\s+(?:let|var)\s/.test(source.slice(exportStart, exportStart + 12));
}

function cjsExports(file: string, source: string, seen: Set<string>): StaticExports {
  const { exports, reexports } = lex().cjs.parse(source);
  const names = new Set<string>(exports);
  const assigned = MODULE_EXPORTS.exec(source);
  let defaultKind: ValueKind = assigned === null ? 'not-function' : valueKind(source.slice(assigned.index + assigned[0].length));
  // `module.exports = <something the lexer cannot read>`: names may be missing.
  let partial = assigned !== null && !/^\s*(?:\{|require\s*\()/.test(source.slice(assigned.index + assigned[0].length));
  let text = source;
  for (const specifier of reexports) {
    const child = reexported(specifier, file, seen);
    if (child === undefined) {
      partial = true;
      continue;
    }
    for (const name of child.names) if (child.format === 'commonjs' || name !== 'default') names.add(name);
    partial ||= child.partial;
    text += `\n${child.text}`;
    if (reexports.length === 1 && exports.length === 0) defaultKind = child.defaultKind;
  }
  const kinds = new Map<string, ValueKind>();
  for (const name of exports) {
    const match = new RegExp(`(?:module\\.)?exports\\.${escape(name)}\\s*=(?!=)`).exec(source);
    kinds.set(name, match === null ? 'unknown' : valueKind(source.slice(match.index + match[0].length)));
  }
  return { file, format: 'commonjs', names, partial, text, defaultKind, kinds };
}

const MODULE_EXPORTS = /(?:^|[^.\w$])module\.exports\s*=(?!=)/m;

function reexported(specifier: string, from: string, seen: Set<string>): StaticExports | undefined {
  try {
    const file = isBuiltin(specifier) ? specifier : createRequire(from).resolve(specifier);
    return exportsOf(file, seen);
  } catch {
    return undefined; // an unreadable re-export: the result is marked partial
  }
}

/** What the source says a value is, from the text right after `=` or `export default`. */
export function valueKind(after: string): ValueKind {
  const text = after.trimStart();
  if (/^(?:async\s+)?function\b/.test(text) || /^(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*=>/.test(text) || /^class\b/.test(text)) return 'function';
  if (/^(?:[-+]?\d|["'`[]|true\b|false\b|null\b|undefined\b|\{|new\s+(?:Map|Set|Array|Object)\b)/.test(text)) return 'not-function';
  return 'unknown';
}

function esmKind(source: string, exportStart: number, localName: string | undefined): ValueKind {
  const text = source.slice(exportStart);
  const declared = /^export\s+(default\s+)?(?:(async\s+)?function\b|class\b)/.test(text);
  if (declared) return 'function';
  const initialised = /^export\s+(?:const|let|var)\s+[\w$]+\s*=(?!=)/.exec(text);
  if (initialised !== null) return valueKind(text.slice(initialised[0].length));
  const defaulted = /^export\s+default\s+/.exec(text);
  if (defaulted !== null) {
    const kind = valueKind(text.slice(defaulted[0].length));
    if (kind !== 'unknown' || localName === undefined) return kind;
  }
  if (localName !== undefined) {
    if (new RegExp(`(?:^|[\\s;])(?:async\\s+)?function\\s*\\*?\\s*${escape(localName)}\\s*\\(|class\\s+${escape(localName)}\\b`).test(source))
      return 'function';
    const declaration = new RegExp(`(?:const|let|var)\\s+${escape(localName)}\\s*=(?!=)`).exec(source);
    if (declaration !== null) return valueKind(source.slice(declaration.index + declaration[0].length));
  }
  return 'unknown';
}

/** ESM or CommonJS, as Node decides: the extension, the nearest package.json "type", then the syntax. */
export function formatOf(file: string, source: string): StaticFormat {
  switch (path.extname(file)) {
    case '.mjs':
      return 'module';
    case '.cjs':
      return 'commonjs';
    case '.json':
      return 'json';
    case '.ts':
    case '.mts':
    case '.cts':
      return 'typescript';
  }
  if (packageType(file) === 'module') return 'module';
  // Node 22.12+ and 20.19+ run a .js file with ES module syntax and no "type" as ESM.
  try {
    return lex().esm.parse(source, file)[3] ? 'module' : 'commonjs';
  } catch {
    return 'commonjs'; // not lexable as ESM: Node tries it as CommonJS first too
  }
}

function packageType(file: string): string | undefined {
  for (let dir = path.dirname(file); ;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type?: unknown };
      return typeof pkg.type === 'string' ? pkg.type : undefined;
    } catch {
      // no (readable) package.json here: Node looks further up too
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether `name` is exported: 'yes', 'no', or 'maybe' when the lexer cannot tell but the name
 * appears in the source (CommonJS built at run time, `module.exports = new Api()`).
 */
export function hasExport(found: StaticExports, name: string): 'yes' | 'no' | 'maybe' {
  if (found.names.has(name)) return 'yes';
  // ES modules are exact; CommonJS and TypeScript (which may be either) fall back to the text.
  if (found.format === 'builtin' || (!found.partial && found.format === 'module')) return 'no';
  return new RegExp(`(?:^|[^\\w$])${escape(name)}(?![\\w$])`).test(found.text) ? 'maybe' : 'no';
}
