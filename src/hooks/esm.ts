// The ES module side: import-in-the-middle, restricted to the target modules and loaded only
// when the first target is imported (esm-hooks.ts), joined with every other copy of it in the
// thread (esm-bridge.ts). Which flavour of hooks this Node gets is decided in node.ts.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isModuleNamespaceObject } from 'node:util/types';
import { debug } from '../debug';
import { builtinName, type Target } from '../core/targets';
import { isTargetUrl, matchFile, packageReached } from '../core/match';
import type { Format, Registry } from '../core/registry';
import type { ImportHook, RegisterModule } from './esm-bridge';
import type { MarkedSpecifier, TargetLists } from './loader';
import { esmMode, moduleApi, type EsmMode } from './node';

/** Installs the ESM side for `registry`'s targets; returns the mode used. */
export function installEsm(registry: Registry): EsmMode {
  const mode = esmMode();
  if (mode === 'none') return mode;
  const bridge = require('./esm-bridge') as typeof import('./esm-bridge');
  const hook: ImportHook = (url, namespace, specifier, format) => dispatch(registry, url, namespace, specifier ?? '', format);
  // Off-thread, the port carries new targets to the loader (which reads them before each
  // resolve) and brings back the specifier of each URL the loader marked.
  // worker_threads only where the off-thread loader needs it: loading it costs every start.
  const threads = mode === 'async' ? (require('node:worker_threads') as typeof import('node:worker_threads')) : undefined;
  const channel = threads === undefined ? undefined : new threads.MessageChannel();
  channel?.port1.unref();
  const marked = new Map<string, string>();
  const specifierOf = (url: string): string | undefined => {
    for (let entry = threads!.receiveMessageOnPort(channel!.port1); entry !== undefined; entry = threads!.receiveMessageOnPort(channel!.port1)) {
      const message = entry.message as MarkedSpecifier;
      marked.set(message.url, message.specifier);
    }
    return marked.get(url);
  };
  // Before any wrapper of ours can run, and before the copies already loaded are joined: what
  // they wrapped so far (a builtin an agent's own start-up imported) is replayed to it.
  bridge.startBridge(hook, channel === undefined ? undefined : specifierOf, channel !== undefined);
  // Other agents' copies that load after this point: the CommonJS hook sees their lib/register.js
  // when the agent's Hook requires it, before any wrapper of theirs can run. In-thread, the resolve
  // hook sees them too, but not soon enough next to an agent whose loader runs off-thread
  // (OpenTelemetry's --experimental-loader): without this, loading import-in-the-middle's hook
  // code failed there (test/compat/agents.test.mjs).
  registry.register(
    function joinImportInTheMiddle(exports: RegisterModule, info) {
      if (info.filename !== undefined) bridge.joinCopy(info.filename, exports);
    },
    'import-in-the-middle/lib/register.js',
    { baseDir: __dirname, origin: 'wrapt-hooks (import-in-the-middle copies)', immediate: true, planned: false, internal: true },
  );
  if (channel === undefined) {
    // Registered before the first ES module graph links (esm-first.ts), not now, and deregistered
    // while a require() runs: a resolve hook slows every require().
    (require('./esm-first') as typeof import('./esm-first')).beforeFirstEsModule((register) => {
      const { installSyncHooks } = require('./esm-hooks') as typeof import('./esm-hooks');
      installSyncHooks(
        register,
        (url, specifier) => isTargetUrl(registry, url, specifier),
        (url, specifier) => packageReached(registry, url, specifier),
      );
    });
    return mode;
  }
  // Before registerPostImportHook returns: the next import's resolve finds it in the port.
  registry.listen({ newTarget: (target) => channel.port1.postMessage(lists([target])) });
  if (outOfReach(loaderFile())) {
    debug(
      `ES module hooks not installed: ${loaderFile()} is inside a Yarn Plug'n'Play zip archive, which Node's loader thread reads only through PnP's ESM loader (--experimental-loader ./.pnp.loader.mjs), not given here; require() is hooked as usual`,
    );
    return 'none';
  }
  moduleApi('register').register!(pathToFileURL(loaderFile()).href, pathToFileURL(__filename).href, {
    data: { targets: lists(registry.targets()), port: channel.port2 },
    transferList: [channel.port2],
  });
  return mode;
}

/**
 * dist/hooks/loader.mjs (loader.ts and what it imports, bundled into one file by
 * scripts/build.mjs: the loader thread reads one file, not seven), from this file or from the
 * preload bundle (dist/preload.js).
 */
function loaderFile(): string {
  return join(__dirname, 'hooks', 'loader.mjs');
}

/**
 * Under Yarn Plug'n'Play without its ESM loader, a file inside PnP's zip archives cannot be
 * loaded as an ES module (nor can any ES module from a zip: the application is CommonJS).
 */
function outOfReach(file: string): boolean {
  if (process.versions.pnp === undefined || !file.includes('.zip/')) return false;
  return ![...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((arg) => arg.includes('.pnp.loader.mjs'));
}

function lists(targets: readonly Target[]): TargetLists {
  const out: TargetLists = { builtins: [], packages: [], deep: [], files: [] };
  for (const target of targets) {
    const kind = target.kind === 'builtin' ? 'builtins' : target.kind === 'package' ? 'packages' : target.kind === 'deep' ? 'deep' : 'files';
    out[kind].push(target.key);
  }
  return out;
}

/** import-in-the-middle calls this for every module it wrapped. */
function dispatch(registry: Registry, url: string, namespace: any, specifier: string, format: string | undefined): void {
  if (url.startsWith('node:')) {
    const name = builtinName(url);
    if (name === undefined || !registry.builtins.has(name)) return;
    registry.onLoad({ keys: [name], format: 'builtin', via: 'import', value: namespace, builtin: name });
    return;
  }
  if (!url.startsWith('file:')) return;
  const filename = fileURLToPath(url);
  const keys = matchFile(registry, filename, (name) => specifier === name);
  if (keys.length === 0) return;
  const kind = formatOf(format, filename);
  registry.onLoad({ keys, format: kind, via: 'import', value: namespace, filename });
}

/**
 * The format of a wrapped file: as the wrapping copy of import-in-the-middle says (3.6+), else
 * from the CommonJS cache, where Node puts each CommonJS module an `import` evaluates (copies
 * before 3.6, other agents' among them, do not pass the format).
 */
function formatOf(format: string | undefined, filename: string): Format {
  if (format !== undefined) return format === 'commonjs' || format === 'commonjs-typescript' ? 'commonjs' : 'module';
  const cached = require.cache[filename];
  return cached !== undefined && !isModuleNamespaceObject(cached.exports) ? 'commonjs' : 'module';
}
