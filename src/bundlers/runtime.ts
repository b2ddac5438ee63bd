// The preload's side of a bundle built with the esbuild plugin: the baked plan becomes hooks in
// this thread's registry, as a config file's would (builtin targets, traces and targets the
// bundle left outside included), and each bundled target module, when the bundle evaluates it,
// becomes a module instance of the registry (core/bundled.ts).
import path = require('node:path');
import { bundledLoad } from '../core/bundled';
import type { Registry } from '../core/registry';
import { parseTarget } from '../core/targets';
import { debug } from '../debug';
import { exportSetting, flag } from '../env';
import { spanExport } from '../trace/output';
import type { Baked, BundleHandle } from './protocol';

let bundles = 0;
/** Patches already registered by a bundle: one evaluated twice, or two bundles of one build, register each once. */
const registered = new Set<string>();

/** How many bundles handed their plan to this thread (the exit summary's "never imported" reasons). */
export function bundlesInstalled(): number {
  return bundles;
}

/** Puts a bundle's baked plan in force; undefined when WRAPT_HOOKS_DISABLE turns everything off. */
export function installBundle(
  baked: Baked,
  loaders: readonly (() => unknown)[],
  disable: 'all' | ReadonlySet<string> | undefined,
  onInstalled: (registry: Registry) => void,
): BundleHandle | undefined {
  if (disable === 'all') {
    debug('bundle: WRAPT_HOOKS_DISABLE: everything is off');
    return undefined;
  }
  const hooks = require('../hooks/index') as typeof import('../hooks/index');
  const registry = hooks.getRegistry({ strict: baked.strict || flag(process.env['WRAPT_HOOKS_STRICT']), disabled: disable });
  debug(`bundle: config ${baked.config ?? '(none)'} baked in at build time (patches: ${baked.patches.length}, traces: ${baked.trace.length})`);
  // A declaration registers once: when a bundle is evaluated again, when two bundles of one
  // build run in one process, and when the preload found the same config file beside the bundle.
  const fresh = (key: string, origin: string, spec: string): boolean => {
    const id = `${key}\0${origin}\0${spec}`;
    if (registered.has(id)) return false;
    registered.add(id);
    if (!registry.isDeclared(key, origin)) return true;
    debug(`bundle: ${origin} is in force already (the config file found at start-up)`);
    return false;
  };
  for (const patch of baked.patches) {
    if (!fresh(patch.target.key, patch.origin, patch.spec)) continue;
    const load = typeof patch.module === 'number' ? loaders[patch.module] : undefined;
    const spec = typeof patch.module === 'number' ? patch.spec : path.join(path.resolve(__dirname, '..'), patch.module.own);
    // ES module output imports its builtins before any of the bundle's code runs: they are loaded already.
    const immediate = baked.format === 'esm' && patch.target.kind === 'builtin';
    registry.registerPatch(
      { parsed: patch.target, spec, versions: patch.versions, baseDir: patch.baseDir, origin: patch.origin, load },
      { immediate, planned: true },
    );
  }
  const traces = baked.trace.filter((trace) => {
    const target = parseTarget(trace.target, trace.baseDir);
    return typeof target !== 'string' && fresh(target.key, trace.origin, trace.spec);
  });
  // WRAPT_TRACE_EXPORT applies to a bundle's traces and recipes as to the preload's own.
  if (exportSetting(process.env['WRAPT_TRACE_EXPORT']) === 'otel' && spanExport() === undefined)
    (require('../otel/export') as typeof import('../otel/export')).enableExport();
  if (traces.length > 0)
    (require('../trace/register') as typeof import('../trace/register')).registerTraces(registry, traces, {
      summary: baked.traceSummary || flag(process.env['WRAPT_TRACE_SUMMARY']),
    });
  // Builtin targets, and targets the build left outside the bundle (external), are loaded by Node.
  if (registry.hasTargets()) hooks.ensureHooks(registry);
  const bundle = ++bundles;
  onInstalled(registry);
  return { loaded: (module, value, bindings) => bundledLoad(registry, bundle, module, value, bindings) };
}
