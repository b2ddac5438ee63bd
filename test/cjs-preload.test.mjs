// The CommonJS preload end to end (docs/esm.md): the seed's example, every way of starting the preload,
// child processes and worker threads that inherit the preload, and the library installing nothing by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNode, PRELOADS, ROOT, path, lines } from './helpers.mjs';

test('the tempfile-debugging example prints "patching fs" once and "calling mkdtemp…" on each call', () => {
  const dir = path.join(ROOT, 'examples', 'tempfile-debugging');
  const plain = runNode(dir, ['app.js']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(lines(plain.stdout), ['created demo-…', 'created demo-…']);
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, []);
  const out = lines(result.stdout);
  assert.equal(out.length, 5, result.stdout);
  assert.equal(out[0], 'patching fs');
  assert.match(out[1], /^calling mkdtempSync\(".*demo-sync-"\)$/);
  assert.equal(out[2], 'created demo-…');
  assert.match(out[3], /^calling mkdtemp\(".*demo-async-"\)$/);
  assert.equal(out[4], 'created demo-…');
});

const TWIN_APP = {
  '.wrapt-hooksrc.json': { patches: { twin: './patches/twin.js', fs: './patches/fs.js' } },
  'patches/twin.js': `
    const { wrapFunctionWrapper } = require('wrapt-hooks');
    module.exports = (twin, info) => {
      console.log('patch', info.name, info.version);
      wrapFunctionWrapper(twin, 'hello', (wrapped, _instance, args) => wrapped(...args) + ' (patched)');
    };
  `,
  'patches/fs.js': "module.exports = (fs) => { fs.seenByPatch = true; console.log('patch fs'); };",
  'app.js': `
    const twin = require('twin');
    console.log(twin.hello('app'));
    console.log('fs', require('node:fs').seenByPatch === true);
  `,
};

const TWIN_EXPECTED = ['patch twin 1.0.0', 'twin 1 says hello to app (patched)', 'patch fs', 'fs true'];

// One app for the three preload flavours and for what inherits them: with --require, app.js
// goes on to start a worker thread (worker.js); with NODE_OPTIONS, a child process (child.js).
let twinApp;
const twinRuns = new Map();
function twinRun(name) {
  twinApp ??= makeApp({
    packages: ['twin'],
    files: {
      ...TWIN_APP,
      'with-worker.js': `
        require('./app.js');
        const { Worker } = require('node:worker_threads');
        const worker = new Worker(require('node:path').join(__dirname, 'worker.js'));
        worker.on('exit', (code) => console.log('worker exit', code));
      `,
      'worker.js': "console.log('worker', require('twin').hello('worker'), require('twin').hello('again'));",
      'with-child.js': `
        require('./app.js');
        const { execFileSync } = require('node:child_process');
        process.stdout.write(execFileSync(process.execPath, ['child.js'], { encoding: 'utf8' }));
      `,
      'child.js': "console.log('child', require('twin').hello('child'));",
    },
  });
  if (!twinRuns.has(name)) {
    const { args, env } = PRELOADS[name]();
    const script = { require: 'with-worker.js', NODE_OPTIONS: 'with-child.js' }[name] ?? 'app.js';
    twinRuns.set(name, runNode(twinApp, [...args, script], { env }));
  }
  const result = twinRuns.get(name);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  return lines(result.stdout);
}

for (const name of Object.keys(PRELOADS)) {
  test(`a CommonJS app is patched the same way with ${name === 'NODE_OPTIONS' ? 'NODE_OPTIONS' : `--${name}`}`, () => {
    const out = twinRun(name);
    assert.deepEqual(out.slice(0, TWIN_EXPECTED.length), TWIN_EXPECTED);
    if (name === 'import') assert.equal(out.length, TWIN_EXPECTED.length);
  });
}

test('require("wrapt-hooks") alone installs nothing, even with a config file present', () => {
  const app = makeApp({
    packages: ['twin'],
    files: {
      ...TWIN_APP,
      'app.js': `
        const Module = require('node:module');
        const before = Module.prototype.require;
        const lib = require('wrapt-hooks');
        console.log(typeof lib.registerPostImportHook, Module.prototype.require === before);
        console.log(require('twin').hello('app'));
        console.log('ritm', Object.keys(require.cache).some((file) => file.includes('require-in-the-middle')));
      `,
    },
  });
  const result = runNode(app, ['app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['function true', 'twin 1 says hello to app', 'ritm false']);
  assert.equal(result.stderr, '');
});

test('a child process started by the app inherits the preload through NODE_OPTIONS', () => {
  assert.deepEqual(twinRun('NODE_OPTIONS').slice(TWIN_EXPECTED.length), ['patch twin 1.0.0', 'child twin 1 says hello to child (patched)']);
});

test('a worker thread inherits the --require preload and patches in its own thread, once', () => {
  // The worker's stdout is forwarded asynchronously: compare its lines as a set.
  assert.deepEqual(twinRun('require').slice(TWIN_EXPECTED.length).sort(), [
    'patch twin 1.0.0',
    'worker exit 0',
    'worker twin 1 says hello to worker (patched) twin 1 says hello to again (patched)',
  ]);
});

test("a target that wrapt-hooks' own code loaded first is still patched when the application requires it", () => {
  // A `versions` range outside the fast path makes the preload load semver/ranges/valid itself,
  // at start-up, before the application runs. That load must not count as the application's
  // import, and the application's first require of the cached module must still fire.
  const app = makeApp({
    packages: ['twin'],
    real: ['semver'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          'semver/ranges/valid': './patches/valid.js',
          twin: { patch: './patches/twin.js', versions: '>=1.0.0-rc.1 <2' },
        },
      },
      'patches/valid.js': `module.exports = (valid) => { console.log('patch valid'); const patched = (range) => valid(range); patched.patched = true; return patched; };`,
      'patches/twin.js': `module.exports = () => console.log('patch twin');`,
      'app.js': `
        const own = Object.keys(require.cache).filter((file) => file.endsWith('/semver/ranges/valid.js'));
        console.log('loaded before the app', own.length);
        const valid = require('semver/ranges/valid');
        console.log('patched', valid.patched === true, valid('^1.2.3'));
        console.log('again', require('semver/ranges/valid') === valid);
      `,
    },
  });
  const result = runNode(app, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_HOOKS_DEBUG: '1' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.deepEqual(lines(result.stdout), ['loaded before the app 1', 'patch valid', 'patched true >=1.2.3 <2.0.0-0', 'again true']);
  assert.match(
    result.stderr,
    /semver[/\\]ranges[/\\]valid\.js: loaded before the application asked for it; semver\/ranges\/valid will fire at its first require/,
  );
  assert.doesNotMatch(result.stderr, /wrapt-hooks: patching twin/, 'twin was never imported');
});

test("a target that a preload loaded before wrapt-hooks fires at the application's first require", () => {
  const app = makeApp({
    packages: ['twin'],
    files: {
      ...TWIN_APP,
      'early.js': "require('twin'); console.log('early preload loaded twin');",
    },
  });
  const result = runNode(app, ['--require', './early.js', '--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.deepEqual(lines(result.stdout).slice(0, 3), ['early preload loaded twin', 'patch twin 1.0.0', 'twin 1 says hello to app (patched)']);
  assert.equal(lines(result.stdout).filter((line) => line.startsWith('patch twin')).length, 1, result.stdout);
});

test('in a preloaded app, patches wrap with the same semantics (statics, subclass, prototype)', () => {
  const app = makeApp({
    packages: ['classy'],
    files: {
      '.wrapt-hooksrc.json': { patches: { classy: './patches/classy.js' } },
      'patches/classy.js': `
        'use strict';
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        module.exports = function patchClassy(classy) {
          const log = (what) => (wrapped, instance, args) => {
            console.log(what, instance === undefined ? 'undefined' : instance === classy.Widget ? 'Widget' : instance.constructor.name, JSON.stringify(args));
            return wrapped(...args);
          };
          wrapFunctionWrapper(classy, 'Widget', log('new Widget'));
          wrapFunctionWrapper(classy, 'Widget.kind', log('Widget.kind'));
          wrapFunctionWrapper(classy, 'Widget.prototype.greet', log('greet'));
        };
      `,
      'app.js': `
        'use strict';
        const { Widget } = require('classy');
        const { isWrapped, getOriginal } = require('wrapt-hooks');
        class Gadget extends Widget {}
        const g = new Gadget('g', 3);
        console.log(g.madeBy, g instanceof Widget, g.greet('hi'));
        console.log(Widget.kind());
        console.log(Widget.name, Widget.length, Widget.VERSION, isWrapped(Widget), isWrapped(getOriginal(Widget)));
      `,
    },
  });
  const result = runNode(app, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      'new Widget undefined ["g",3]',
      'greet Gadget ["hi"]',
      'Gadget true hi, g',
      'Widget.kind Widget []',
      'kind of Widget',
      'Widget 1 2.0.0 true false',
      '',
    ].join('\n'),
  );
  assert.deepEqual(result.warnings, []);
});
