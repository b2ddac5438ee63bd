// `wrapt-hooks/esbuild`: an esbuild plugin that bakes the config into a bundle. A bundled module
// never goes through `require`/`import`, so no post-import hook can see it. The plugin reads the
// config as the preload would (config/), then, while esbuild loads the modules:
// - a target module is replaced by code that hands its exports to the preload's registry when it
//   is evaluated, before its importers get them (codegen.ts: CommonJS wrapped in place, an ES
//   module behind a proxy whose exports a patch can rebind);
// - the plan and the patch modules go into one module evaluated first (injected), each patch
//   module behind a loader that runs only when its target fires;
// - `wrapt-hooks` itself stays outside the bundle: the copy installed beside it runs the preload.
import { readFileSync } from 'node:fs';
import path = require('node:path');
import type { Message, OnLoadArgs, OnLoadResult, PartialMessage, Plugin, PluginBuild } from 'esbuild';
import { discover } from '../config/discovery';
import { PREFIX } from '../line';
import { loadPlan } from '../config/plan';
import type { PlanPatch, PlanTrace, Problem } from '../config/types';
import { matchFile, packageOf, TargetSets, type TargetTables } from '../core/match';
import { parseTarget, splitBare, splitSpecifier } from '../core/targets';
import { BAKED_ID, bakedModule, esmProxy, ORIGINAL_PREFIX, wrapCommonJs } from './codegen';
import { LOADERS, moduleShape, packageVersion } from './modules';
import type { Baked, BakedPatch, BundledModule } from './protocol';

export interface WraptHooksOptions {
  /** The config file to bake, relative to the build's working directory. Default: the search the preload makes from there. */
  config?: string;
}

const BAKED = 'wrapt-hooks-baked';
const ORIGINAL_SUFFIX = '?wrapt-hooks-original';
const LIBRARY = 'wrapt-hooks-library';

/** The plugin: `esbuild.build({ bundle: true, platform: 'node', plugins: [wraptHooks()] })`. */
export function wraptHooks(options: WraptHooksOptions = {}): Plugin {
  return { name: 'wrapt-hooks', setup: (build) => setup(build, { ...options }) };
}

function setup(build: PluginBuild, options: WraptHooksOptions): void {
  const initial = build.initialOptions;
  const cwd = initial.absWorkingDir ?? process.cwd();
  // esbuild's own default: ES module output for platform "neutral", CommonJS (or an IIFE) otherwise.
  const format = (initial.format ?? (initial.platform === 'neutral' ? 'esm' : 'cjs')) === 'esm' ? 'esm' : 'cjs';
  // The config file only: WRAPT_TRACE, WRAPT_PATCHES and the rest are read where the bundle runs.
  const plan = loadPlan(cwd, options.config === undefined ? {} : { WRAPT_HOOKS_CONFIG: path.resolve(cwd, options.config) });
  const problems: Problem[] = [...plan.problems];
  const patches: PlanPatch[] = [...plan.patches];
  const trace: PlanTrace[] = [...plan.trace];
  for (const { name, origin } of plan.packages) {
    const found = discover(name, plan.dir, origin);
    problems.push(...found.problems);
    patches.push(...found.patches);
    trace.push(...found.trace);
  }
  const messages = (list: readonly (string | Problem)[]): PartialMessage[] =>
    list.map((item) => (typeof item === 'string' ? { text: `${PREFIX} ${item}` } : { text: `${PREFIX} ${item.message}`, detail: item.code }));
  // Strict mode turns every problem into a build error, as it turns them into errors at start-up.
  const report = (list: readonly (string | Problem)[]): { errors?: PartialMessage[]; warnings?: PartialMessage[] } =>
    plan.strict ? { errors: messages(list) } : { warnings: messages(list) };
  if (initial.bundle !== true || (patches.length === 0 && trace.length === 0)) {
    const why = initial.bundle !== true ? 'this build does not bundle (bundle: true), so there is nothing to bake' : nothingBaked(plan.file, cwd);
    build.onStart(() => {
      const reported = report(problems);
      return { ...reported, warnings: [...(reported.warnings ?? []), ...messages([why])] };
    });
    return;
  }
  build.onStart(() => report(problems));

  const tables = new TargetSets();
  for (const target of [...patches.map((patch) => patch.parsed), ...trace.map((entry) => parseTarget(entry.target, entry.baseDir))]) {
    if (typeof target !== 'string') tables.setOf(target).add(target.key);
  }

  initial.inject = [...(initial.inject ?? []), BAKED_ID];
  build.onResolve({ filter: /^wrapt-hooks:baked$/ }, () => ({ path: 'baked', namespace: BAKED }));
  // An ES module target's own code, imported by its proxy: the same file, loaded by esbuild (and
  // any other plugin) as usual, as a module of its own (the suffix tells it from the proxy).
  build.onResolve({ filter: /^wrapt-hooks-original:/ }, (args) => ({ path: args.path.slice(ORIGINAL_PREFIX.length), suffix: ORIGINAL_SUFFIX }));
  build.onResolve({ filter: /^wrapt-hooks(\/|$)/ }, (args) => {
    if (args.kind === 'entry-point') return undefined;
    // ES module output has no `require`: a patch's require('wrapt-hooks') becomes an import there.
    if (format === 'esm' && args.kind === 'require-call') return { path: args.path, namespace: LIBRARY };
    return { path: args.path, external: true };
  });
  build.onLoad({ filter: /.*/, namespace: LIBRARY }, (args) => ({ contents: `export * from ${JSON.stringify(args.path)};\n`, loader: 'js' }));
  build.onLoad({ filter: /.*/, namespace: BAKED }, async () => {
    const { baked, loaderFiles, missing } = await bake(build, format, plan.file, plan.dir, plan.strict, patches, trace);
    return {
      contents: bakedModule({ ...baked, traceSummary: plan.traceSummary }, loaderFiles, format),
      loader: 'js',
      resolveDir: plan.dir,
      ...report(missing),
    };
  });

  const filter = loadFilter(tables);
  if (filter === undefined) return;
  // The files that `name` resolves to from its own root, for `require` and for `import`: its entry points.
  const entries = new Map<string, Promise<Set<string>>>();
  const entryPoints = (name: string, baseDir: string): Promise<Set<string>> => {
    let found = entries.get(baseDir);
    if (found === undefined) {
      const kinds = ['require-call', 'import-statement'] as const;
      found = Promise.all(kinds.map((kind) => build.resolve(name, { kind, resolveDir: baseDir }))).then(
        (results) => new Set(results.filter((result) => result.errors.length === 0 && result.path !== '').map((result) => result.path)),
      );
      entries.set(baseDir, found);
    }
    return found;
  };
  build.onLoad({ filter }, async (args: OnLoadArgs): Promise<OnLoadResult | undefined> => {
    const file = args.path;
    if (args.namespace !== 'file' || args.suffix === ORIGINAL_SUFFIX || !(path.extname(file) in LOADERS)) return undefined;
    const details = packageOf(file);
    const mains = details !== undefined && tables.packages.has(details.name) ? await entryPoints(details.name, details.basedir) : new Set<string>();
    const keys = matchFile(tables, file, () => mains.has(file));
    if (keys.length === 0) return undefined;
    const shape = await moduleShape(build, file);
    const module: BundledModule = {
      keys,
      name: details?.name ?? file,
      filename: file,
      format: shape.format,
      ...(details === undefined ? {} : { baseDir: details.basedir, ...packageVersion(details.basedir) }),
    };
    const resolveDir = path.dirname(file);
    if (shape.format === 'module') return { contents: esmProxy(file, shape.names, module), loader: 'js', resolveDir };
    return { contents: wrapCommonJs(readFileSync(file, 'utf8'), module), loader: LOADERS[path.extname(file)] ?? 'js', resolveDir };
  });
}

/** The baked plan: each patch module resolved as esbuild resolves it (so it is bundled), or a file wrapt-hooks ships. */
async function bake(
  build: PluginBuild,
  format: 'cjs' | 'esm',
  config: string | undefined,
  dir: string,
  strict: boolean,
  patches: readonly PlanPatch[],
  trace: readonly PlanTrace[],
): Promise<{ baked: Baked; loaderFiles: string[]; missing: string[] }> {
  const loaderFiles: string[] = [];
  const missing: string[] = [];
  const baked: BakedPatch[] = [];
  for (const patch of patches) {
    const { module, exportName } = splitSpecifier(patch.spec);
    const resolved = await build.resolve(module, { kind: 'require-call', resolveDir: patch.baseDir });
    if (resolved.errors.length > 0 || resolved.path === '') {
      missing.push(
        `cannot find patch module "${module}" for "${patch.target}" (${patch.origin}), looked up from ${patch.baseDir}: ${firstText(resolved.errors)}. The bundle runs without this patch.`,
      );
      continue;
    }
    const base = { target: patch.parsed, spec: patch.spec, versions: patch.versions, baseDir: patch.baseDir, origin: patch.origin };
    const own = ownFile(resolved.path);
    if (own !== undefined) {
      baked.push({ ...base, module: { own: exportName === undefined ? own : `${own}#${exportName}` } });
      continue;
    }
    let index = loaderFiles.indexOf(resolved.path);
    if (index === -1) index = loaderFiles.push(resolved.path) - 1;
    baked.push({ ...base, module: index });
  }
  return { baked: { format, config, dir, strict, patches: baked, trace, traceSummary: false }, loaderFiles, missing };
}

function firstText(errors: readonly Message[]): string {
  return errors[0]?.text ?? 'not found';
}

function nothingBaked(file: string | undefined, cwd: string): string {
  return file === undefined
    ? `no config file found from ${cwd}, so no patch is baked into the bundle. Build from the directory that holds the config, or name it: wraptHooks({ config: "path/to/.wrapt-hooksrc.json" }).`
    : `${file} declares no patches or traces, so none is baked into the bundle.`;
}

/**
 * An onLoad filter for the files that may be targets: those inside a target package (or one
 * holding a deep target), and the target files themselves. esbuild applies it without calling
 * the plugin, so every other module costs the build nothing.
 */
function loadFilter(tables: TargetTables): RegExp | undefined {
  const names = new Set([...tables.packages, ...[...tables.deep].map((key) => splitBare(key).name)]);
  const parts: string[] = [];
  if (names.size > 0) parts.push(`[\\\\/]node_modules[\\\\/](?:${[...names].map((name) => escape(name).replace('/', '[\\\\/]')).join('|')})[\\\\/]`);
  for (const file of tables.files) parts.push(`^${escape(file)}$`);
  return parts.length === 0 ? undefined : new RegExp(parts.join('|'));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A file this installed copy of wrapt-hooks ships (a recipe's patch module), relative to its root; such a file is loaded from the copy beside the bundle. */
function ownFile(file: string): string | undefined {
  const root = path.resolve(__dirname, '..');
  return file.startsWith(path.join(root, 'dist') + path.sep) ? path.relative(root, file) : undefined;
}
