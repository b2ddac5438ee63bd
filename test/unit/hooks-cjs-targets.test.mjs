// In-process: require-in-the-middle's whitelist for the one CommonJS Hook (src/hooks/cjs-targets.ts),
// and the pin on what it relies on in require-in-the-middle: the Hook keeps the array it is
// given and asks it `includes(name)` on each require, so a target added later is seen. A new
// require-in-the-middle that copies the list, or reports names differently, fails here.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, after } from 'node:test';
import { internals } from './internals.mjs';
import { ROOT } from '../helpers.mjs';

const { cjsTargets, targets } = internals();
const require = createRequire(import.meta.url);

test('require-in-the-middle is pinned to the version this whitelist was written against', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies['require-in-the-middle'], '8.0.1');
  assert.equal(require('require-in-the-middle/package.json').version, '8.0.1');
});

test('TargetList: builtins and packages by name, deep targets by their package, files by path; includes() is a Set lookup', () => {
  const list = new cjsTargets.TargetList();
  for (const written of ['node:fs', 'express', 'pkg/lib/file.js', '@scope/x/y', '/app/src/db.js', 'node:test'])
    list.addTarget(targets.parseTarget(written, '/app'));
  list.addTarget(targets.parseTarget('fs', '/app'));
  assert.ok(Array.isArray(list));
  assert.deepEqual([...list], ['fs', 'express', 'pkg', '@scope/x', '/app/src/db.js', 'node:test']);
  for (const name of list) assert.equal(list.includes(name), true, name);
  assert.equal(list.includes('pkg/lib/file'), false);
  assert.equal(list.includes('node:fs'), false, 'require-in-the-middle strips node: where Node allows it');
  assert.equal(
    list.fileFor('db', '/app/src', () => true),
    '/app/src/db.js',
  );
  assert.equal(
    list.fileFor('db', '/app/other', () => true),
    undefined,
  );
  assert.ok(!(list.map((x) => x) instanceof cjsTargets.TargetList), 'map() builds a plain array');
});

test('skips(): only relative requests that stay inside a package holding no target pass beneath require-in-the-middle (`..` resolved as written)', () => {
  const list = new cjsTargets.TargetList();
  for (const written of ['express', 'pkg/lib/file.js', '@scope/x', '/app/src/db.js']) list.addTarget(targets.parseTarget(written, '/app'));
  const inside = (name) => `/app/node_modules/${name}/lib/a.js`;
  assert.equal(list.skips(inside('lodash'), './b.js'), true);
  assert.equal(list.skips(inside('@scope/y'), './b'), true);
  for (const name of ['express', 'pkg', '@scope/x']) assert.equal(list.skips(inside(name), './b.js'), false, `${name} holds a target`);
  assert.equal(list.skips(inside('lodash'), '../b.js'), true, 'lodash/b.js: inside');
  assert.equal(list.skips(inside('lodash'), '..'), true, "lodash's own main");
  assert.equal(list.skips(inside('lodash'), './x/../../b'), true, 'lodash/b: inside');
  assert.equal(list.skips(inside('lodash'), '../../express'), false, 'leaves the package');
  assert.equal(list.skips(inside('lodash'), './x/../../../express'), false, 'leaves the package');
  assert.equal(list.skips(inside('@scope/y'), '../../x/lib'), false, 'a sibling of the same scope');
  assert.equal(list.skips(inside('express'), '../b.js'), false, 'inside a package that holds a target');
  assert.equal(list.skips('/app/src/main.js', '../db.js'), false, 'an application file');
  assert.equal(list.skips(inside('lodash'), './node_modules/express'), false);
  assert.equal(list.skips(inside('lodash'), 'express'), false, 'a bare request');
  assert.equal(list.skips('/app/src/main.js', './db.js'), false, 'an application file');
  list.addTarget(targets.parseTarget('lodash', '/app'));
  assert.equal(list.skips(inside('lodash'), './b.js'), false, 'a target added later is seen');
  list.addTarget(targets.parseTarget('/app/node_modules/other/x.js', '/app'));
  assert.equal(list.skips(inside('zod'), './b.js'), false, 'an application file target inside node_modules turns skipping off');
});

test('skips(): a bare request of a package that is no target, when no application file is a target', () => {
  const list = new cjsTargets.TargetList();
  for (const written of ['express', 'pkg/lib/file.js', '@scope/x', 'fs', 'node:test']) list.addTarget(targets.parseTarget(written, '/app'));
  const from = '/app/src/main.js';
  for (const id of ['lodash', 'lodash/fp', '@scope/y', '@scope/y/lib/z.js', '@scope', 'os', 'expressions']) assert.equal(list.skips(from, id), true, id);
  // A node: request loads a builtin or nothing: skipped unless that builtin is a target, whatever else is.
  for (const id of ['node:os', 'node:fs/promises', 'node:sqlite']) assert.equal(list.skips(from, id), true, id);
  for (const id of [
    'express',
    'express/lib/router',
    'pkg',
    'pkg/lib/file',
    '@scope/x',
    '@scope/x/y',
    'fs',
    'node:fs',
    'node:test',
    'test/../express',
    '#internal',
    '/app/x.js',
    '',
    'lodash\\..\\express',
  ])
    assert.equal(list.skips(from, id), false, JSON.stringify(id));
  list.addTarget(targets.parseTarget('lodash', '/app'));
  assert.equal(list.skips(from, 'lodash/fp'), false, 'a target added later is seen');
  list.addTarget(targets.parseTarget('./src/db.js', '/app'));
  assert.equal(list.skips(from, 'zod'), false, 'an application file target turns it off');
});

const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-ritm-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function makePackage(name, files) {
  const root = path.join(dir, 'node_modules', name);
  for (const [file, content] of Object.entries({ 'package.json': JSON.stringify({ name, version: '1.0.0' }), ...files })) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

test("require-in-the-middle reads the live list: names added after the Hook fire, reported as this module's dispatch expects", () => {
  makePackage('early', { 'index.js': 'exports.name = "early";' });
  makePackage('late', { 'index.js': "exports.inner = require('./lib/inner');", 'lib/inner.js': 'exports.name = "inner";' });
  writeFileSync(path.join(dir, 'db.js'), 'exports.name = "db";');
  const { Hook } = require('require-in-the-middle');
  const list = new cjsTargets.TargetList();
  list.addTarget(targets.parseTarget('early', dir));
  const seen = [];
  const hook = new Hook(list, { internals: true }, (exports, name, baseDir) => {
    seen.push([name, baseDir === undefined ? undefined : path.relative(dir, baseDir)]);
    return exports;
  });
  try {
    const from = createRequire(path.join(dir, 'app.js'));
    from('early');
    from('late');
    from('./db.js');
    from('os');
    assert.deepEqual(seen, [['early', path.join('node_modules', 'early')]]);
    seen.length = 0;
    for (const written of ['late/lib/inner', './db.js', 'os']) list.addTarget(targets.parseTarget(written, dir));
    for (const file of Object.keys(require.cache)) if (file.startsWith(dir)) delete require.cache[file];
    from('late');
    from('./db.js');
    from('node:os');
    assert.deepEqual(seen, [
      [`late${path.sep}lib${path.sep}inner.js`, path.join('node_modules', 'late')],
      ['late', path.join('node_modules', 'late')],
      ['db', ''],
      ['os', undefined],
    ]);
  } finally {
    hook.unhook();
  }
});

test("skips(): inside a package that is itself a target, a relative request passes beneath unless its path could name the package's main file", () => {
  makePackage('whole', { 'package.json': JSON.stringify({ name: 'whole', version: '1.0.0', main: 'server.js' }), 'server.js': '', 'lib/route.js': '' });
  const root = path.join(dir, 'node_modules', 'whole');
  const list = new cjsTargets.TargetList();
  list.addTarget(targets.parseTarget('whole', dir));
  const from = (file) => path.join(root, file);
  assert.equal(list.skips(from('server.js'), './lib/route'), true, 'another file of the package');
  assert.equal(list.skips(from('lib/route.js'), './other.js'), true);
  assert.equal(list.skips(from('lib/route.js'), '../lib/x'), true);
  for (const id of ['..', '../server', '../server.js', '../serv', './../..'])
    assert.equal(list.skips(from('lib/route.js'), id), false, `${id} may be the main file, or leave the package`);
  assert.equal(list.skips(from('lib/route.js'), '../../other/x'), false, 'climbs out into another package');
  assert.equal(list.skips(from('lib/route.js'), '../../whole/lib/x'), true, 'out and back in: the same path, as Node resolves it');
  // A deep target in the package: require-in-the-middle reports every one of its files.
  list.addTarget(targets.parseTarget('whole/lib/route.js', dir));
  assert.equal(list.skips(from('server.js'), './lib/other'), false);
});
