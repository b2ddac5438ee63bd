// Loading a `.ts` config (docs/config.md): by Node itself where it strips types, else compiled in
// memory with the project's typescript package (nothing is written beside the config, so a
// read-only application directory works). Either way the file loads whatever the package's
// "type" says: a `.ts` file written with `import`/`export` is loaded as an ES module. Loaded on
// first use: most configs are JSON.
import { createRequire } from 'node:module';
import path = require('node:path');
import { ConfigLoadError, interopDefault, nodeStripsTypes } from './read';

/**
 * `.ts` (and `.mts`, `.cts`): Node itself where it strips types; elsewhere the typescript
 * package's `transpileModule`, evaluated in memory (nothing is written beside the config, so a
 * read-only application directory works). Either way the file loads whatever the package's
 * "type" says: a `.ts` file written with `import`/`export` is loaded as an ES module.
 */
export function loadTypeScript(filepath: string, content: string): unknown {
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
}

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
