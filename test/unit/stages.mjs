// The preload's stages, called in process the way src/bootstrap.ts calls them: the plan (config
// file and environment), the patch packages it lists, the registry, and the load event the
// CommonJS hook gives the registry when the application requires a target. For tests of what
// happens to bad input and misbehaving patches, without a child process.
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { internals } from './internals.mjs';

const { plan: planModule, discovery, registry: registryModule, match } = internals();
const require = createRequire(import.meta.url);

/** Package `name` as the app in `dir` would require it, fresh (patches change exports in place). */
export function loadTarget(dir, name) {
  const filename = createRequire(path.join(dir, 'app.js')).resolve(name);
  delete require.cache[filename];
  return { filename, exports: require(filename) };
}

/** WraptHooksWarnings emitted while `fn` runs and on the ticks after it: [{ code, message }]. */
export async function warningsOf(fn, { ticks = 1 } = {}) {
  const seen = [];
  const listener = (warning) => {
    if (warning.name === 'WraptHooksWarning') seen.push({ code: warning.code, message: warning.message });
  };
  process.on('warning', listener);
  try {
    const value = fn();
    for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve));
    return { value, warnings: seen };
  } finally {
    process.off('warning', listener);
  }
}

/** The load event the CommonJS hook gives the registry when the app in `dir` requires `name`. */
function loadEvent(registry, dir, name) {
  if (isBuiltin(name)) {
    const builtin = name.replace(/^node:/, '');
    return { keys: [builtin], format: 'builtin', via: 'require', value: require(`node:${builtin}`), builtin };
  }
  const { filename, exports } = loadTarget(dir, name);
  return { keys: match.matchRequired(registry, filename), format: 'commonjs', via: 'require', value: exports, filename };
}

/**
 * What the preload meets in `dir` with `env` when the application requires `load` (package or
 * builtin names, in order): the plan's problems, the patch packages' problems, and what the
 * registry reports (warnings, or in strict mode the error it throws: the first stops the loads).
 * `strict` defaults to the plan's. Resolves to { plan, problems, thrown, exports, loaded,
 * registry }: `exports` is what the app's `require(load[0])` returns, `loaded` maps each name to
 * what its require returns.
 */
export async function runStages(dir, env = {}, { strict, target = 'victim', load = [target], ticks = 1 } = {}) {
  const plan = planModule.loadPlan(dir, env);
  const problems = [...plan.problems];
  const patches = [...plan.patches];
  for (const { name, origin } of plan.packages) {
    const found = discovery.discover(name, plan.dir, origin);
    problems.push(...found.problems);
    patches.push(...found.patches);
  }
  const registry = new registryModule.Registry({ strict: strict ?? plan.strict });
  for (const patch of patches) registry.registerPatch(patch, { immediate: false, planned: true });
  const loaded = {};
  let thrown;
  const { warnings } = await warningsOf(
    () => {
      try {
        for (const name of load) loaded[name] = registry.onLoad(loadEvent(registry, dir, name));
      } catch (error) {
        thrown = error;
      }
    },
    { ticks },
  );
  return { plan, problems: [...problems, ...warnings], thrown, exports: loaded[load[0]], loaded, registry };
}
