// The build, from src/ with one tool per job:
// - esbuild bundles the preload and the library into dist/preload.js (one file to read at
//   start-up; modules that are required lazily inside it are evaluated on first use), the CLI
//   into dist/cli.js, and Node 20's off-thread loader into dist/hooks/loader.mjs. Output is not
//   minified, so what Node prints for an error thrown from it is readable, and a linked source
//   map names the TypeScript sources (node --enable-source-maps).
// - dist/index.js, the library entry, re-exports the bundle's `library()`.
// - tsc writes the declarations (--emitDeclarationOnly) that describe those entries.
// import-in-the-middle stays a package (its generated wrappers import its lib/register.js by
// URL: there must be one copy), and so do semver, cosmiconfig, typescript and the two lexers
// (doctor's, shared with import-in-the-middle), which load lazily.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const dist = path.join(root, 'dist');
const src = path.join(root, 'src');

rmSync(dist, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  external: [
    'import-in-the-middle',
    'import-in-the-middle/*',
    'semver',
    'semver/*',
    'cosmiconfig',
    'cosmiconfig/*',
    'typescript',
    'cjs-module-lexer',
    'es-module-lexer',
    'ws',
  ],
  plugins: [noDebug(), bundledFromIitm()],
};

// import-in-the-middle's supports-sync-hooks.mjs, a version check with no imports, is bundled:
// requiring it from the package costs every start on Node 22/24 a require() of an ES module.
function bundledFromIitm() {
  return {
    name: 'bundled-from-iitm',
    setup(build) {
      build.onResolve({ filter: /^import-in-the-middle\/supports-sync-hooks\.mjs$/ }, (args) => ({ path: require.resolve(args.path) }));
    },
  };
}

// require-in-the-middle is bundled, and its `debug` dependency is replaced by a function that
// logs nothing: the real one loads tty and supports-color at start-up, and wrapt-hooks has its
// own log (WRAPT_HOOKS_DEBUG).
function noDebug() {
  return {
    name: 'no-debug',
    setup(build) {
      build.onResolve({ filter: /^debug$/ }, (args) =>
        /[\\/]require-in-the-middle[\\/]/.test(args.importer) ? { path: 'debug', namespace: 'no-debug' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'no-debug' }, () => ({
        contents: 'module.exports = function createDebug() { function debug() {} debug.enabled = false; return debug; };',
        loader: 'js',
      }));
    },
  };
}

// Three modules of the preload are files of their own, which it requires when it needs them:
// - src/internals.ts, `internals()` (every module as a namespace, for the in-process tests), is
//   dist/internals.js: in the preload bundle, the namespace objects of the modules it re-exports
//   would be built at every start, whether or not anything asks for them. It is not published
//   (package.json "files").
// - src/hooks/thread.ts is dist/thread.js, which register.js and register.mjs ask before they read
//   the preload (Node 20's loader thread runs preloads too, and skips the rest).
// - src/control/listen.ts is dist/control.js: the control socket, read only by a process that
//   turns control on (docs/attach.md).
const APART = new Map([
  [path.join(src, 'internals.ts'), './internals.js'],
  [path.join(src, 'hooks', 'thread.ts'), './thread.js'],
  [path.join(src, 'control', 'listen.ts'), './control.js'],
]);
const apart = {
  name: 'apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      const file = APART.get(await resolvedPath(build, args));
      return file === undefined ? undefined : { path: file, external: true };
    });
  },
};

/**
 * Where esbuild resolves a relative import (undefined for the resolution this asks itself, and
 * for one that fails): the plugins below decide by the file an import reaches, not by how it is
 * written. Their own `build.resolve` is marked so that no plugin asks again.
 */
async function resolvedPath(build, args) {
  if (args.namespace !== 'file' || args.pluginData?.inner) return undefined;
  const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { inner: true } });
  return resolved.errors.length > 0 ? undefined : resolved.path;
}

// The preload is two files. dist/preload.js holds what a start needs (config, registry, module
// hooks); dist/on-demand.js holds what only some processes need, loaded at its first use: the
// library (a patch's `require('wrapt-hooks')`), tracing, the recipes, discovery, a bundled app's
// runtime, the exit summary, the output writer (the first warning or debug line loads it) and
// the near-miss names (a wrong name in the config). Node parses every byte of a file it loads, unused functions
// included, so the split keeps the rest out of every start (bench/FINDINGS.md). Each module is in
// exactly one of them: a module of one that the other imports is reached through the first's
// `sharedModule(id)`, so there is one copy of each module at run time (the build checks).
const ON_DEMAND = [
  'index.ts',
  'recipes/index.ts',
  'recipes/discover.ts',
  'config/discovery.ts',
  'trace/register.ts',
  'bundlers/runtime.ts',
  'bundlers/detect.ts',
  'core/summary.ts',
  'trace/writer.ts',
  'trace/at-exit.ts',
  'trace/output.ts',
  'near-miss.ts',
  'control/session.ts',
  'otel/export.ts',
  'config/typescript.ts',
  'config/cosmiconfig.ts',
].map((file) => path.join(src, file));

/** A module id: its path under src/ (node_modules paths as they are). */
const idOf = (file) => path.relative(src, file).split(path.sep).join('/');

/**
 * Resolves a relative import to `targets` (absolute paths) into a stub that gets the module from
 * the other file (`${file}`'s sharedModule); `found` collects the ids and who imports them how.
 */
function crossing(name, targets, file, found) {
  const namespace = `wrapt-hooks-${name}`;
  return {
    name,
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        const file = await resolvedPath(build, args);
        if (file === undefined || !targets.has(file)) return undefined;
        const id = idOf(file);
        found.set(id, [...(found.get(id) ?? []), { importer: idOf(args.importer), kind: args.kind }]);
        return { path: id, namespace };
      });
      build.onResolve({ filter: /.*/, namespace }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${file}`)}).sharedModule(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

// An entry read from stdin gets no tsconfig, so not its strict mode (the sources are modules,
// strict by definition): the directive is written as a banner.
const STRICT = { js: '"use strict";' };

/** An entry that re-exports `entry` (if any) and adds `sharedModule(id)` for `ids`. */
function withShared(entry, ids) {
  const cases = ids.map((id) => `    case ${JSON.stringify(id)}: return require(${JSON.stringify(path.join(src, id))});`).join('\n');
  return {
    contents: `${entry === undefined ? '' : `export * from ${JSON.stringify(entry)};\n`}export function sharedModule(id) {\n  switch (id) {\n${cases}\n  }\n  throw new Error('wrapt-hooks: no module ' + id + ' in this file (a build from mixed versions?)');\n}\n`,
    resolveDir: src,
    loader: 'ts',
    sourcefile: entry === undefined ? 'on-demand-entry.ts' : 'preload-entry.ts',
  };
}

const preloadOptions = (shared, found) => ({
  ...common,
  stdin: withShared(path.join(src, 'preload.ts'), shared),
  outfile: path.join(dist, 'preload.js'),
  format: 'cjs',
  banner: STRICT,
  metafile: true,
  plugins: [...common.plugins, apart, crossing('on-demand', new Set(ON_DEMAND), 'on-demand.js', found)],
});
const inputs = (result) =>
  new Set(
    Object.keys(result.metafile.inputs)
      .filter((input) => !input.includes(':'))
      .map((input) => path.resolve(root, input)),
  );

// 1. What the start-up file holds, and which on-demand modules it reaches (only by require()).
const toOnDemand = new Map();
const startup = inputs(await esbuild.build({ ...preloadOptions([], toOnDemand), write: false }));
const imported = [...toOnDemand].flatMap(([id, uses]) => uses.filter((use) => use.kind !== 'require-call').map((use) => `${use.importer} imports ${id}`));
if (imported.length > 0) throw new Error(`build: on-demand modules must be require()d where they are used, not imported:\n  ${imported.join('\n  ')}`);
// 2. The on-demand file; what it imports from the start-up file is taken from there.
const toStartup = new Map();
const onDemand = await esbuild.build({
  ...common,
  stdin: withShared(undefined, [...toOnDemand.keys()].sort()),
  outfile: path.join(dist, 'on-demand.js'),
  format: 'cjs',
  banner: STRICT,
  metafile: true,
  plugins: [...common.plugins, crossing('startup', startup, 'preload.js', toStartup)],
});
// 3. The start-up file, now also serving what the on-demand file takes from it.
const preload = await esbuild.build(preloadOptions([...toStartup.keys()].sort(), new Map()));
const twice = [...inputs(preload)].filter((file) => inputs(onDemand).has(file));
if (twice.length > 0) throw new Error(`build: modules in both dist/preload.js and dist/on-demand.js:\n  ${twice.map(idOf).join('\n  ')}`);

await Promise.all([
  esbuild.build({ ...common, entryPoints: [path.join(src, 'internals.ts')], outfile: path.join(dist, 'internals.js'), format: 'cjs' }),
  esbuild.build({ ...common, entryPoints: [path.join(src, 'hooks', 'thread.ts')], outfile: path.join(dist, 'thread.js'), format: 'cjs' }),
  esbuild.build({ ...common, entryPoints: [path.join(src, 'control', 'listen.ts')], outfile: path.join(dist, 'control.js'), format: 'cjs' }),
  esbuild.build({ ...common, entryPoints: [path.join(src, 'cli', 'main.ts')], outfile: path.join(dist, 'cli.js'), format: 'cjs' }),
  // `wrapt-hooks/esbuild`, the bundler plugin: build-time code, never loaded by the preload.
  esbuild.build({ ...common, entryPoints: [path.join(src, 'bundlers', 'esbuild.ts')], outfile: path.join(dist, 'esbuild.js'), format: 'cjs' }),
  // The off-thread loader runs in a thread of its own, which reads it before the application's
  // first module: one ES module file. The sources call require() (lazily, for
  // import-in-the-middle and resolution), so the file gets one.
  esbuild.build({
    ...common,
    entryPoints: [path.join(src, 'hooks', 'loader.ts')],
    outfile: path.join(dist, 'hooks', 'loader.mjs'),
    format: 'esm',
    banner: { js: "import { createRequire as __wraptHooksCreateRequire } from 'node:module';\nconst require = __wraptHooksCreateRequire(import.meta.url);" },
  }),
]);

// The library entry (`require('wrapt-hooks')`, `import … from 'wrapt-hooks'`): the bundle's
// `library()`, so that a patch loaded by the preload reuses the code already compiled. One
// `exports.name =` line per export keeps the names visible to ES module importers
// (cjs-module-lexer).
const names = Object.keys(require(path.join(dist, 'preload.js')).library()).filter((name) => name !== '__esModule');
writeFileSync(
  path.join(dist, 'index.js'),
  `"use strict";\n// Generated by scripts/build.mjs: the library, from the preload bundle (dist/preload.js).\nObject.defineProperty(exports, "__esModule", { value: true });\nconst library = require("./preload.js").library();\n${names.map((name) => `exports.${name} = library.${name};`).join('\n')}\n`,
);

// The recipes: each folder src/recipes/<name>/ with a package.json is the patch package
// `wrapt-hooks/recipes/<name>` (dist/recipes/<name>/), whose index.js takes the recipe's patch
// functions from the preload bundle, so that they share its trace writer and request ids.
for (const entry of readdirSync(path.join(src, 'recipes'), { withFileTypes: true })) {
  const manifest = path.join(src, 'recipes', entry.name, 'package.json');
  if (!entry.isDirectory() || !existsSync(manifest)) continue;
  const out = path.join(dist, 'recipes', entry.name);
  mkdirSync(out, { recursive: true });
  copyFileSync(manifest, path.join(out, 'package.json'));
  // The functions the manifest names, written out for readers that do not run the file (doctor,
  // through cjs-module-lexer, which reads `0 && (module.exports = {…})` as export names).
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  const specs = [...Object.values(pkg['wrapt-hooks']?.patches ?? {}), ...Object.values(pkg['wrapt-hooks-channels'] ?? {})];
  const names = [...new Set(specs.map((spec) => (typeof spec === 'string' ? spec : spec.patch)).map((spec) => spec.slice(spec.lastIndexOf('#') + 1)))];
  writeFileSync(
    path.join(out, 'index.js'),
    `'use strict';\n// Generated by scripts/build.mjs from src/recipes/${entry.name}/.\nconst recipe = require('../../preload.js').recipe(${JSON.stringify(entry.name)});\nmodule.exports = recipe;\n0 && (module.exports = { ${names.map((name) => `${name}: 0`).join(', ')} });\n`,
  );
}

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
