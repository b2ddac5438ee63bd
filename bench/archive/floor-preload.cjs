'use strict';
// Prototype, for the benchmark only: the least a preload with this design must do at start-up,
// to tell which goals are reachable at all. It is bundled by esbuild (with require-in-the-middle,
// `debug` a no-op) into bench/.work/floor/floor.cjs. Not a replacement for the preload: no
// validation, no messages, no patches run. What it does:
//   - find and parse the config the way the preload does (readdir from cwd up to package.json),
//   - build the O(1) target tables,
//   - one require-in-the-middle Hook whose `includes` is a Set lookup,
//   - ESM: where module.registerHooks is usable, a pass-through resolve hook that only checks
//     the tables (import-in-the-middle would be loaded on the first target, not at start-up);
//     elsewhere (Node 20) an off-thread loader whose hooks module imports nothing until a target
//     is resolved (bench/lib/floor-loader.mjs).
const fs = require('node:fs');
const path = require('node:path');
const nodeModule = require('node:module');

function findConfig(cwd) {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    let names;
    try {
      names = fs.readdirSync(dir);
    } catch {
      names = [];
    }
    if (names.includes('.wrapt-hooksrc.json')) return path.join(dir, '.wrapt-hooksrc.json');
    if (names.includes('package.json') || path.dirname(dir) === dir) return undefined;
  }
}

const file = findConfig(process.cwd());
if (file !== undefined) {
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  const builtins = new Set();
  const packages = new Set();
  const deep = new Set();
  for (const target of Object.keys(config.patches || {})) {
    if (nodeModule.isBuiltin(target)) builtins.add(target.replace(/^node:/, ''));
    else if (target.includes('/') && !target.startsWith('@')) deep.add(target.replace(/(\/index)?(\.js)?$/, ''));
    else packages.add(target);
  }
  const { Hook } = require('require-in-the-middle');
  class List extends Array {
    static get [Symbol.species]() {
      return Array;
    }
    includes(x) {
      return builtins.has(x) || packages.has(x) || deep.has(x);
    }
  }
  new Hook(new List(), { internals: false }, (exports) => exports);
  const sync =
    typeof nodeModule.registerHooks === 'function' &&
    (() => {
      const [major, minor, patch] = process.versions.node.split('.').map(Number);
      if (major === 24) return minor > 11 || (minor === 11 && patch >= 1);
      if (major === 22) return minor > 22 || (minor === 22 && patch >= 3);
      return major >= 26 || (major === 25 && minor >= 1);
    })();
  if (sync) {
    nodeModule.registerHooks({
      resolve(specifier, context, next) {
        const result = next(specifier, context);
        if (packages.has(specifier) || (result.url.startsWith('node:') && builtins.has(result.url.slice(5)))) {
          // here the real preload would load import-in-the-middle's hooks and hand over
        }
        return result;
      },
    });
  } else if (typeof nodeModule.register === 'function') {
    const { pathToFileURL } = require('node:url');
    nodeModule.register(pathToFileURL(path.join(__dirname, 'floor-loader.mjs')).href, pathToFileURL(__filename).href, {
      data: { include: [...builtins, ...packages] },
    });
  }
}
