// Start-up probes: small preloads that each do one part of what wrapt-hooks' preload does, or a
// candidate replacement for it, so its cost can be measured alone against the bare app. Every
// package is resolved from the repository's dist/ exactly as the preload resolves it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes the probe files under `work/probes/` and returns the probe list:
 *   { id, what, args (node arguments before the app), esm (app.mjs instead of app.js),
 *     when(node) (run only where true), versus (baseline arguments instead of the bare app), env(node) }
 */
export function writeProbes({ work, root, apps, bundle, floor, unbundled, targets, syncHooks }) {
  const dir = path.join(work, 'probes');
  mkdirSync(dir, { recursive: true });
  const from = JSON.stringify(path.join(root, 'dist', 'bootstrap.js'));
  // require-in-the-middle is no dependency of wrapt-hooks any more: bench/package.json has it.
  const benchFrom = JSON.stringify(path.join(root, 'bench', 'node_modules', 'noop.js'));
  const head = `'use strict';\nconst req = require('node:module').createRequire(${from});\nconst breq = require('node:module').createRequire(${benchFrom});\n`;
  const file = (name, body) => {
    const full = path.join(dir, name);
    writeFileSync(full, name.endsWith('.mjs') ? body : head + body);
    return full;
  };
  const list = JSON.stringify(targets);
  const major22 = (node) => syncHooks(node.version);
  const cacheDir = (name) => (node) => ({ WRAPT_BENCH_CACHE_DIR: path.join(work, 'compile-cache', `${name}-${node.version}`) });
  const enableCache = `const m = require('node:module');\nif (typeof m.enableCompileCache === 'function') m.enableCompileCache(process.env.WRAPT_BENCH_CACHE_DIR);\n`;
  writeFileSync(path.join(dir, 'empty-config.json'), '{}\n');
  // The benchmark config with every `versions` range dropped: what the preload costs when
  // validation does not load semver (see semver-fast-path.cjs).
  const plain = { patches: Object.fromEntries(targets.map((t) => [t, `./patches/${t === 'pg' || t === 'redis' ? t : 'unused'}.js#patch`])) };
  const plainConfig = path.join(apps.startup, 'no-ranges.wrapt-hooksrc.json');
  writeFileSync(plainConfig, JSON.stringify(plain, null, 2));

  const probes = [
    {
      id: 'worker_threads',
      what: "`require('node:worker_threads')` (bootstrap's loader-thread check)",
      args: ['-r', file('worker-threads.cjs', "require('node:worker_threads');\n")],
    },
    {
      id: 'debug',
      what: "`require('debug')` (require-in-the-middle's dependency: loads tty, supports-color, ms)",
      args: ['-r', file('debug.cjs', "require('node:module').createRequire(breq.resolve('require-in-the-middle'))('debug')('require-in-the-middle');\n")],
    },
    {
      id: 'require-in-the-middle',
      what: "`require('require-in-the-middle')` (with debug)",
      args: ['-r', file('ritm.cjs', "breq('require-in-the-middle');\n")],
    },
    {
      id: 'ritm Hook',
      what: `\`require('require-in-the-middle')\` + one \`new Hook(${targets.length} names)\``,
      args: ['-r', file('ritm-hook.cjs', `const { Hook } = breq('require-in-the-middle');\nnew Hook(${list}, { internals: false }, (e) => e);\n`)],
    },
    {
      id: 'semver range check',
      what: "`require('semver/ranges/valid')` and 5 ranges checked (config validation of `versions`)",
      args: [
        '-r',
        file(
          'semver.cjs',
          "const valid = req('semver/ranges/valid');\nfor (const r of ['>=1 <100', '^1.0.0 || ^2.0.0', '>=1 <100', '^1.0.0 || ^2.0.0', '>=1 <100']) valid(r);\n",
        ),
      ],
    },
    {
      id: 'config (loadPlan)',
      what: 'dist/config.js `loadPlan()`: search from cwd + validation of the 20 entries (includes the semver check)',
      args: [
        '-r',
        file(
          'config.cjs',
          `const { loadPlan } = require(${JSON.stringify(path.join(root, 'dist', 'config.js'))});\nconst plan = loadPlan();\nif (plan.patches.length !== ${targets.length}) throw new Error('config probe: ' + plan.patches.length + ' patches');\n`,
        ),
      ],
    },
    {
      id: 'config (loadPlan), no ranges',
      what: 'the same config without its `versions` ranges (`WRAPT_HOOKS_CONFIG`): semver never loaded',
      args: ['-r', path.join(dir, 'config.cjs')],
      env: () => ({ WRAPT_HOOKS_CONFIG: plainConfig }),
    },
    {
      id: 'cosmiconfig search (reference)',
      what: "`require('cosmiconfig')` + `cosmiconfigSync('wrapt-hooks').search()` (what the contract's config search replaces)",
      args: [
        '-r',
        file(
          'cosmiconfig.cjs',
          "const { cosmiconfigSync } = req('cosmiconfig');\nconst r = cosmiconfigSync('wrapt-hooks').search();\nif (!r) throw new Error('cosmiconfig probe found nothing');\n",
        ),
      ],
    },
    {
      id: 'esmMode()',
      what: "`require('import-in-the-middle/supports-sync-hooks.mjs')` (a require(esm): what esmMode() costs where module.registerHooks exists)",
      args: ['-r', file('esm-mode.cjs', "req('import-in-the-middle/supports-sync-hooks.mjs').supportsSyncHooks();\n")],
      when: (node) => node.major >= 22,
    },
    {
      id: 'import-in-the-middle index',
      what: "`require('import-in-the-middle')` (for addHook)",
      args: ['-r', file('iitm-index.cjs', "req('import-in-the-middle');\n")],
    },
    {
      id: 'iitm register-hooks.mjs (load)',
      what: "`require('import-in-the-middle/register-hooks.mjs')`: create-hook.mjs, get-exports, es-module-lexer, cjs-module-lexer",
      args: ['-r', file('iitm-register-hooks-load.cjs', "req('import-in-the-middle/register-hooks.mjs');\n")],
      when: major22,
    },
    {
      id: 'iitm sync hooks (load + register)',
      what: 'the above + `register({ include: 20 targets })` (module.registerHooks)',
      args: ['-r', file('iitm-register-hooks.cjs', `req('import-in-the-middle/register-hooks.mjs').register({ include: ${list} });\n`)],
      when: major22,
    },
    {
      id: 'empty module.registerHooks',
      what: 'pass-through `module.registerHooks({ resolve, load })`: the floor of any in-thread ESM hook',
      args: ['-r', file('empty-register-hooks.cjs', "require('node:module').registerHooks({ resolve: (s, c, n) => n(s, c), load: (u, c, n) => n(u, c) });\n")],
      when: major22,
    },
    {
      id: 'empty module.register loader',
      what: '`--import ./empty-register.mjs`: off-thread loader whose hooks module exports nothing',
      args: ['--import', './empty-register.mjs'],
      esm: true,
    },
    {
      id: 'iitm async loader (reference)',
      what: "`module.register('import-in-the-middle/hook.mjs', { data: { include: 20 targets } })`",
      args: [
        '--import',
        file(
          'iitm-async.mjs',
          `import { register } from 'node:module';\nimport { createRequire } from 'node:module';\nconst req = createRequire(${from});\nregister(req.resolve('import-in-the-middle/hook.mjs'), import.meta.url, { data: { include: ${list} } });\n`,
        ),
      ],
      esm: true,
    },
    {
      id: 'preload, config with nothing to patch',
      what: '`-r wrapt-hooks/register` with `WRAPT_HOOKS_CONFIG` naming `{}`: the fixed cost of the preload without hooks',
      args: ['-r', 'wrapt-hooks/register'],
      env: () => ({ WRAPT_HOOKS_CONFIG: path.join(dir, 'empty-config.json') }),
    },
    { id: 'preload (as shipped)', what: '`-r wrapt-hooks/register` (the goal row again, same pairs as the probes)', args: ['-r', 'wrapt-hooks/register'] },
    {
      id: 'preload by path',
      what: "`-r /abs/path/register.js`: the same preload without resolving `wrapt-hooks/register` through the package's `exports` map",
      args: ['-r', path.join(root, 'register.js')],
    },
    {
      id: 'exports map resolution',
      what: "`-r wrapt-hooks/register` against `-r /abs/path/register.js`: what Node's `exports` resolution of the specifier costs before any preload code runs",
      args: ['-r', 'wrapt-hooks/register'],
      versus: ['-r', path.join(root, 'register.js')],
      pairs: 21,
    },
    {
      id: 'preload, config without ranges',
      what: '`-r wrapt-hooks/register` with the config minus its `versions` ranges: the gain of not loading semver at start-up',
      args: ['-r', 'wrapt-hooks/register'],
      env: () => ({ WRAPT_HOOKS_CONFIG: plainConfig }),
    },
  ];
  probes.push(
    {
      id: 'preload unbundled (tsc output)',
      what: '`-r` of a copy of the package whose register.js loads dist/bootstrap.js, one file per module',
      args: ['-r', path.join(unbundled, 'register.js')],
    },
    {
      id: 'shipped vs unbundled',
      what: 'the shipped preload against the unbundled tsc output, directly (< 1: what the shipped build saves)',
      args: ['-r', 'wrapt-hooks/register'],
      versus: ['-r', path.join(unbundled, 'register.js')],
    },
  );
  if (bundle) {
    probes.push(
      {
        id: 'preload bundled (bench prototype)',
        what: 'bench/lib/bundle.mjs: the start-up modules bundled by esbuild into one file, `debug` a no-op',
        args: ['-r', path.join(bundle.dir, 'register.js')],
      },
      {
        id: 'bench bundle vs unbundled',
        what: 'the bench bundle against the unbundled tsc output, directly',
        args: ['-r', path.join(bundle.dir, 'register.js')],
        versus: ['-r', path.join(unbundled, 'register.js')],
      },
    );
  }
  probes.push({
    id: 'preload + compile cache',
    what: '`module.enableCompileCache(dir)` then the shipped preload (cache warm after the warm-up pairs)',
    args: ['-r', file('cc-shipped.cjs', `${enableCache}require(${JSON.stringify(path.join(root, 'register.js'))});\n`)],
    when: (node) => node.major >= 22,
    env: cacheDir('shipped'),
  });
  if (bundle) {
    probes.push();
  }
  if (floor) {
    probes.push(
      {
        id: 'floor prototype',
        what: 'bench/lib/floor-preload.cjs bundled: config read + tables + one ritm Hook + a pass-through ESM hook (Node 20: an off-thread loader that imports nothing): what this design cannot go below',
        args: ['-r', floor],
      },
      {
        id: 'floor prototype vs empty loader',
        what: 'the same against the empty `module.register` loader (Node 20 goal)',
        args: ['-r', floor],
        esm: true,
        versus: ['--import', './empty-register.mjs'],
        when: (node) => !syncHooks(node.version),
      },
    );
  }
  // The require-heavy app (1,000 modules): what each piece costs per require.
  const heavy = (p) => ({ ...p, app: 'cjsHeavy', pairs: 7, warmup: 1 });
  const resolveOnly = file('resolve-only-hooks.cjs', "require('node:module').registerHooks({ resolve: (s, c, n) => n(s, c) });\n");
  const loadOnly = file('load-only-hooks.cjs', "require('node:module').registerHooks({ load: (u, c, n) => n(u, c) });\n");
  const extHook = path.join(path.dirname(new URL(import.meta.url).pathname), 'ext-hook.cjs');
  probes.push(
    heavy({
      id: 'heavy: ritm Hook',
      what: 'require-heavy app: one require-in-the-middle Hook (20 names), nothing else',
      args: ['-r', path.join(dir, 'ritm-hook.cjs')],
    }),
    heavy({
      id: 'heavy: Module._extensions hook',
      what: 'require-heavy app: prototype bench/lib/ext-hook.cjs, interception per module load instead of per require call',
      args: ['-r', extHook],
    }),
    heavy({
      id: 'heavy: resolve-only registerHooks',
      what: 'require-heavy app: a pass-through in-thread resolve hook (it runs for every require too)',
      args: ['-r', resolveOnly],
      when: major22,
    }),
    heavy({ id: 'heavy: load-only registerHooks', what: 'require-heavy app: a pass-through in-thread load hook', args: ['-r', loadOnly], when: major22 }),
    heavy({
      id: 'heavy: preload vs resolve-only hook',
      what: 'require-heavy app: the shipped preload against the pass-through resolve hook alone (which Node runs for every require, and the ESM side needs): what the preload adds beyond it',
      args: ['-r', 'wrapt-hooks/register'],
      versus: ['-r', resolveOnly],
      when: major22,
    }),
  );
  if (floor)
    probes.push(
      heavy({ id: 'heavy: floor prototype', what: 'require-heavy app: the floor prototype (ritm Hook + pass-through resolve hook)', args: ['-r', floor] }),
    );
  // import-in-the-middle's in-thread hooks loaded at start-up (as shipped) or on the first target.
  const lazy = path.join(path.dirname(new URL(import.meta.url).pathname), 'lazy-iitm-sync.cjs');
  probes.push(
    {
      id: 'lazy iitm sync hooks (prototype)',
      what: 'bench/lib/lazy-iitm-sync.cjs: a pass-through resolve hook; import-in-the-middle loaded on the first target (none here), `node -r … app.mjs` against `node app.mjs`',
      args: ['-r', lazy],
      esm: true,
      when: major22,
    },
    {
      ...heavy({
        id: 'heavy ESM: iitm sync hooks at start-up',
        what: "import-heavy app: import-in-the-middle's register-hooks.mjs `register({ include: targets })` at start-up",
        args: ['-r', path.join(dir, 'iitm-register-hooks.cjs')],
        when: major22,
      }),
      app: 'esmHeavy',
      esm: true,
    },
    {
      ...heavy({
        id: 'heavy ESM: lazy iitm sync (prototype)',
        what: 'import-heavy app: the lazy prototype (import-in-the-middle loaded when `pg` is resolved)',
        args: ['-r', lazy],
        when: major22,
      }),
      app: 'esmHeavy',
      esm: true,
    },
  );
  void apps;
  return probes;
}
