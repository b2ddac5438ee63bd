// The preload's two files (docs/development.md, "The build", "Two files"). dist/preload.js holds
// what a start with a config of patches runs: the bootstrap, the config, the registry, the module
// hooks, the wrappers and the library a patch requires.
// dist/features.js holds what only some starts use (traces, recipes, OpenTelemetry, attach's
// control socket, package discovery, the exit summary, configs other than JSON, near-miss
// suggestions); dist/start.js reads it at the first use of one of them. A start reads, and keeps
// in memory, only the first (bench/FINDINGS.md: each byte of it costs every start twice, as the
// file read and as the string V8 compiles).
//
// Each module is in exactly one of the two files, so there is one copy of its state and of its
// classes. An import across the split is a small CommonJS module whose exports are the other
// file's namespace object of the module, whose getters keep ES module bindings live:
// `require("./start.js").feature(key)` in dist/preload.js, `require("./start.js").load().internal(key)`
// in dist/features.js.
import path from 'node:path';

/**
 * The modules the preload `require()`s on demand that only some starts use: they, and whatever
 * only they import, go into dist/features.js. Everything else the entry reaches stays in
 * dist/preload.js, and a root that the preload's side imports statically fails the build.
 */
export const FEATURE_ROOTS = [
  // Traces and the lines they write.
  'src/trace/register.ts',
  'src/trace/output.ts',
  // The exit summary (WRAPT_HOOKS_DEBUG) and why a target never fired.
  'src/trace/at-exit.ts',
  'src/core/summary.ts',
  'src/bundlers/detect.ts',
  // A bundled application's patches (the esbuild plugin's runtime).
  'src/bundlers/runtime.ts',
  // OpenTelemetry export.
  'src/otel/export.ts',
  // Packages listed in the config, the recipes.
  'src/config/discovery.ts',
  'src/recipes/discover.ts',
  'src/recipes/index.ts',
  // `wrapt-hooks attach`: the control socket.
  'src/control/paths.ts',
  'src/control/listen.ts',
  'src/control/session.ts',
  // Configs other than JSON, and the suggestions of an error message.
  'src/config/cosmiconfig.ts',
  'src/config/typescript.ts',
  'src/near-miss.ts',
  // The line writer (line.ts, writer.ts, sink.ts, signal-exit): a start writes no line of its own
  // unless it debugs (debug.ts requires it at the first line) or one of the above writes.
  'src/line.ts',
];

/** A module's key: its path from the repository's root, with forward slashes (esbuild's metafile keys). */
export function moduleKey(root, file) {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * The two files' modules, from esbuild's metafile of one bundle of `entry`: `preload` is what the
 * entry reaches through static imports and through `require()`s of modules other than the roots
 * (a `require()` in src/ is made where the module is used: bootstrap.ts); `features` is the rest.
 * `exposed` lists the preload's modules that features import, `entries` the features' modules
 * that the preload requires.
 */
export function splitModules(metafile, entry, roots = FEATURE_ROOTS) {
  const inputs = metafile.inputs;
  const rootSet = new Set(roots);
  const onDemand = (from, edge) => edge.kind === 'require-call' && from.startsWith('src/') && rootSet.has(edge.path);
  const preload = new Set();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop();
    if (preload.has(file)) continue;
    preload.add(file);
    for (const edge of inputs[file]?.imports ?? []) if (edge.external !== true && !onDemand(file, edge)) stack.push(edge.path);
  }
  const unknown = roots.filter((root) => inputs[root] === undefined);
  if (unknown.length > 0) throw new Error(`scripts/split.mjs: FEATURE_ROOTS names modules the preload does not reach: ${unknown.join(', ')}`);
  const imported = roots.filter((root) => preload.has(root));
  if (imported.length > 0) {
    const by = imported.map((root) => {
      const importers = Object.keys(inputs).filter(
        (file) => preload.has(file) && inputs[file].imports.some((edge) => edge.path === root && !onDemand(file, edge)),
      );
      return `${root} (imported by ${importers.join(', ')})`;
    });
    throw new Error(
      `scripts/split.mjs: modules listed in FEATURE_ROOTS are imported statically by what every start runs: ${by.join('; ')}. Require them where they are used, or take them off the list.`,
    );
  }
  const features = new Set(Object.keys(inputs).filter((file) => !preload.has(file)));
  const across = (from, to) =>
    [
      ...new Set([...from].flatMap((file) => inputs[file].imports.filter((edge) => edge.external !== true && to.has(edge.path)).map((edge) => edge.path))),
    ].sort();
  return { preload, features, exposed: across(features, preload), entries: across(preload, features) };
}

/**
 * The entry source of one of the two files: `exportFrom`'s exports (if any) and `name(key)`, which
 * requires the module `key` (one of `keys`) of this file, at its first call.
 */
export function entrySource(keys, name, exportFrom) {
  // Strict, as src/ is (tsconfig.json): esbuild writes the entry's directive at the top of the file.
  const lines = ['"use strict";'];
  if (exportFrom !== undefined) lines.push(`export * from ${JSON.stringify(`./${exportFrom}`)};`);
  lines.push('const modules: Record<string, () => unknown> = {');
  for (const key of keys) lines.push(`  ${JSON.stringify(key)}: () => require(${JSON.stringify(`./${key}`)}),`);
  lines.push('};');
  lines.push(`export function ${name}(key: string): unknown {`);
  lines.push('  const load = modules[key];');
  lines.push(`  if (load === undefined) throw new Error(\`wrapt-hooks: no module \${key} in this build (scripts/split.mjs)\`);`);
  lines.push('  return load();');
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * esbuild plugin: an import of a module of `other` (keys) becomes a CommonJS module whose exports
 * are `source(key)`, an expression that gets that module from the other file at run time.
 */
export function acrossTheSplit(root, other, source) {
  return {
    name: 'across-the-split',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.acrossTheSplit === true || args.namespace !== 'file' || args.importer === '') return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { acrossTheSplit: true },
        });
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== 'file') return undefined;
        const key = moduleKey(root, resolved.path);
        return other.has(key) ? { path: key, namespace: 'across-the-split' } : undefined;
      });
      build.onResolve({ filter: /^\.\/start\.js$/, namespace: 'across-the-split' }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'across-the-split' }, (args) => ({ contents: `module.exports = ${source(args.path)};`, loader: 'js' }));
    },
  };
}
