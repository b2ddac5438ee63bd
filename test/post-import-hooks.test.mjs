// The post-import hook registry (docs/patches-and-api.md), seen from spawned applications: once per module
// instance, before the importer gets the module, immediate firing for modules already loaded,
// whenImported, replacement exports, lazy specifiers, patch module forms and ModuleInfo, as the
// module hooks and the public API drive it. test/unit/core-registry.test.mjs feeds the registry load
// events in process (order, unregister, return values, versions, disable; promises in
// test/unit/bootstrap-faults.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { makeApp, path, lines, assertClean, runApp, sections } from './helpers.mjs';

test('fires once per module instance: two installed copies of a package each fire once', () => {
  const app = makeApp({
    packages: ['twin', 'twin-user'],
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/twin.js' } },
      'patches/twin.js': `
        const path = require('node:path');
        module.exports = (twin, info) => {
          console.log('patch', info.name, info.version, path.relative(process.cwd(), info.baseDir));
          twin.patched = info.version;
        };
      `,
      'app.js': `
        const top = require('twin');
        const user = require('twin-user');
        require('twin');
        const nested = require('twin-user/node_modules/twin');
        require('twin-user');
        console.log('top', top.patched, 'nested', user.twinVersion, nested.patched);
      `,
    },
  });
  const result = runApp(app);
  assertClean(result);
  assert.deepEqual(lines(result.stdout), [
    'patch twin 1.0.0 node_modules/twin',
    `patch twin 2.0.0 ${path.join('node_modules', 'twin-user', 'node_modules', 'twin')}`,
    'top 1.0.0 nested 2.0.0 2.0.0',
  ]);
});

// One app for the two builtin scenarios, in turn: fs and node:fs, then os (not loaded before).
const BUILTIN = sections({
  fs: `
    const a = require('fs');
    const b = require('node:fs');
    const c = process.getBuiltinModule('node:fs');
    const d = process.getBuiltinModule('fs');
    console.log(a === b, b === c, c === d, a.patchCount);
  `,
  os: `
    console.log('start');
    const os = process.getBuiltinModule('node:os');
    console.log(os.platform() === 'patched ' + process.platform);
    console.log(require('os') === os);
  `,
});
let builtinRun;
function builtinSection(name) {
  if (builtinRun === undefined) {
    const app = makeApp({
      files: {
        '.wrapt-hooksrc.json': { patches: { fs: './patches/fs.js', 'node:fs': './patches/fs.js#second', os: './patches/os.js' } },
        'patches/fs.js': `
          module.exports = (fs, info) => {
            console.log('patch', info.target, info.name, info.format);
            fs.patchCount = (fs.patchCount || 0) + 1;
          };
          module.exports.second = (fs, info) => {
            console.log('second', info.target, info.name, info.format);
            fs.patchCount += 1;
          };
        `,
        'patches/os.js': `
          const { wrapFunctionWrapper } = require('wrapt-hooks');
          module.exports = (os) => {
            console.log('patch os');
            wrapFunctionWrapper(os, 'platform', (wrapped) => 'patched ' + wrapped());
          };
        `,
        'app.js': BUILTIN.script,
      },
    });
    builtinRun = runApp(app);
  }
  const section = BUILTIN.lines(builtinRun, name);
  assertClean(builtinRun);
  return section;
}

test('a builtin fires once however it is loaded: fs, node:fs, process.getBuiltinModule', () => {
  assert.deepEqual(builtinSection('fs'), ['patch fs fs builtin', 'second node:fs fs builtin', 'true true true 2']);
});

test('process.getBuiltinModule as the first access fires the patch before it returns', () => {
  assert.deepEqual(builtinSection('os'), ['start', 'patch os', 'true', 'true']);
});

test('a patch runs before the importing code receives the module, also for files required inside a package', () => {
  const app = makeApp({
    packages: ['twin', 'deep-pkg'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          twin: './patches/p.js#twin',
          'deep-pkg/lib/file.js': './patches/p.js#file',
          'deep-pkg/lib/router': './patches/p.js#router',
        },
      },
      'patches/p.js': `
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        exports.twin = (twin) => {
          console.log('patch twin');
          wrapFunctionWrapper(twin, 'hello', (wrapped, _i, args) => wrapped(...args) + '!');
        };
        exports.file = (file) => {
          console.log('patch file');
          wrapFunctionWrapper(file, 'work', (wrapped) => 'patched ' + wrapped());
        };
        exports.router = (router) => {
          console.log('patch router');
          wrapFunctionWrapper(router, 'route', (wrapped, _i, args) => wrapped(...args).toUpperCase());
        };
      `,
      'app.js': `
        console.log('require twin');
        const twin = require('twin');
        console.log(twin.hello('you'));
        console.log('require deep-pkg');
        console.log(require('deep-pkg').run());
        console.log(require('deep-pkg/lib/file.js').work());
      `,
    },
  });
  const result = runApp(app);
  assertClean(result);
  assert.deepEqual(lines(result.stdout), [
    'require twin',
    'patch twin',
    'twin 1 says hello to you!',
    'require deep-pkg',
    'patch file',
    'patch router',
    'patched work ROUTE /HOME',
    'patched work',
  ]);
});

// Used with and without the preload: the API installs what it needs by itself.
const IMMEDIATE_APP = `
  const { registerPostImportHook } = require('wrapt-hooks');
  const twin = require('twin');
  registerPostImportHook((m, info) => console.log('hook twin', m === twin, info.version), 'twin');
  console.log('after twin');
  const os = require('os');
  registerPostImportHook((m, info) => console.log('hook os', m === os, info.format), 'node:os');
  console.log('after os');
  registerPostImportHook(() => console.log('hook fs'), 'fs');
  console.log('after fs');
  registerPostImportHook(() => console.log('hook dgram'), 'dgram');
  console.log('after dgram register');
  require('dgram');
  console.log('after dgram require');
  registerPostImportHook(() => console.log('hook deep-pkg'), 'deep-pkg');
  console.log('before deep-pkg');
  require('deep-pkg');
  require('deep-pkg');
  console.log('end');
`;
const IMMEDIATE_EXPECTED = [
  'hook twin true 1.0.0',
  'after twin',
  'hook os true builtin',
  'after os',
  'hook fs',
  'after fs',
  'after dgram register',
  'hook dgram',
  'after dgram require',
  'before deep-pkg',
  'hook deep-pkg',
  'end',
];

// The preloaded run goes on to the whenImported scenario, on a target not loaded before (classy).
const API = sections({
  immediate: "require('./immediate.js');",
  whenImported: `
    const { whenImported } = require('wrapt-hooks');
    const hook = (m, info) => console.log('when', info.name, m.Widget.VERSION);
    console.log('same', whenImported('classy')(hook) === hook);
    console.log('string', whenImported('classy')('./patches/lazy.js#apply'));
    require('classy');
  `,
});
let apiApp;
const apiRuns = new Map();
function apiRun(preload) {
  apiApp ??= makeApp({
    packages: ['twin', 'deep-pkg', 'classy'],
    files: {
      'immediate.js': IMMEDIATE_APP,
      'app.js': API.script,
      'patches/lazy.js': "exports.apply = (m) => console.log('lazy when', m.Widget.VERSION);",
    },
  });
  if (!apiRuns.has(preload)) apiRuns.set(preload, runApp(apiApp, { preload, script: preload ? 'app.js' : 'immediate.js' }));
  return apiRuns.get(preload);
}

for (const preload of [false, true]) {
  test(`API hooks fire at once when the target is already loaded (require.cache, builtins Node loaded) — ${preload ? 'with' : 'without'} the preload`, () => {
    const result = apiRun(preload);
    assert.deepEqual(preload ? API.lines(result, 'immediate') : lines(result.stdout), IMMEDIATE_EXPECTED);
    assertClean(result);
  });
}

// One app for the first-require and lazy-string scenarios, in turn (twin is never imported in
// it; the lazy API hook is on callable); none.js imports nothing.
const FIRST = sections({
  first: "console.log('start'); require('fs'); console.log('end');",
  lazy: `
    const { registerPostImportHook } = require('wrapt-hooks');
    registerPostImportHook('./patches/lazy.js#apply', 'callable');
    console.log('registered');
    console.log('requiring callable');
    console.log('got', require('callable').lazy);
    require('deep-pkg');
    require('os');
  `,
});
let firstApp;
const firstRuns = new Map();
function firstRun(script) {
  firstApp ??= makeApp({
    packages: ['twin', 'deep-pkg', 'callable'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: { fs: './patches/fs.js', twin: './patches/twin.js', 'deep-pkg': './patches/shared.js#deep', os: './patches/shared.js#os' },
      },
      'patches/fs.js': "console.log('fs patch module loaded'); module.exports = () => console.log('patch fs');",
      'patches/twin.js': "console.log('twin patch module loaded'); module.exports = () => console.log('patch twin');",
      'patches/lazy.js': "console.log('lazy patch module loaded'); exports.apply = (m) => { console.log('lazy apply'); m.lazy = 'yes'; };",
      'patches/shared.js': "console.log('shared patch module loaded'); exports.deep = () => console.log('deep'); exports.os = () => console.log('os');",
      'app.js': FIRST.script,
      'none.js': "console.log('start'); process.nextTick(() => console.log('end'));",
    },
  });
  if (!firstRuns.has(script)) firstRuns.set(script, runApp(firstApp, { script }));
  return firstRuns.get(script);
}

test('config hooks fire at the first require, even for builtins Node loaded at start-up, and never without one', () => {
  const first = firstRun('app.js');
  assert.deepEqual(FIRST.lines(first, 'first'), ['start', 'fs patch module loaded', 'patch fs', 'end']);
  assert.ok(!first.stdout.includes('twin patch module loaded'), 'twin is never imported: its patch module never loads');
  assertClean(first);
  const never = firstRun('none.js');
  assert.deepEqual(lines(never.stdout), ['start', 'end'], 'no patch module is loaded when no target is imported');
  assertClean(never);
});

test('lazy "module#export" strings: the patch module is not loaded until the target is imported', () => {
  const result = firstRun('app.js');
  assert.deepEqual(FIRST.lines(result, 'lazy'), [
    'registered',
    'requiring callable',
    'lazy patch module loaded',
    'lazy apply',
    'got yes',
    'shared patch module loaded',
    'deep',
    'os',
  ]);
  assertClean(result);
});

test('whenImported(target)(hook) registers the hook and returns it', () => {
  const result = apiRun(true);
  assert.deepEqual(API.lines(result, 'whenImported'), ['same true', 'string ./patches/lazy.js#apply', 'when classy 2.0.0', 'lazy when 2.0.0']);
  assertClean(result);
});

test('replacement exports from a hook registered after the target was loaded are what later requires return', () => {
  const app = makeApp({
    packages: ['twin', 'callable'],
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/mark.js', os: './patches/mark.js', callable: './patches/mark.js' } },
      'patches/mark.js': 'module.exports = (m) => { m.marked = true; };',
      'app.js': `
        const { registerPostImportHook, functionWrapper, isWrapped } = require('wrapt-hooks');
        const twin = require('twin');
        const os = require('os');
        const callable = require('callable');
        registerPostImportHook((m) => ({ replaced: 'twin', marked: m.marked }), 'twin');
        registerPostImportHook((m) => ({ replaced: 'os', marked: m.marked }), 'os');
        registerPostImportHook((fn) => functionWrapper((wrapped, _i, args) => wrapped(...args) + '!')(fn), 'callable');
        console.log(JSON.stringify(require('twin')), require('twin') !== twin);
        console.log(JSON.stringify(require('node:os')), JSON.stringify(process.getBuiltinModule('os')), require('os') !== os);
        console.log(isWrapped(require('callable')), require('callable')('you'), require('callable').marked);
      `,
    },
  });
  for (const preload of [true, false]) {
    const result = runApp(app, { preload });
    assertClean(result);
    const marked = preload ? ',"marked":true' : '';
    assert.deepEqual(
      lines(result.stdout),
      [`{"replaced":"twin"${marked}} true`, `{"replaced":"os"${marked}} {"replaced":"os"${marked}} true`, `true hi you! ${preload ? true : undefined}`],
      preload ? 'with the preload' : 'without it',
    );
  }
});

test('patch module forms: module.exports function, exports.default, ESM default and named exports (loaded synchronously)', () => {
  const app = makeApp({
    packages: ['twin', 'deep-pkg', 'classy', 'callable'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          twin: './patches/cjs-function.js',
          'deep-pkg': './patches/transpiled.js',
          classy: './patches/esm.mjs',
          callable: './patches/esm.mjs#named',
          os: './patches/esm-only-named.mjs#apply',
        },
      },
      'patches/cjs-function.js': "module.exports = function (m) { console.log('cjs function', m.version); };",
      'patches/transpiled.js':
        "Object.defineProperty(exports, '__esModule', { value: true }); exports.default = function (m) { console.log('exports.default', typeof m.run); };",
      'patches/esm.mjs': `
        console.log('esm patch module loaded');
        export default function (m) { console.log('esm default', typeof m.Widget); }
        export function named(m) { console.log('esm named', m.extra); }
      `,
      'patches/esm-only-named.mjs': "export const apply = (os) => console.log('esm apply', typeof os.platform);",
      'app.js': `
        require('twin');
        require('deep-pkg');
        console.log('before classy');
        require('classy');
        console.log('after classy');
        require('callable');
        require('os');
      `,
    },
  });
  const result = runApp(app);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.deepEqual(lines(result.stdout), [
    'cjs function 1.0.0',
    'exports.default function',
    'before classy',
    'esm patch module loaded',
    'esm default function',
    'after classy',
    'esm named extra-prop',
    'esm apply function',
  ]);
});

test('ModuleInfo: target as written, name, version, baseDir, filename, format for builtins, packages, deep files and app files', () => {
  const app = makeApp({
    packages: ['twin', 'deep-pkg'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          os: './patches/info.js',
          'node:path': './patches/info.js',
          twin: './patches/info.js',
          'deep-pkg/lib/file.js': './patches/info.js',
          'deep-pkg/lib/router': './patches/info.js',
          './src/db.js': './patches/info.js',
        },
      },
      'patches/info.js': 'module.exports = (m, info) => console.log(JSON.stringify(info));',
      'src/db.js': 'exports.query = () => 1;',
      'app.js': "require('os'); require('node:path'); require('twin'); require('deep-pkg'); require('./src/db.js');",
    },
  });
  const result = runApp(app);
  assertClean(result);
  const dir = realpathSync(app);
  const modules = path.join(dir, 'node_modules');
  assert.deepEqual(
    lines(result.stdout).map((line) => JSON.parse(line)),
    [
      { target: 'os', name: 'os', format: 'builtin' },
      { target: 'node:path', name: 'path', format: 'builtin' },
      {
        target: 'twin',
        name: 'twin',
        version: '1.0.0',
        baseDir: path.join(modules, 'twin'),
        filename: path.join(modules, 'twin', 'index.js'),
        format: 'commonjs',
      },
      {
        target: 'deep-pkg/lib/file.js',
        name: 'deep-pkg',
        version: '3.1.4',
        baseDir: path.join(modules, 'deep-pkg'),
        filename: path.join(modules, 'deep-pkg', 'lib', 'file.js'),
        format: 'commonjs',
      },
      {
        target: 'deep-pkg/lib/router',
        name: 'deep-pkg',
        version: '3.1.4',
        baseDir: path.join(modules, 'deep-pkg'),
        filename: path.join(modules, 'deep-pkg', 'lib', 'router', 'index.js'),
        format: 'commonjs',
      },
      { target: './src/db.js', name: './src/db.js', baseDir: dir, filename: path.join(dir, 'src', 'db.js'), format: 'commonjs' },
    ],
  );
});

test('app file targets and patch modules resolve against the config file, not the working directory', () => {
  const app = makeApp({
    files: {
      'conf/hooks.json': { patches: { '../src/db': './patches/db.js#trace' } },
      'conf/patches/db.js': `
        const path = require('node:path');
        exports.trace = (db, info) => {
          console.log(info.target, path.relative(process.cwd(), info.baseDir), path.relative(process.cwd(), info.filename), info.format);
          db.traced = true;
        };
      `,
      'src/db.js': 'exports.query = () => 1;',
      'app.js': "console.log('traced', require('./src/db').traced);",
    },
  });
  const result = runApp(app, { env: { WRAPT_HOOKS_CONFIG: 'conf/hooks.json' } });
  assertClean(result);
  assert.deepEqual(lines(result.stdout), [`../src/db conf ${path.join('src', 'db.js')} commonjs`, 'traced true']);
});
