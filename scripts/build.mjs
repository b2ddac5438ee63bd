// The build, from src/ with one tool per job:
// - esbuild bundles each entry into one file, but the preload and the library into two
//   (src/preload.ts; scripts/split.mjs): dist/preload.js, what a start with a config of patches
//   runs, and dist/features.js, what only some starts use (traces, recipes, OpenTelemetry,
//   attach...), read at the first use of one of them. A module that is `require()`d where it is
//   used is evaluated at that first use, so what a start does not need costs it only bytes (and
//   those of dist/features.js not even those), which the code cache of dist/start.js takes off
//   every start after the first; what the preload entries read first
//   into dist/start.js, the CLI into dist/cli.js, the esbuild plugin into dist/esbuild.js and Node
//   20's off-thread loader into dist/hooks/loader.mjs. Output is not minified, so what Node
//   prints for an error thrown from it is readable, and a linked source map names the TypeScript
//   sources (node --enable-source-maps).
// - dist/index.js, the library entry, re-exports the preload's `library()`.
// - tsc writes the declarations (--emitDeclarationOnly) that describe those entries.
// - import-in-the-middle's hook code (create-hook.mjs, what it imports and the two lexers) is
//   bundled into dist/iitm.js, read with a code cache entry of its own when the first target is
//   imported (see below). Its lib/register.js stays the package's: the generated wrappers import
//   it by URL, and there must be one copy. semver, cosmiconfig, typescript and the two lexers
//   (for doctor) stay packages, which load lazily.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyNamespaces } from './lazy-namespaces.mjs';
import { acrossTheSplit, entrySource, splitModules } from './split.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const dist = path.join(root, 'dist');
const src = path.join(root, 'src');
/** The package.json in folder `dir` (an installed package's, under node_modules). */
const packageJson = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });

const common = {
  // Paths in the output's comments and in the metafile (scripts/split.mjs) are the repository's, wherever the build runs from.
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
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
  plugins: [noDebug(), bundledFromIitm(), startOutside()],
  // Where hooks/esm-hooks.ts finds dist/start.js from the file it is bundled into (dist/hooks/loader.mjs: ../start.js).
  define: { START_FILE: '"./start.js"' },
};

// dist/start.js is built apart (below), and a file bundled here requires it at run time.
function startOutside() {
  return {
    name: 'start-outside',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\/start\.js$/ }, (args) => ({ path: args.path, external: true }));
    },
  };
}

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

// dist/preload.js is one function expression, the wrapper Node's loader would put around it:
// dist/start.js compiles the file's text as it is (a copy with the wrapper added was another
// string as large as the file, allocated at every start: bench/FINDINGS.md), and Node's loader
// compiles it as `module.exports = <the file>` where it maps stack traces through the source
// map. The banner is a line of its own, which esbuild's source map counts.
const PRELOAD_WRAPPER = { banner: '(function (exports, require, module, __filename, __dirname) {', footer: '})' };

// The preload in two files, dist/preload.js and dist/features.js (scripts/split.mjs): which module
// goes where is read from one bundle of the whole.
const whole = await esbuild.build({ ...common, entryPoints: [path.join(src, 'preload.ts')], write: false, metafile: true, outdir: dist });
const split = splitModules(whole.metafile, 'src/preload.ts');
const START = 'require("./start.js")';
const preloadFile = (file, keys, name, exportFrom, other, source) =>
  esbuild.build({
    ...common,
    stdin: { contents: entrySource(keys, name, exportFrom), resolveDir: root, sourcefile: `${file}-entry.ts`, loader: 'ts' },
    outfile: path.join(dist, file),
    banner: { js: PRELOAD_WRAPPER.banner },
    footer: { js: PRELOAD_WRAPPER.footer },
    plugins: [...common.plugins, acrossTheSplit(root, other, source)],
  });

// import-in-the-middle's hook code, as one CommonJS file compiled from a code cache like the
// preload's: as the package's ES modules, each start that imports a target compiled ~140 KB of
// source again, and Node built an ES module facade for each builtin they import (`util`'s and
// `fs`'s read every lazy getter: streams, TextDecoder, the console's colours), about 10 ms of the
// first target's import (bench/FINDINGS.md). The version is pinned (package.json), and
// test/unit/hooks-esm-bridge.test.mjs fails when one of the files bundled changes.
// `import.meta.url` (get-exports.mjs, for Node without process.getBuiltinModule) is this file's
// URL. cjs-module-lexer is its JavaScript build (the package's `default` export), not the
// WebAssembly one its `import` condition gives: V8 recompiled the WebAssembly lexer with its
// optimizing tier in a background thread as soon as it read one target's main file (49 M
// instructions and 2.5 MiB for fastify's), for 7 M instructions saved on the main thread.
// Its imports of the two lexers get src/hooks/cjs-lexer.ts and src/hooks/esm-lexer.ts, which keep
// each lexer's results between starts (hooks/lexer-cache.ts; fastify's main file cost 10 M
// instructions to lex at every start) and alone import the lexers themselves.
const cjsLexer = require.resolve('cjs-module-lexer');
const lexerVersion = (name) => packageJson(path.join(root, 'node_modules', name)).version;
function lexersWithCache() {
  return {
    name: 'lexers-with-cache',
    setup(build) {
      const own = { 'cjs-module-lexer': path.join(src, 'hooks', 'cjs-lexer.ts'), 'es-module-lexer': path.join(src, 'hooks', 'esm-lexer.ts') };
      build.onResolve({ filter: /^(cjs|es)-module-lexer$/ }, async (args) => {
        if (args.pluginData === 'real') return undefined;
        if (args.importer !== own[args.path]) return { path: own[args.path] };
        if (args.path === 'cjs-module-lexer') return { path: cjsLexer }; // the `default` export: lexer.js
        // es-module-lexer as esbuild resolves it for an import (its ES module build, WebAssembly); the plugin is not asked again.
        const { path: file, errors } = await build.resolve(args.path, {
          kind: 'import-statement',
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'real',
        });
        return errors.length > 0 ? { errors } : { path: file };
      });
    },
  };
}
const IITM_META = 'var __iitmImportMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };';
const iitmFile = () =>
  esbuild.build({
    ...common,
    external: common.external.filter((name) => !/^(import-in-the-middle|cjs-module-lexer|es-module-lexer)/.test(name)),
    stdin: {
      contents: "export { createHook } from 'import-in-the-middle/create-hook.mjs';\n",
      resolveDir: root,
      sourcefile: 'iitm.js-entry.mjs',
      loader: 'js',
    },
    outfile: path.join(dist, 'iitm.js'),
    define: {
      ...common.define,
      'import.meta': '__iitmImportMeta',
      CJS_LEXER_VERSION: JSON.stringify(lexerVersion('cjs-module-lexer')),
      ES_LEXER_VERSION: JSON.stringify(lexerVersion('es-module-lexer')),
    },
    plugins: [...common.plugins, lexersWithCache()],
    banner: { js: `${PRELOAD_WRAPPER.banner}\n${IITM_META}` },
    footer: { js: PRELOAD_WRAPPER.footer },
  });

await Promise.all([
  preloadFile('preload.js', split.exposed, 'internal', 'src/preload.ts', split.features, (key) => `${START}.feature(${JSON.stringify(key)})`),
  preloadFile('features.js', split.entries, 'feature', undefined, split.preload, (key) => `${START}.load().internal(${JSON.stringify(key)})`),
  iitmFile(),
  esbuild.build({ ...common, entryPoints: [path.join(src, 'cli', 'main.ts')], outfile: path.join(dist, 'cli.js') }),
  // `wrapt-hooks/esbuild`, the bundler plugin: build-time code, never loaded by the preload.
  esbuild.build({ ...common, entryPoints: [path.join(src, 'bundlers', 'esbuild.ts')], outfile: path.join(dist, 'esbuild.js') }),
  // The off-thread loader runs in a thread of its own, which reads it before the application's
  // first module: one ES module file. The sources call require() (lazily, for
  // import-in-the-middle and resolution), so the file gets one.
  esbuild.build({
    ...common,
    entryPoints: [path.join(src, 'hooks', 'loader.ts')],
    outfile: path.join(dist, 'hooks', 'loader.mjs'),
    format: 'esm',
    define: { START_FILE: '"../start.js"' },
    banner: { js: "import { createRequire as __wraptHooksCreateRequire } from 'node:module';\nconst require = __wraptHooksCreateRequire(import.meta.url);" },
  }),
]);

// The preload's namespace objects are made when first required, not at every start.
for (const name of ['preload.js', 'features.js']) {
  const file = path.join(dist, name);
  writeFileSync(file, lazyNamespaces(readFileSync(file, 'utf8'), `dist/${name}`).text);
}

// dist/start.js names the build of dist/preload.js its code cache belongs to: a hash made here,
// so that no start pays for hashing the file.
const buildHash = (name) =>
  JSON.stringify(
    createHash('sha256')
      .update(readFileSync(path.join(dist, name)))
      .digest('hex')
      .slice(0, 16),
  );
await esbuild.build({
  ...common,
  entryPoints: [path.join(src, 'start.ts')],
  outfile: path.join(dist, 'start.js'),
  define: { PRELOAD_BUILD_HASH: buildHash('preload.js'), FEATURES_BUILD_HASH: buildHash('features.js'), IITM_BUILD_HASH: buildHash('iitm.js') },
});

// The library entry (`require('wrapt-hooks')`, `import … from 'wrapt-hooks'`): the preload's
// `library()`, so that a patch loaded by the preload reuses the code already compiled. One
// `exports.name =` line per export keeps the names visible to ES module importers
// (cjs-module-lexer); esbuild lists them (an ES module build of src/index.ts, not written).
const listed = await esbuild.build({ ...common, entryPoints: [path.join(src, 'index.ts')], format: 'esm', write: false, metafile: true, outdir: dist });
const names = Object.values(listed.metafile.outputs).flatMap((output) => output.exports ?? []);
writeFileSync(
  path.join(dist, 'index.js'),
  `"use strict";\n// Generated by scripts/build.mjs: the library, from the preload bundle (dist/preload.js).\nObject.defineProperty(exports, "__esModule", { value: true });\nconst library = require("./start.js").load().library();\n${names
    .sort()
    .map((name) => `exports.${name} = library.${name};`)
    .join('\n')}\n`,
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
    `'use strict';\n// Generated by scripts/build.mjs from src/recipes/${entry.name}/.\nconst recipe = require('../../start.js').load().recipe(${JSON.stringify(entry.name)});\nmodule.exports = recipe;\n0 && (module.exports = { ${names.map((name) => `${name}: 0`).join(', ')} });\n`,
  );
}

// The packages whose code the files above hold (require-in-the-middle, import-in-the-middle's
// hook code, the lexers...), read from their source maps: each one's license, and its NOTICE
// where it has one (Apache-2.0), in dist/THIRD-PARTY-LICENSES.txt.
const bundled = new Map();
for (const map of readdirSync(dist, { recursive: true }).filter((file) => file.endsWith('.js.map') || file.endsWith('.mjs.map'))) {
  for (const source of JSON.parse(readFileSync(path.join(dist, map), 'utf8')).sources) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
    if (match !== null) bundled.set(match[1], path.join(root, 'node_modules', match[1]));
  }
}
const notices = [...bundled]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, dir]) => {
    const { version, license } = packageJson(dir);
    const texts = readdirSync(dir)
      .filter((file) => /^(LICEN[CS]E|NOTICE)(\.(md|txt))?$/i.test(file))
      .sort();
    if (texts.length === 0) throw new Error(`scripts/build.mjs: ${name} is bundled into dist/ but has no LICENSE file to ship with it`);
    return [`${name}@${version} (${license})`, ...texts.map((file) => readFileSync(path.join(dir, file), 'utf8').trim())].join('\n\n');
  });
writeFileSync(
  path.join(dist, 'THIRD-PARTY-LICENSES.txt'),
  `The files in this directory bundle code of these packages (scripts/build.mjs):\n\n${notices.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`,
);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
