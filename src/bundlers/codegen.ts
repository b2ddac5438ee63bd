// The code the esbuild plugin puts into a bundle: the baked module (the plan and the patch
// modules' loaders, handed to the preload when the bundle starts), the wrapper of a CommonJS
// target and the proxy of an ES module target. Pure functions from data to source text.
import type { ErrorCode } from '../errors';
import { KEYS } from '../global-state';
import type { Baked, BundledModule } from './protocol';

/** The import path of the baked module; the plugin resolves it to its virtual module. */
export const BAKED_ID = 'wrapt-hooks:baked';
/** Prefix of an ES module target's own code, imported by its proxy. */
export const ORIGINAL_PREFIX = 'wrapt-hooks-original:';

const BUNDLE = `Symbol.for(${JSON.stringify(KEYS.bundle.description)})`;
const WARNED = `Symbol.for(${JSON.stringify(KEYS.bundleWarned.description)})`;
const NO_PRELOAD: ErrorCode = 'WRAPT_HOOKS_BUNDLE_NO_PRELOAD';

/**
 * The baked module: evaluated first (the plugin injects it), it gives the plan to the preload,
 * or warns once that the preload is missing. `loaders[i]` requires a patch module, so esbuild
 * bundles it and evaluates it only when the registry first calls the loader.
 */
export function bakedModule(baked: Baked, loaderFiles: readonly string[], format: 'cjs' | 'esm'): string {
  // Names the bundle: `import.meta` is empty in CommonJS output, `__filename` undefined in an ES module.
  const where = format === 'esm' ? 'import.meta.url' : '(typeof __filename === "string" ? __filename : "this bundle")';
  const message = `: this bundle was built with the wrapt-hooks esbuild plugin, but the wrapt-hooks preload is not loaded, so no patch applies. Start it with "node --require wrapt-hooks/register <bundle>" (or --import), wrapt-hooks installed beside the bundle.`;
  return [
    `const loaders = [${loaderFiles.map((file) => `() => require(${JSON.stringify(file)})`).join(', ')}];`,
    `const baked = ${JSON.stringify(baked)};`,
    `const api = globalThis[${BUNDLE}];`,
    'let handle;',
    'if (typeof api === "object" && api !== null && typeof api.install === "function") handle = api.install(baked, loaders);',
    `else if (globalThis[${WARNED}] !== true) {`,
    `  globalThis[${WARNED}] = true;`,
    `  process.emitWarning(String(${where}) + ${JSON.stringify(message)}, { type: "WraptHooksWarning", code: ${JSON.stringify(NO_PRELOAD)} });`,
    '}',
    'export function loaded(module, value, bindings) {',
    '  return handle === undefined ? value : handle.loaded(module, value, bindings);',
    '}',
    '',
  ].join('\n');
}

/**
 * A CommonJS target: its own code, unchanged and on the same lines, inside a function (a
 * top-level `return` stays legal), then its exports handed to the registry before any importer
 * gets them. `module.exports` keeps its identity while the module runs, so cycles behave as in
 * Node.
 */
export function wrapCommonJs(source: string, module: BundledModule): string {
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  return `(function () {${body}\n}).call(this);\nmodule.exports = require(${JSON.stringify(BAKED_ID)}).loaded(${JSON.stringify(module)}, module.exports);\n`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * An ES module target: a proxy that takes its place. It re-exports each name through a `let`
 * that a patch can rebind (so `ns.fn = wrapped` reaches every importer, as import-in-the-middle's
 * wrappers do unbundled), and star-re-exports the original for any name it was not told of.
 */
export function esmProxy(file: string, names: readonly string[], module: BundledModule): string {
  const original = JSON.stringify(ORIGINAL_PREFIX + file);
  const lines = [
    `import * as ns from ${original};`,
    `import { loaded } from ${JSON.stringify(BAKED_ID)};`,
    `export * from ${original};`,
    'const read = (name) => { try { return ns[name]; } catch { return undefined; } };',
  ];
  const bindings: string[] = [];
  names.forEach((name, index) => {
    const local = `e${index}`;
    const exported = name === 'default' || IDENTIFIER.test(name) ? name : JSON.stringify(name);
    lines.push(`let ${local} = read(${JSON.stringify(name)});`, `export { ${local} as ${exported} };`);
    bindings.push(`${JSON.stringify(name)}: [() => ${local}, (value) => { ${local} = value; }]`);
  });
  lines.push(`loaded(${JSON.stringify(module)}, ns, { ${bindings.join(', ')} });`, '');
  return lines.join('\n');
}
