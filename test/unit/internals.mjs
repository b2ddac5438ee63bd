// The in-process entry to wrapt-hooks' modules, for the tests under test/unit/: the TypeScript
// sources under src/, compiled on require by esbuild the way scripts/build.mjs compiles them
// into the shipped bundles (same tool, same target), one module per file and one copy of each
// in the test process. `__dirname` and `__filename` are the bundle's (dist/, dist/preload.js),
// as in the shipped files, so that paths the code derives from them (the loader file, the
// recipes, the package root) are the package's.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

if (Module._extensions['.ts']?.wraptHooksSources !== true) {
  const esbuild = require('esbuild');
  // Node 22.18+ loads other .ts files (a user's config or patch) through its '.js' handler.
  const previous = Module._extensions['.ts'] ?? Module._extensions['.js'];
  const compileTs = function compileTs(module, filename) {
    if (!filename.startsWith(src + path.sep)) return previous.call(this, module, filename);
    const { code } = esbuild.transformSync(readFileSync(filename, 'utf8'), {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      platform: 'node',
      sourcefile: filename,
      sourcemap: 'inline',
      define: {
        __dirname: JSON.stringify(dist),
        __filename: JSON.stringify(path.join(dist, 'preload.js')),
        // hooks/esm-hooks.ts: the built dist/start.js, which gives import-in-the-middle's bundled hook code (dist/iitm.js).
        START_FILE: JSON.stringify(path.join(dist, 'start.js')),
      },
    });
    module._compile(code, filename);
  };
  compileTs.wraptHooksSources = true;
  Module._extensions['.ts'] = compileTs;
}

/** A module of src/ by its path there, without extension: `source('core/registry')`. */
export function source(file) {
  return require(path.join(src, `${file}.ts`));
}

// The rooms the tests use: `internals().<room>.<name>`. Each module is required on first use.
const ROOMS = {
  library: 'index',
  bootstrap: 'bootstrap',
  env: 'env',
  errors: 'errors',
  globalState: 'global-state',
  registry: 'core/registry',
  hookTable: 'core/hook-table',
  instances: 'core/instances',
  applyHook: 'core/apply-hook',
  hooksLoaded: 'hooks/loaded',
  targets: 'core/targets',
  match: 'core/match',
  versions: 'core/versions',
  patchLoader: 'core/patch-loader',
  disable: 'core/disable',
  trust: 'core/trust',
  ownership: 'ownership',
  search: 'config/search',
  configPlaces: 'config/places',
  configMeta: 'config/meta',
  read: 'config/read',
  validate: 'config/validate',
  plan: 'config/plan',
  discovery: 'config/discovery',
  traceFormat: 'trace/format',
  traceJsonValue: 'trace/json-value',
  trace: 'trace/register',
  traceOptions: 'trace/options',
  traceOutput: 'trace/output',
  traceWriter: 'writer',
  traceSink: 'sink',
  line: 'line',
  traceSummary: 'trace/summary',
  traceWildcard: 'trace/wildcard',
  traceRedact: 'trace/redact',
  traceRedactInspect: 'trace/redact-inspect',
  traceRedactCommand: 'trace/redact-command',
  traceRedactSql: 'trace/redact-sql',
  recipeDiscover: 'recipes/discover',
  recipeSql: 'recipes/sql/index',
  recipeChildProcess: 'recipes/child_process/index',
  recipeSummary: 'recipes/summary',
  traceKeys: 'trace/keys',
  recipeRedis: 'recipes/redis/index',
  cliRun: 'cli/run',
  esm: 'hooks/esm',
  cjsTargets: 'hooks/cjs-targets',
  esmWrapper: 'hooks/esm-wrapper',
  bundled: 'core/bundled',
  bundleCodegen: 'bundlers/codegen',
  bundleDetect: 'bundlers/detect',
  bundleRuntime: 'bundlers/runtime',
  esmBridge: 'hooks/esm-bridge',
  esmFirst: 'hooks/esm-first',
  requireGate: 'hooks/require-gate',
  node: 'hooks/node',
  nearMiss: 'near-miss',
  targetChecks: 'config/target-checks',
  summary: 'core/summary',
  loadError: 'core/load-error',
  wrapPatches: 'wrap/patches',
  controlSession: 'control/session',
  controlListen: 'control/listen',
  controlPaths: 'control/paths',
  recipeHandles: 'recipes/handles/index',
  otelNames: 'otel/names',
  otelSettings: 'otel/settings',
  otelPropagation: 'otel/propagation',
  otelExport: 'otel/export',
};

const rooms = {};
for (const [room, file] of Object.entries(ROOMS)) Object.defineProperty(rooms, room, { enumerable: true, get: () => source(file) });

/** `internals().<room>.<name>`: the rooms above. */
export function internals() {
  return rooms;
}

/** The CLI: `cli.main(argv)` and `cli.internals.<module>`. */
export const cli = {
  main: (argv) => source('cli/main').main(argv),
  internals: Object.defineProperties(
    {},
    Object.fromEntries(
      Object.entries({
        args: 'cli/args',
        run: 'cli/run',
        doctor: 'cli/doctor',
        doctorFormat: 'cli/doctor-format',
        version: 'version',
        attach: 'cli/attach',
        attachOptions: 'cli/attach-options',
        proc: 'cli/proc',
      }).map(([name, file]) => [name, { enumerable: true, get: () => source(file) }]),
    ),
  ),
};
