// Loading a config file's text, by extension, in the shape cosmiconfig's `loaders` option takes:
// JSON parsed here (cosmiconfig is not loaded for the common case), YAML and the extensionless
// `.wrapt-hooksrc` with cosmiconfig's own loader, JavaScript required as Node requires it (an ES
// module through require(esm)), and TypeScript loaded by Node itself where Node strips types, so
// it needs no TypeScript package and writes nothing to disk; elsewhere compiled in memory with the
// typescript package's transpileModule (docs/config.md).
import { createRequire } from 'node:module';
import path = require('node:path');
import { untrustedReason } from '../core/trust';
import { describeParseError, type ErrorCode } from '../errors';

/** A loader as cosmiconfig calls it: (file, its text) -> the config; `undefined` or `null` means "none here". */
export type Loader = (filepath: string, content: string) => unknown;

/** A config file that exists but cannot be used; `code` is the warning it becomes. */
export class ConfigLoadError extends Error {
  readonly code: ErrorCode;
  readonly filepath: string;
  constructor(code: ErrorCode, filepath: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ConfigLoadError';
    this.code = code;
    this.filepath = filepath;
  }
}

interface Cosmiconfig {
  readonly defaultLoadersSync: Readonly<Record<string, Loader>>;
}

let cosmiconfig: Cosmiconfig | undefined;

/** cosmiconfig's public loaders, required on first use only (requiring cosmiconfig costs more than a whole JSON search). */
function cosmiconfigLoader(extension: '.yaml'): Loader {
  cosmiconfig ??= require('cosmiconfig') as Cosmiconfig;
  return cosmiconfig.defaultLoadersSync[extension]!;
}

/** A config file refused unread: not a regular file, or one another user could have planted or changed (a config decides which code runs). */
export function refused(filepath: string, reason: string, namedBy?: string): ConfigLoadError {
  const what = namedBy === undefined ? 'config file' : `${filepath}, named by "$import" in ${namedBy}`;
  return new ConfigLoadError('WRAPT_HOOKS_UNTRUSTED_FILE', filepath, `refusing to load ${namedBy === undefined ? `${what} ${filepath}` : what}: ${reason}.`);
}

const CODE = /\.[cm]?[jt]s$/;

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

/** JSON: `JSON.parse` gives what cosmiconfig's parse-json gives for valid text; invalid text is a parse error with line and column. */
export const loadJson: Loader = (filepath, content) => {
  try {
    return JSON.parse(content);
  } catch (error) {
    throw parseError(filepath, content, error);
  }
};

/** YAML, and `.wrapt-hooksrc`: cosmiconfig's loader; a parse error keeps js-yaml's reason, line and column. */
export const loadYaml: Loader = (filepath, content) => {
  try {
    return cosmiconfigLoader('.yaml')(filepath, content);
  } catch (error) {
    throw parseError(filepath, content, error);
  }
};

/** A config file's text that its parser rejected: the parser's reason, with the line and column. */
function parseError(filepath: string, content: string, error: unknown): ConfigLoadError {
  return new ConfigLoadError(
    'WRAPT_HOOKS_CONFIG_PARSE',
    filepath,
    `${filepath}: cannot parse: ${describeParseError(error, content)}. Fix the file or remove it.`,
    error,
  );
}

/** `.js`, `.cjs`, `.mjs`: required; an ES module's (or a transpiled module's) default export. */
export const loadJs: Loader = (filepath) => {
  try {
    return interopDefault(createRequire(filepath)(filepath));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_REQUIRE_ASYNC_MODULE') {
      throw new ConfigLoadError(
        'WRAPT_HOOKS_CONFIG_PARSE',
        filepath,
        `${filepath} uses top-level await, which a preload cannot wait for; compute the config synchronously.`,
        error,
      );
    }
    throw error;
  }
};

/** Does this Node strip TypeScript types itself (on by default from 22.18 and 23.6)? */
export function nodeStripsTypes(): boolean {
  return typeof (process.features as { typescript?: unknown }).typescript === 'string';
}

/**
 * `.ts` (and `.mts`, `.cts`): Node itself where it strips types; elsewhere the typescript
 * package's `transpileModule`, evaluated in memory (nothing is written beside the config, so a
 * read-only application directory works). Either way the file loads whatever the package's
 * "type" says: a `.ts` file written with `import`/`export` is loaded as an ES module.
 */
export const loadTs: Loader = (filepath, content) => {
  if (nodeStripsTypes()) {
    try {
      return interopDefault(requireTypeScript(filepath, content));
    } catch (error) {
      // Syntax that type stripping cannot erase (enum, namespace) still compiles with TypeScript.
      if ((error as { code?: unknown }).code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' || typescriptFor(filepath) === undefined) throw error;
    }
  }
  const ts = typescriptFor(filepath);
  const why = nodeStripsTypes()
    ? `it holds syntax that this Node (${process.version}) cannot strip`
    : (process.features as { typescript?: unknown }).typescript === undefined
      ? `this Node (${process.version}) cannot strip TypeScript types`
      : `this Node (${process.version}) does not strip TypeScript types (off by default before 22.18, or turned off with --no-experimental-strip-types)`;
  if (ts === undefined) {
    throw new ConfigLoadError(
      'WRAPT_HOOKS_CONFIG_PARSE',
      filepath,
      `cannot load ${filepath}: ${why} and the typescript package is not installed. Install typescript 5 (npm i -D typescript@5), use Node 22.18+, or write the config as JSON or JavaScript.`,
    );
  }
  if (typeof ts.transpileModule !== 'function') {
    throw new ConfigLoadError(
      'WRAPT_HOOKS_CONFIG_PARSE',
      filepath,
      `cannot load ${filepath}: ${why}, and the typescript package installed (${String(ts.version)}) has no JavaScript compiler API to compile it with (typescript 7, the native port, has none; typescript 5 has). Install typescript 5 (npm i -D typescript@5), use Node 22.18+, or write the config as JSON or JavaScript.`,
    );
  }
  const output = ts.transpileModule(content, {
    fileName: filepath,
    compilerOptions: { module: ts.ModuleKind?.CommonJS ?? 1, target: ts.ScriptTarget?.ES2022 ?? 9, esModuleInterop: true, sourceMap: false },
  }).outputText;
  return interopDefault(evaluateCommonJs(filepath, output));
};

interface TypeScript {
  readonly version?: unknown;
  readonly transpileModule?: (text: string, options: object) => { outputText: string };
  readonly ModuleKind?: { readonly CommonJS?: number };
  readonly ScriptTarget?: { readonly ES2022?: number };
}

/** The typescript package the project installed (resolved from the config's directory), else one beside cosmiconfig. */
function typescriptFor(filepath: string): TypeScript | undefined {
  for (const from of [filepath, () => require.resolve('cosmiconfig')]) {
    try {
      const base = typeof from === 'string' ? from : from();
      return createRequire(base)('typescript') as TypeScript;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** Runs CommonJS `code` as the module `filepath` would run, in memory: its own require, module and exports. */
function evaluateCommonJs(filepath: string, code: string): unknown {
  const { runInThisContext } = require('node:vm') as typeof import('node:vm');
  // On the wrapper's line, so that line numbers in a stack trace are the file's.
  const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) { ${code}\n})`, { filename: filepath }) as (
    ...args: unknown[]
  ) => void;
  const module = { exports: {} as unknown, filename: filepath };
  wrapper.call(module.exports, module.exports, createRequire(filepath), module, filepath, path.dirname(filepath));
  return module.exports;
}

// `import`/`export` at the start of a line: ES module syntax.
const ES_SYNTAX = /^[ \t]*(?:import[ \t]*[\w{*'"]|export[ \t]+(?:default|const|let|var|function|class|async|type|interface|\{|\*))/m;

/**
 * Requires a `.ts` file where Node strips types. Node picks its format by the nearest
 * package.json's "type", so `import`/`export` syntax fails in a "type": "commonjs" package;
 * such a `.ts` file is loaded as an ES module explicitly (through require(esm)), with a load hook
 * in place for this one file only while it loads.
 */
function requireTypeScript(filepath: string, content: string): unknown {
  const nodeModule = require('node:module') as { registerHooks?: (hooks: object) => { deregister(): void } };
  if (path.extname(filepath) !== '.ts' || typeof nodeModule.registerHooks !== 'function' || !ES_SYNTAX.test(content)) return createRequire(filepath)(filepath);
  const { pathToFileURL } = require('node:url') as typeof import('node:url');
  const url = pathToFileURL(filepath).href;
  type Next = (url: string, context: object) => object;
  const hooks = nodeModule.registerHooks({
    load(target: string, context: object, next: Next): object {
      if (target !== url) return next(target, context);
      return { ...next(target, { ...context, format: 'module-typescript' }), format: 'module-typescript' };
    },
  });
  try {
    return createRequire(filepath)(filepath);
  } finally {
    hooks.deregister();
  }
}

/** The loaders by extension, as cosmiconfig's `loaders` option takes them (`noExt` for `.wrapt-hooksrc`). */
export const LOADERS: Readonly<Record<string, Loader>> = Object.freeze({
  '.json': loadJson,
  '.yaml': loadYaml,
  '.yml': loadYaml,
  noExt: loadYaml,
  '.js': loadJs,
  '.cjs': loadJs,
  '.mjs': loadJs,
  '.ts': loadTs,
  '.mts': loadTs,
  '.cts': loadTs,
});

/**
 * The loaders cosmiconfig is handed: ours, each vetting the files its config names with
 * `$import` before cosmiconfig reads them. (Every file cosmiconfig reads itself has been vetted
 * by the search before it is handed the search.)
 */
export const COSMICONFIG_LOADERS: Readonly<Record<string, Loader>> = Object.freeze(
  Object.fromEntries(
    Object.entries(LOADERS).map(([extension, loader]) => [
      extension,
      (filepath: string, content: string): unknown => {
        const value = loader(filepath, content);
        vetImports(
          filepath,
          path.basename(filepath, path.extname(filepath)) === 'package' ? (value as Record<string, unknown> | null)?.['wrapt-hooks'] : value,
        );
        return value;
      },
    ]),
  ),
);

/** Loads `filepath` from its text as cosmiconfig does: empty text is no config; package.json gives its "wrapt-hooks" field. */
export function loadConfigText(filepath: string, content: string, moduleName: string): unknown {
  if (content.trim() === '') return undefined;
  const extension = path.extname(filepath);
  const loader = LOADERS[extension === '' ? 'noExt' : extension] ?? loadYaml;
  const loaded = loader(filepath, content);
  if (path.basename(filepath, extension) !== 'package') return loaded;
  if (loaded === null || loaded === undefined)
    throw new ConfigLoadError('WRAPT_HOOKS_CONFIG_PARSE', filepath, `${filepath} holds ${String(loaded)}, not an object.`);
  return (loaded as Record<string, unknown>)[moduleName] ?? null;
}

export function interopDefault(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Module]')
    return (value as { default?: unknown }).default;
  if (value !== null && typeof value === 'object' && (value as { __esModule?: unknown }).__esModule === true && 'default' in value)
    return (value as { default?: unknown }).default;
  return value;
}
