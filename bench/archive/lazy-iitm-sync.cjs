'use strict';
// Prototype (bench only): import-in-the-middle's in-thread hooks loaded on the first ES module
// target instead of at start-up (Node >= 22.22.3 / 24.11.1, where module.registerHooks is usable).
//
// At start-up only a pass-through resolve hook is registered; it compares the specifier with the
// targets (a Set lookup). The first time a target is resolved it loads create-hook.mjs (a
// require(esm) from inside the hook works: the nested loads pass through this same hook),
// creates import-in-the-middle's hook object exactly as register-hooks.mjs does, and from then on
// hands every resolve and load to it — so import-in-the-middle sees the target's resolution and
// everything after it, and nothing before it, when it had nothing to do anyway.
//
// Usage: node -r bench/lib/lazy-iitm-sync.cjs app.mjs (targets from WRAPT_BENCH_LAZY_TARGETS,
// default pg,redis; the hook marks pg's `connect` results with `patched: true`).
// WRAPT_BENCH_LAZY_DEBUG=1 prints when import-in-the-middle was loaded.
const nodeModule = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const req = nodeModule.createRequire(path.join(__dirname, '..', '..', 'dist', 'bootstrap.js'));
const targets = new Set((process.env.WRAPT_BENCH_LAZY_TARGETS || 'pg,redis').split(','));
let hook;

function loadIitm() {
  const start = performance.now();
  const { createHook } = req('import-in-the-middle/create-hook.mjs');
  const created = createHook({ url: pathToFileURL(req.resolve('import-in-the-middle/register-hooks.mjs')).href });
  created.applyOptions({ shouldInclude: (url, specifier) => targets.has(specifier) });
  req('import-in-the-middle').addHook((url, namespace, specifier) => {
    if (specifier === 'pg') {
      const connect = namespace.connect;
      namespace.connect = (...args) => Object.assign(connect(...args), { patched: true });
    }
  });
  if (process.env.WRAPT_BENCH_LAZY_DEBUG)
    process.stderr.write(`import-in-the-middle loaded on the first target in ${(performance.now() - start).toFixed(1)} ms\n`);
  return created;
}

nodeModule.registerHooks({
  resolve(specifier, context, next) {
    if (hook !== undefined) return hook.resolveSync(specifier, context, next);
    if (!targets.has(specifier) || context.conditions?.includes('require')) return next(specifier, context);
    hook = loadIitm();
    // Hooks registered later run first: import-in-the-middle's load hook goes in now.
    nodeModule.registerHooks({ load: (url, ctx, nextLoad) => hook.loadSync(url, ctx, nextLoad) });
    return hook.resolveSync(specifier, context, next);
  },
});
