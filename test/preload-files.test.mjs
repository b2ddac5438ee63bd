// The preload's files (scripts/build.mjs, scripts/split.mjs, src/start.ts): a start reads
// dist/start.js and dist/preload.js only, the latter from a V8 code cache in a per-user directory
// after the first start; dist/features.js (traces, recipes, OpenTelemetry, attach...) is read by
// the starts that use one of them, and dist/iitm.js (import-in-the-middle's hook code) by those
// that import a target, each from a cache entry of its own; a patch that requires the
// library gets the same modules (dist/index.js re-exports the preload's library()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { supportsSyncHooks } from 'import-in-the-middle/supports-sync-hooks.mjs';
import { makeApp, runNode, ROOT, path, lines } from './helpers.mjs';

const app = makeApp({
  files: {
    '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
    'patches/os.js': `
      const { WraptHooksError, isWrapped } = require('wrapt-hooks');
      module.exports = (os) => { os.seen = { WraptHooksError, isWrapped }; };
    `,
    'app.js': `
      const path = require('node:path');
      const dist = ${JSON.stringify(path.join(ROOT, 'dist'))};
      const loaded = () => Object.keys(require.cache).filter((file) => file.startsWith(dist + path.sep)).map((file) => path.relative(dist, file)).sort();
      console.log('at start', loaded().join(' '));
      const os = require('node:os');
      console.log('after the patch', loaded().join(' '));
      const library = require(path.join(dist, 'preload.js')).library();
      console.log('one error class', os.seen.WraptHooksError === library.WraptHooksError);
      console.log('one wrappers module', os.seen.isWrapped === library.isWrapped);
    `,
  },
});
const EXPECTED = ['at start preload.js start.js', 'after the patch index.js preload.js start.js', 'one error class true', 'one wrappers module true'];

function start(env, flags = []) {
  const result = runNode(app, [...flags, '--require', 'wrapt-hooks/register', 'app.js'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.deepEqual(lines(result.stdout), EXPECTED);
}

const entries = (dir) => readdirSync(dir).filter((name) => name.endsWith('.v8'));
/** Each entry's inode: a rewritten entry (written to a temporary file, then renamed) gets a new one. */
const inodes = (dir) => new Map(entries(dir).map((name) => [name, statSync(path.join(dir, name)).ino]));

/** An app with the target `greeter`, a CommonJS package unless `files` replace it, whose patch makes greet() say 'patched'. */
const greeterApp = (files) =>
  makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { greeter: './patches/greeter.cjs' } },
      'patches/greeter.cjs': "module.exports = (exports) => { exports.greet = () => 'patched'; };",
      'node_modules/greeter/package.json': { name: 'greeter', version: '1.0.0', main: 'index.js' },
      'node_modules/greeter/index.js': "exports.greet = () => 'original';\n",
      ...files,
    },
  });

/** Runs `main` of `dir` with `--import wrapt-hooks/register`: its lines of output, once it exited 0 with no warning. */
function imported(dir, main, env) {
  const result = runNode(dir, ['--import', 'wrapt-hooks/register', main], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  return lines(result.stdout);
}

test('the first start writes a code cache of dist/preload.js (0700 directory, 0600 file); the next uses it; a bad entry is replaced', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  start({ XDG_CACHE_HOME: home });
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const [entry, ...more] = entries(dir);
  assert.deepEqual(more, []);
  assert.ok(entry.includes(`-${process.version}-${process.arch}-`), entry);
  const file = path.join(dir, entry);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const first = statSync(file);

  // Accepted by V8: not written again.
  start({ XDG_CACHE_HOME: home });
  assert.equal(statSync(file).mtimeMs, first.mtimeMs);
  assert.equal(statSync(file).ino, first.ino);

  // Rejected by V8 (not a code cache): the start compiles as usual and writes a good one.
  writeFileSync(file, 'not a code cache');
  start({ XDG_CACHE_HOME: home });
  assert.deepEqual(entries(dir), [entry]);
  assert.ok(readFileSync(file).length > 1000);
});

test("a start that traces reads dist/features.js, with an entry of its own written once; its modules and the preload's are one copy", () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  const traced = makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' }, trace: ['os#hostname'] },
      'patches/os.js': `
        const { WraptHooksError } = require('wrapt-hooks');
        module.exports = (os) => { os.seen = WraptHooksError; };
      `,
      'app.js': `
        const path = require('node:path');
        const dist = ${JSON.stringify(path.join(ROOT, 'dist'))};
        const os = require('node:os');
        os.hostname();
        console.log('loaded', Object.keys(require.cache).filter((file) => file.startsWith(dist + path.sep)).map((file) => path.relative(dist, file)).sort().join(' '));
        // A module of the features requires the preload's: one errors module, one class.
        const output = require(path.join(dist, 'start.js')).feature('src/trace/output.ts');
        const errors = require(path.join(dist, 'start.js')).load().internal('src/errors.ts');
        console.log('one error class', os.seen === errors.WraptHooksError && typeof output.emit === 'function');
      `,
    },
  });
  const run = () => {
    const result = runNode(traced, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { XDG_CACHE_HOME: home } });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), ['loaded features.js index.js preload.js start.js', 'one error class true']);
    assert.match(result.stderr, /trace os#hostname\(\) -> /, 'the trace line');
    return inodes(dir);
  };
  const first = run();
  assert.equal(first.size, 2, [...first.keys()].join(' '));
  // Accepted by V8, both: neither is written again.
  assert.deepEqual(run(), first);
});

test('node:module is loaded only where the off-thread loader is registered: the files get the class of CommonJS modules, the same object', () => {
  const dir = makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
      'patches/os.js': "module.exports = (os) => { os.patched = require('node:module').isBuiltin('node:os'); };",
      'app.js': `
        console.log('node:module at start', process.moduleLoadList.includes('NativeModule module'));
        console.log('patched', require('node:os').patched);
        const nodeModule = require('node:module');
        console.log('the same object', nodeModule === module.constructor, typeof nodeModule.findSourceMap);
      `,
    },
  });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  // Off-thread (Node 20, and lines without module.registerHooks) module.register is node:module's.
  const offThread = !(typeof Module.registerHooks === 'function' && supportsSyncHooks());
  assert.deepEqual(lines(result.stdout), [`node:module at start ${offThread}`, 'patched true', 'the same object true function']);
});

test("dist/start.js evaluated by a module system of its own (jest's registry: `module` is a plain object) still makes Node modules for the files", () => {
  const dir = makeApp({
    files: {
      'app.js': `
        const fs = require('node:fs');
        const path = require('node:path');
        const vm = require('node:vm');
        const file = ${JSON.stringify(path.join(ROOT, 'dist', 'start.js'))};
        const own = { exports: {}, filename: file, id: file, loaded: false, children: [], paths: module.paths };
        const run = vm.compileFunction(fs.readFileSync(file, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
        run(own.exports, require, own, file, path.dirname(file));
        const library = own.exports.load().library();
        const o = { f: (a) => a + 1 };
        library.wrapFunctionWrapper(o, 'f', (wrapped, instance, args) => wrapped(...args) * 10);
        const entry = require.cache[path.join(path.dirname(file), 'preload.js')];
        console.log(o.f(1), entry instanceof require('node:module'), entry.exports === own.exports.load());
      `,
    },
  });
  const result = runNode(dir, ['app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['20 true true']);
});

test("a start that imports a target reads import-in-the-middle's hook code from dist/iitm.js, with an entry of its own written once; one that imports none does not read it", () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  const esm = greeterApp({
    'other.mjs': "import os from 'node:os'; console.log('imported', typeof os.hostname);",
    'app.mjs': `
      import { greet } from 'greeter';
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      console.log(greet(), 'iitm.js in this thread', Object.keys(cache).includes(${JSON.stringify(path.join(ROOT, 'dist', 'iitm.js'))}));
    `,
  });
  // Node 20 runs the ES module hooks in its loader thread, which reads the file and writes the entry there.
  const inThread = typeof Module.registerHooks === 'function' && supportsSyncHooks();
  const run = (main, expected) => {
    assert.deepEqual(imported(esm, main, { XDG_CACHE_HOME: home }), [expected]);
    return inodes(dir);
  };
  assert.equal(run('other.mjs', 'imported function').size, 1, 'dist/preload.js only');
  const first = run('app.mjs', `patched iitm.js in this thread ${inThread}`);
  assert.equal(first.size, 2, [...first.keys()].join(' '));
  assert.deepEqual(run('app.mjs', `patched iitm.js in this thread ${inThread}`), first);
});

test("import-in-the-middle's lexer results for an imported CommonJS target are kept with its source (0600), used for that exact source only", () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  const esm = greeterApp({
    'app.mjs': `
      import * as greeter from 'greeter';
      console.log(greeter.greet(), ['planted', 'added'].filter((name) => name in greeter).join(' ') || 'none');
    `,
  });
  const target = path.join(esm, 'node_modules', 'greeter', 'index.js');
  const lexed = () => readdirSync(dir).filter((name) => name.endsWith('.lex'));
  const run = (expected, env = {}) => assert.deepEqual(imported(esm, 'app.mjs', { XDG_CACHE_HOME: home, ...env }), [expected]);
  const entryOf = (name) => {
    const text = readFileSync(path.join(dir, name), 'utf8');
    const cut = text.indexOf('\n');
    return { result: JSON.parse(text.slice(0, cut)), source: text.slice(cut + 1) };
  };

  run('patched none');
  const [entry, ...more] = lexed();
  assert.deepEqual(more, []);
  assert.equal(statSync(path.join(dir, entry)).mode & 0o777, 0o600);
  const kept = entryOf(entry);
  assert.equal(kept.source, readFileSync(target, 'utf8'));
  assert.deepEqual(kept.result, { exports: ['greet'], reexports: [] });

  // The next start takes the names from the entry, not from lexing again: a name added there is exported.
  writeFileSync(path.join(dir, entry), `${JSON.stringify({ exports: ['greet', 'planted'], reexports: [] })}\n${kept.source}`);
  run('patched planted');

  // Another source (the module edited) is lexed again; its entry is written beside, and the
  // oldest entries beyond 256 go.
  const now = Date.now() / 1000;
  for (let i = 0; i < 260; i++) {
    const name = path.join(dir, `old-${i}.lex`);
    writeFileSync(name, 'x');
    utimesSync(name, now - 3600 + i, now - 3600 + i);
  }
  writeFileSync(target, "exports.greet = () => 'original';\nexports.added = 1;\n");
  run('patched added');
  const after = lexed();
  assert.equal(after.length, 256, 'at most 256 entries');
  const edited = after.find((name) => !name.startsWith('old-') && name !== entry);
  assert.deepEqual(entryOf(edited).result, { exports: ['greet', 'added'], reexports: [] });
  assert.ok(!after.includes('old-0.lex') && after.includes('old-259.lex'), 'the oldest went');

  // An entry that is not one (truncated, another format, names that are not strings) is no entry: lexed again, written again.
  for (const bad of ['', 'garbage', `{"exports":[1],"reexports":[]}\n${readFileSync(target, 'utf8')}`]) {
    writeFileSync(path.join(dir, edited), bad);
    run('patched added');
    assert.deepEqual(entryOf(edited).result, { exports: ['greet', 'added'], reexports: [] });
  }

  // At most 64 MiB of entries (sparse files of 30 MiB each, newer than the rest, a second apart):
  // the oldest go until the entries fit, the one just written kept.
  for (let i = 0; i < 3; i++) {
    const big = path.join(dir, `big-${i}.lex`);
    writeFileSync(big, '');
    truncateSync(big, 30 * 1024 * 1024);
    utimesSync(big, Date.now() / 1000 + i, Date.now() / 1000 + i);
  }
  writeFileSync(target, "exports.greet = () => 'original';\nexports.added = 2;\n");
  run('patched added');
  const fitted = lexed();
  const written = fitted.find((name) => !name.startsWith('big-'));
  assert.deepEqual(fitted.sort(), ['big-1.lex', 'big-2.lex', written].sort());
  assert.equal(entryOf(written).source, readFileSync(target, 'utf8'));

  // NODE_DISABLE_COMPILE_CACHE turns it off with the code cache.
  const off = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  run('patched added', { XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' });
  assert.deepEqual(readdirSync(off), []);

  // A directory others can write is not used: an entry planted there is neither read nor replaced.
  const open = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  mkdirSync(path.join(open, 'wrapt-hooks'), { mode: 0o777 });
  chmodSync(path.join(open, 'wrapt-hooks'), 0o777);
  const source = readFileSync(target, 'utf8');
  const planted = path.join(open, 'wrapt-hooks', written);
  writeFileSync(planted, `${JSON.stringify({ exports: ['greet', 'added', 'planted'], reexports: [] })}\n${source}`);
  run('patched added', { XDG_CACHE_HOME: open });
  assert.deepEqual(readdirSync(path.join(open, 'wrapt-hooks')), [written]);
  assert.match(readFileSync(planted, 'utf8'), /planted/);
});

test("es-module-lexer's results for an imported ES module target are kept the same way: written once, then used", () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  const source = "export const greet = () => 'original';\nexport * from './more.js';\n";
  const esm = greeterApp({
    'node_modules/greeter/package.json': { name: 'greeter', version: '1.0.0', type: 'module', exports: './index.js' },
    'node_modules/greeter/index.js': source,
    'node_modules/greeter/more.js': 'export const more = 1;\n',
    'app.mjs': "import { greet, more } from 'greeter'; console.log(greet(), more);",
  });
  const run = () => {
    assert.deepEqual(imported(esm, 'app.mjs', { XDG_CACHE_HOME: home }), ['patched 1']);
    return new Map(
      readdirSync(dir)
        .filter((name) => name.endsWith('.lex'))
        .map((name) => [name, statSync(path.join(dir, name)).ino]),
    );
  };
  const first = run();
  const main = [...first.keys()].find((name) => readFileSync(path.join(dir, name), 'utf8').endsWith(`\n${source}`));
  assert.ok(main?.startsWith('esm-'), [...first.keys()].join(' '));
  const [imports, exports] = JSON.parse(readFileSync(path.join(dir, main), 'utf8').split('\n')[0]);
  assert.deepEqual(
    [imports.map((each) => each.specifier), exports.map((each) => each.name ?? `* from ${each.from}`)],
    [['./more.js'], ['greet', '* from ./more.js']],
  );
  // Accepted: not written again (a rejected entry is rewritten).
  assert.deepEqual(run(), first);
});

test('a start that installs no hooks writes an entry when there is none; one that installs hooks replaces it once; neither rewrites one of its level or above', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  const small = makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
      'patches/os.js': 'module.exports = (os) => { os.seen = true; };',
      'app.js': "console.log('patched', require('node:os').seen === true);",
    },
  });
  const run = (env) => {
    const result = runNode(small, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { XDG_CACHE_HOME: home, ...env } });
    assert.equal(result.code, 0, result.stderr);
    const [entry, ...more] = entries(dir);
    assert.deepEqual(more, []);
    const file = path.join(dir, entry);
    const data = readFileSync(file);
    // The header: 'whc1', then the level of the start that wrote it.
    assert.equal(data.subarray(0, 4).toString('latin1'), 'whc1');
    return { patched: lines(result.stdout)[0], level: data[4], ino: statSync(file).ino, size: data.length };
  };
  // WRAPT_HOOKS_DISABLE=all is the switch to turn wrapt-hooks off: such starts must not compile the whole file each time.
  const off = run({ WRAPT_HOOKS_DISABLE: 'all' });
  assert.deepEqual([off.patched, off.level], ['patched false', 0]);
  assert.equal(run({ WRAPT_HOOKS_DISABLE: 'all' }).ino, off.ino);
  const on = run({});
  assert.deepEqual([on.patched, on.level], ['patched true', 1]);
  assert.notEqual(on.ino, off.ino);
  assert.ok(on.size > off.size, `${on.size} > ${off.size}: the hooks' functions are in it`);
  assert.equal(run({ WRAPT_HOOKS_DISABLE: 'all' }).ino, on.ino);
  assert.equal(run({}).ino, on.ino);
});

test("processes started with other V8 flags keep an entry each: neither start rewrites the other's", () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  // V8 rejects a code cache made under other flags (--stack-size is one of them).
  start({ XDG_CACHE_HOME: home });
  start({ XDG_CACHE_HOME: home }, ['--stack-size=2000']);
  const written = entries(dir).map((name) => [name, statSync(path.join(dir, name)).mtimeMs]);
  assert.equal(written.length, 2, written.join(' '));
  start({ XDG_CACHE_HOME: home });
  start({ XDG_CACHE_HOME: home }, ['--stack-size=2000']);
  // The modules a command line preloads are not flags: the same entry serves them all.
  start({ XDG_CACHE_HOME: home }, ['--import', 'wrapt-hooks/register']);
  start({ XDG_CACHE_HOME: home, NODE_OPTIONS: '--require wrapt-hooks/register' });
  assert.equal(entries(dir).length, 2);
  start({ XDG_CACHE_HOME: home, NODE_OPTIONS: '--max-old-space-size=200' });
  const after = new Map(entries(dir).map((name) => [name, statSync(path.join(dir, name)).mtimeMs]));
  for (const [name, mtimeMs] of written) assert.equal(after.get(name), mtimeMs, `${name} was not written again`);
  assert.equal(after.size, 3, 'a flag in NODE_OPTIONS makes an entry of its own');
});

test('at most 64 entries: a start that writes one removes the oldest beyond that, and entries older than 30 days', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const dir = path.join(home, 'wrapt-hooks');
  mkdirSync(dir, { mode: 0o700 });
  // Entries of other flag sets, each a minute older than the next; two of them from 40 days ago.
  const now = Date.now() / 1000;
  const names = Array.from({ length: 70 }, (_, i) => `other-${String(i).padStart(2, '0')}.v8`);
  names.forEach((name, i) => {
    writeFileSync(path.join(dir, name), 'x', { mode: 0o600 });
    const age = i < 2 ? 40 * 86400 : (70 - i) * 60;
    utimesSync(path.join(dir, name), now - age, now - age);
  });
  start({ XDG_CACHE_HOME: home });
  const left = entries(dir).sort();
  assert.equal(left.length, 64, left.join(' '));
  const ours = left.filter((name) => !name.startsWith('other-'));
  assert.equal(ours.length, 1, 'the entry this start wrote is kept');
  // The 63 newest of the others stay: the two stale ones and the five oldest of the rest go.
  assert.deepEqual(
    left.filter((name) => name.startsWith('other-')),
    names.slice(7),
  );
});

test("two installs of the same build (npm gives each the same size and mtime) keep an entry each, and stack traces name each one's own file", () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  // Two copies as npm extracts them: every file's modification time is 1985-10-26 08:15:00 UTC.
  const copies = [0, 1].map(() => {
    const copy = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-copy-'));
    for (const name of ['dist', 'register.js', 'package.json']) cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
    utimesSync(path.join(copy, 'dist', 'preload.js'), 499162500, 499162500);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    return copy;
  });
  const failing = makeApp({
    files: {
      'app.js': "require('fs');\n",
      'syntax.js': 'module.exports = function (exports {\n};\n',
      '.wrapt-hooksrc.json': { patches: { fs: './syntax.js' }, strict: true },
    },
  });
  for (const copy of copies) {
    // A start that installs hooks writes the entry; then an error thrown from the preload's code.
    const warm = runNode(app, ['--require', path.join(copy, 'register.js'), 'app.js'], { env: { XDG_CACHE_HOME: home } });
    assert.equal(warm.code, 0, warm.stderr);
    const result = runNode(failing, ['--require', path.join(copy, 'register.js'), 'app.js'], { env: { XDG_CACHE_HOME: home } });
    assert.notEqual(result.code, 0);
    const frame = /^ {4}at report \((.*)\/dist\/preload\.js:\d+:\d+\)$/m.exec(result.stderr);
    assert.equal(frame?.[1], copy, result.stderr);
  }
  assert.equal(entries(path.join(home, 'wrapt-hooks')).length, 2);
});

test('no code cache in a directory others can write, nor with NODE_DISABLE_COMPILE_CACHE', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const open = path.join(home, 'wrapt-hooks');
  mkdirSync(open);
  chmodSync(open, 0o777);
  start({ XDG_CACHE_HOME: home });
  assert.deepEqual(entries(open), []);

  const off = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  start({ XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' });
  assert.deepEqual(readdirSync(off), []);
});

test("no code cache where another user could replace the directory: each directory above it is this user's or root's, writable by no one else unless sticky", () => {
  const used = (home) => {
    start({ XDG_CACHE_HOME: home });
    return entries(path.join(home, 'wrapt-hooks')).length > 0;
  };
  // Under a directory anyone can write (no sticky bit): another user could rename ours away and put theirs in its place.
  const open = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const openHome = path.join(open, 'home');
  mkdirSync(openHome, { mode: 0o700 });
  chmodSync(open, 0o777);
  assert.equal(used(openHome), false);
  // The sticky bit (as on /tmp) keeps others from renaming what is not theirs.
  chmodSync(open, 0o1777);
  assert.equal(used(openHome), true);
  // Group-writable, two levels up.
  const group = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  mkdirSync(path.join(group, 'a', 'home'), { recursive: true, mode: 0o700 });
  chmodSync(group, 0o770);
  assert.equal(used(path.join(group, 'a', 'home')), false);
  // A symlink on the way is followed: the directories checked, and used, are the real ones.
  const real = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
  const link = path.join(mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-')), 'link');
  symlinkSync(real, link);
  start({ XDG_CACHE_HOME: link });
  assert.equal(entries(path.join(real, 'wrapt-hooks')).length, 1);
  // Another user's directory above it (root's own HOME kept by sudo, say): that user could replace ours.
  if (process.getuid?.() === 0) {
    const theirs = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-cache-'));
    mkdirSync(path.join(theirs, 'home'), { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    assert.equal(used(path.join(theirs, 'home')), false);
  }
});
