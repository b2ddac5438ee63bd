// ES modules a process loaded before `wrapt-hooks attach` turned a trace on (docs/attach.md).
// Node keeps no public list of them, and `import()` of a module not loaded yet would run it, so
// the list comes from V8: an in-process inspector session (no port is opened) lists every
// script compiled so far. A module in that list is loaded, and `import()` hands back its
// namespace without running anything.
import fs = require('node:fs');
import path = require('node:path');
import { fileURLToPath } from 'node:url';
import { matchFile, type TargetTables } from '../core/match';

/** The `file:` URLs of every script V8 has compiled in this thread. */
export function loadedScriptUrls(): Set<string> {
  const inspector = require('node:inspector') as typeof import('node:inspector');
  const urls = new Set<string>();
  const session = new inspector.Session();
  session.connect();
  try {
    session.on('Debugger.scriptParsed', (message: { params: { url: string } }) => {
      if (message.params.url.startsWith('file:')) urls.add(message.params.url);
    });
    // The in-process session answers synchronously: every script is reported before post returns.
    session.post('Debugger.enable', () => {});
    session.post('Debugger.disable', () => {});
  } finally {
    session.disconnect();
  }
  return urls;
}

let importer: ((url: string) => Promise<unknown>) | undefined;

/**
 * `import()` of a loaded module, from a function compiled here rather than in dist/preload.js:
 * Node 20 runs the preload's functions from the V8 code cache (src/start.ts) without the
 * dynamic-import callback its vm.Script was given, so an `import()` written there fails with
 * ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING. A script compiled without cached data keeps it.
 */
export function importLoaded(url: string): Promise<unknown> {
  if (importer === undefined) {
    const vm = require('node:vm') as typeof import('node:vm');
    const script = new vm.Script('(url) => import(url)', {
      filename: 'wrapt-hooks:import',
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    importer = script.runInThisContext() as (url: string) => Promise<unknown>;
  }
  return importer(url);
}

/** The loaded ES module files (not in the CommonJS cache) that `tables`' targets name. */
export function loadedEsmTargets(tables: TargetTables, urls: Iterable<string>): { url: string; filename: string; keys: string[] }[] {
  const out: { url: string; filename: string; keys: string[] }[] = [];
  for (const url of urls) {
    let filename: string;
    try {
      filename = fileURLToPath(url);
    } catch {
      continue;
    }
    if (require.cache[filename] !== undefined) continue;
    const keys = matchFile(tables, filename, (_name, baseDir) => esmEntry(baseDir) === filename);
    if (keys.length > 0) out.push({ url, filename, keys });
  }
  return out;
}

/** A package's ES module entry point, as package.json "exports" (import/node/default) or "main" name it. */
export function esmEntry(baseDir: string): string | undefined {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(baseDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  let exports = pkg['exports'];
  if (exports !== null && typeof exports === 'object' && !Array.isArray(exports) && '.' in exports) exports = (exports as Record<string, unknown>)['.'];
  const picked = pick(exports, 0) ?? (typeof pkg['main'] === 'string' ? pkg['main'] : 'index.js');
  const file = path.resolve(baseDir, picked);
  for (const candidate of [file, `${file}.js`, `${file}.mjs`, path.join(file, 'index.js')]) {
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function pick(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return value;
  if (depth > 8 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = pick(item, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const condition of ['node', 'import', 'module-sync', 'default']) {
    const found = pick((value as Record<string, unknown>)[condition], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
