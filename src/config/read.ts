// Loading a config file's text, by extension, in the shape cosmiconfig's `loaders` option takes:
// JSON parsed here (cosmiconfig is not loaded for the common case), YAML and the extensionless
// `.wrapt-hooksrc` with cosmiconfig's own loader, JavaScript required as Node requires it (an ES
// module through require(esm)), and TypeScript loaded by Node itself where Node strips types, so
// it needs no TypeScript package and writes nothing to disk; elsewhere compiled in memory with the
// typescript package's transpileModule (docs/config.md).
import { createRequire } from 'node:module';
import path = require('node:path');
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

/** `.ts` (and `.mts`, `.cts`): config/typescript.ts, loaded on first use (most configs are JSON). */
export const loadTs: Loader = (filepath, content) => (require('./typescript') as typeof import('./typescript')).loadTypeScript(filepath, content);

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
