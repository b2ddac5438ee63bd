// The CommonJS hook on require-in-the-middle (docs/patches-and-api.md), as users run it: module instances that follow
// the module object (reloads after a require.cache delete, a cached module swapped back in), a
// require() made while another preload resolves a request, and the edge cases
// require-in-the-middle's own suite covers that apply here (circular packages, replacement
// values, a `require` another agent patched first, absolute application files, a second
// require-in-the-middle Hook in the same process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNode, lines, assertClean, runApp, sections } from './helpers.mjs';

/** A package that counts its evaluations in globalThis[global]. */
const counter = (name, global) => ({
  'package.json': { name, version: '3.1.4', main: 'index.js' },
  'index.js': `globalThis.${global} = (globalThis.${global} ?? 0) + 1; exports.evaluation = globalThis.${global}; exports.inc = (n) => n + 1;`,
});
const COUNTER = counter('counter', 'evaluations');
const MARK = `module.exports = (exports, info) => {
  console.log('patch ' + info.target + ' evaluation=' + exports.evaluation + ' ' + require('node:path').basename(info.filename));
  return { ...exports, patched: exports.evaluation };
};`;

// One app for the three require.cache scenarios (evaluated again, put back, an application file
// required three ways), in turn, each on targets of its own; each test reads its own section.
const CACHE = sections({
  again: `
    const file = require.resolve('counter');
    const first = require('counter');
    console.log('first', first.patched, require('counter') === first);
    delete require.cache[file];
    const second = require('counter');
    console.log('second', second.patched, second !== first, require('counter') === second, require.cache[file].exports === second);
    // stealthy-require: the first module object swapped back in is the first instance again.
    const secondModule = require.cache[file];
    require.cache[file] = { ...secondModule, exports: first, loaded: true };
    delete require.cache[file];
    const third = require('counter');
    console.log('third', third.patched);
    const db = require('./src/db');
    delete require.cache[require.resolve('./src/db')];
    const db2 = require('./src/db.js');
    console.log('db', db.patched, db2.patched, db2 !== db);
  `,
  'put back': `
    const file = require.resolve('counter-b');
    const first = require('counter-b');
    const saved = require.cache[file];
    delete require.cache[file];
    const second = require('counter-b');
    require.cache[file] = saved;
    const again = require('counter-b');
    console.log(first.patched, second.patched, again === first);
  `,
  'app file': `
    const a = require('./src/lib');
    const b = require(require('node:path').join(__dirname, 'src', 'lib.js'));
    const c = require('./src/lib.js');
    const json = require('./src/lib.json');
    console.log(a.patched, a === b && b === c, json.patched);
  `,
});
let cacheRun;
function cacheSection(name) {
  if (cacheRun === undefined) {
    const app = makeApp({
      packages: { counter: COUNTER, 'counter-b': counter('counter-b', 'evaluationsB') },
      files: {
        '.wrapt-hooksrc.json': {
          patches: { counter: './patches/mark.js', './src/db.js': './patches/mark.js', 'counter-b': './patches/mark.js', './src/lib.js': './patches/mark.js' },
        },
        'patches/mark.js': MARK,
        'src/db.js': 'globalThis.dbEvaluations = (globalThis.dbEvaluations ?? 0) + 1; exports.evaluation = globalThis.dbEvaluations;',
        'src/lib.js': 'exports.evaluation = 1;',
        'src/lib.json': '{ "evaluation": "json" }',
        'app.js': CACHE.script,
      },
    });
    cacheRun = runApp(app);
  }
  const section = CACHE.lines(cacheRun, name);
  assertClean(cacheRun);
  return section;
}

test('a module evaluated again after delete require.cache[file] is a new instance: the patch fires again and require returns the new patched exports', () => {
  assert.deepEqual(cacheSection('again'), [
    'patch counter evaluation=1 index.js',
    'first 1 true',
    'patch counter evaluation=2 index.js',
    'second 2 true true true',
    'patch counter evaluation=3 index.js',
    'third 3',
    'patch ./src/db.js evaluation=1 db.js',
    'patch ./src/db.js evaluation=2 db.js',
    'db 1 2 true',
  ]);
});

test('a module object put back into require.cache is the instance it was: no second patch, its patched exports', () => {
  assert.deepEqual(cacheSection('put back'), ['patch counter-b evaluation=1 index.js', 'patch counter-b evaluation=2 index.js', '1 2 true']);
});

// module-alias and tsconfig-paths wrap Module._resolveFilename; some load a helper on their first
// call, so a require() runs while the application's request is being resolved.
const ALIAS = `
  const Module = require('node:module');
  const resolveFilename = Module._resolveFilename;
  let helper;
  let loading = false;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (helper === undefined && !loading && request.startsWith('@app/')) {
      loading = true;
      helper = require('./alias-helper.js');
      loading = false;
    }
    return resolveFilename.call(this, helper !== undefined ? helper.map(request) : request, parent, ...rest);
  };
`;

test("a require() made while another preload's Module._resolveFilename resolves a request does not stop the target's patch", () => {
  const app = makeApp({
    packages: { counter: COUNTER },
    files: {
      '.wrapt-hooksrc.json': { patches: { counter: './patches/mark.js', './src/db.js': './patches/mark.js' } },
      'patches/mark.js': MARK,
      'alias.js': ALIAS,
      'alias-helper.js': "exports.map = (request) => request === '@app/db' ? require('node:path').join(__dirname, 'src/db.js') : request;",
      'src/db.js': 'exports.evaluation = 1;',
      'app.js': "console.log('db', require('@app/db').patched, 'counter', require('counter').patched);",
    },
  });
  for (const order of [
    ['--require', './alias.js', '--require', 'wrapt-hooks/register'],
    ['--require', 'wrapt-hooks/register', '--require', './alias.js'],
  ]) {
    const result = runNode(app, [...order, 'app.js']);
    assertClean(result, order.join(' '));
    assert.deepEqual(lines(result.stdout), ['patch ./src/db.js evaluation=1 db.js', 'patch counter evaluation=1 index.js', 'db 1 counter 1'], order.join(' '));
  }
});

test('require-in-the-middle edge cases: circular packages, replacement values, a require patched by another agent first, a second Hook', () => {
  const app = makeApp({
    real: ['require-in-the-middle'],
    packages: {
      circular: {
        'package.json': { name: 'circular', version: '1.0.0' },
        'index.js': "exports.foo = 1; require('./lib/back');",
        'lib/back.js': "const main = require('..'); exports.sawFoo = main.foo;",
      },
      'mid-circular': {
        'package.json': { name: 'mid-circular', version: '1.0.0' },
        'index.js': "exports.foo = 1; require('./lib/mid'); exports.baz = 'buz';",
        'lib/mid.js': "const main = require('../index.js'); main.multiCircular = 4;",
      },
    },
    files: {
      '.wrapt-hooksrc.json': {
        patches: { circular: './patches/show.js', 'mid-circular': './patches/show.js', url: './patches/replace.js', http: './patches/http.js' },
      },
      'patches/show.js': "module.exports = (exports, info) => { console.log('patch', info.target, JSON.stringify(exports)); };",
      'patches/replace.js': "module.exports = () => ({ replaced: 'url' });",
      'patches/http.js': "module.exports = (http) => { console.log('patch http'); http.first = true; };",
      'azure.js': `
        // An agent that answers a module id nothing resolves (the Azure Functions worker does this).
        const Module = require('node:module');
        Module.prototype.require = new Proxy(Module.prototype.require, {
          apply(target, thisArg, args) {
            return args[0] === '@azure/functions-core' ? { version: '1.0.0' } : Reflect.apply(target, thisArg, args);
          },
        });
      `,
      'app.js': `
        // Another agent's own copy of require-in-the-middle, installed after the preload.
        const { Hook } = require('require-in-the-middle');
        new Hook(['http'], (exports) => { console.log('second hook http', exports.first); exports.second = true; return exports; });
        console.log(JSON.stringify(require('circular')), JSON.stringify(require('mid-circular')));
        console.log(JSON.stringify(require('url')), require('node:url') === require('url'), JSON.stringify(process.getBuiltinModule('url')));
        const http = require('http');
        console.log('http', http.first, http.second, require('node:http') === http);
        console.log('azure', require('@azure/functions-core').version);
        try { require('this-package-does-not-exist'); } catch (error) { console.log('missing', error.code); }
      `,
    },
  });
  const result = runNode(app, ['--require', './azure.js', '--require', 'wrapt-hooks/register', 'app.js']);
  assertClean(result);
  assert.deepEqual(lines(result.stdout), [
    'patch circular {"foo":1}',
    'patch mid-circular {"foo":1,"multiCircular":4,"baz":"buz"}',
    '{"foo":1} {"foo":1,"multiCircular":4,"baz":"buz"}',
    '{"replaced":"url"} true {"replaced":"url"}',
    'patch http',
    'second hook http true',
    'http true true true',
    'azure 1.0.0',
    'missing MODULE_NOT_FOUND',
  ]);
});

test('an application file target fires once however it is required: relative, extensionless, absolute', () => {
  assert.deepEqual(cacheSection('app file'), ['patch ./src/lib.js evaluation=1 lib.js', '1 true undefined']);
});
