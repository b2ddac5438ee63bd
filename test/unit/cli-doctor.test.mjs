// In-process: `wrapt-hooks doctor`'s report (diagnose) and its text (formatReport) over fixture
// applications, as doctorCommand prints them: the text, or with --json the report as JSON; exit
// 0 when ok, 1 when not. test/cli.test.mjs runs the command itself (exit codes, stdout and
// stderr, patch functions never called).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { FIXTURES, NODE_MAJOR, ROOT, makeApp, path, lines } from '../helpers.mjs';
import { BROKEN_CODES, LAZY_TARGET, MISTAKES_APP, brokenApp, healthyApp } from '../doctor-fixtures.mjs';
import { cli } from './internals.mjs';

const { doctor: doctorModule, doctorFormat } = cli.internals;
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const ANSI = /\u001b\[\d+m/;

/** What `wrapt-hooks doctor` in `dir` prints (stdout, and `json`: what --json prints, parsed) and its exit code. */
function doctor(dir, env = {}) {
  const report = doctorModule.diagnose(dir, env);
  return { code: report.ok ? 0 : 1, stdout: doctorFormat.formatReport(report, doctorFormat.useColor(env)), json: JSON.parse(JSON.stringify(report)) };
}

/** A healthy setup: every kind of target, a version range that matches and one that does not, a patch package, traces. */

test('doctor on a healthy setup: ✓ marks, aligned, versions, ok', () => {
  const dir = healthyApp();
  const result = doctor(dir);
  assert.equal(result.code, 0, result.stdout);
  const out = result.stdout;
  assert.doesNotMatch(out, ANSI, 'no colour when stdout is not a terminal');
  assert.doesNotMatch(out, /✗/);
  assert.match(out, /^ {2}config +\.\/\.wrapt-hooksrc\.json$/m);
  assert.match(out, new RegExp(`^ {2}node +${process.versions.node.replace(/\./g, '\\.')}, ES module hooks: (sync|async) `, 'm'));
  assert.match(out, new RegExp(`^ {2}✓ fs +builtin, Node\\.js ${process.versions.node.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(out, /^ {6}✓ \.\/patches\/fs\.js#patchFs +\.\/patches\/fs\.js, export patchFs$/m);
  assert.match(out, /^ {2}✓ lazy-target +1\.2\.3 +\.\/node_modules\/lazy-target\/index\.js$/m);
  assert.match(out, /^ {6}✓ \.\/patches\/target\.js +\.\/patches\/target\.js, module\.exports, versions "\^1\.2\.0" match$/m);
  assert.match(out, /^ {6}– \.\/patches\/target\.js#forTwo +\.\/patches\/target\.js, export forTwo, skipped: 1\.2\.3 is outside ">=2"$/m);
  assert.match(out, /^ {6}✓ \.\/patch\.js +\.\/node_modules\/wrapt-patches-lazy\/patch\.js, module\.exports {2}from wrapt-patches-lazy$/m);
  assert.match(out, /^ {6}✓ \.\/patches\/db\.mjs +\.\/patches\/db\.mjs, default export$/m);
  assert.match(out, /^ {2}✓ wrapt-patches-lazy +1\.0\.0 +targets: lazy-target {2}\.\/node_modules\/wrapt-patches-lazy$/m);
  assert.match(out, /^ {2}✓ lazy-target#hello +function, lazy-target@1\.2\.3$/m);
  assert.match(out, /^ {2}✓ fs#mkdtempSync +function, with caller frame$/m);
  assert.match(out, /^No problems$/m);
  // The spec column of the patch rows is aligned.
  const specRows = lines(out).filter((line) => /^ {6}[✓–✗] /.test(line));
  const columns = new Set(
    specRows.map((line) => {
      const gap = / {2,}(?=\S)/.exec(line.slice(8));
      return gap === null ? -1 : gap.index + gap[0].length;
    }),
  );
  assert.equal(columns.size, 1, specRows.join('\n'));
});

test('doctor: colour with FORCE_COLOR, none with NO_COLOR or a pipe', () => {
  const dir = healthyApp();
  assert.match(doctor(dir, { FORCE_COLOR: '1' }).stdout, ANSI);
  assert.doesNotMatch(doctor(dir, { NO_COLOR: '1' }).stdout, ANSI);
  assert.equal(process.stdout.isTTY, undefined, 'this process writes to a pipe');
  assert.equal(doctorFormat.useColor({}), false);
});

test('doctor --json on a healthy setup: the documented shape', () => {
  const dir = healthyApp();
  const result = doctor(dir);
  assert.equal(result.code, 0);
  const report = result.json;
  assert.deepEqual(Object.keys(report), ['version', 'ok', 'wraptHooks', 'node', 'cwd', 'config', 'disabled', 'targets', 'packages', 'traces', 'problems']);
  assert.equal(report.version, 1);
  assert.equal(report.ok, true);
  assert.deepEqual(report.wraptHooks, { version: VERSION });
  assert.equal(report.node.version, process.versions.node);
  assert.ok(['sync', 'async'].includes(report.node.esmMode));
  if (NODE_MAJOR === 20) assert.equal(report.node.esmMode, 'async');
  assert.equal(report.cwd, dir);
  assert.deepEqual(report.config, { file: path.join(dir, '.wrapt-hooksrc.json'), dir, strict: false, shadowed: [] });
  assert.deepEqual(report.disabled, []);
  const origin = (key) => `${path.join(dir, '.wrapt-hooksrc.json')}, key ${key}`;
  const pkgRoot = path.join(dir, 'node_modules', 'wrapt-patches-lazy');
  assert.deepEqual(report.targets, [
    {
      target: 'fs',
      key: 'fs',
      kind: 'builtin',
      disabled: false,
      installed: { version: process.versions.node, file: null },
      patches: [
        {
          spec: './patches/fs.js#patchFs',
          origin: origin('patches.fs'),
          package: null,
          versions: null,
          versionMatches: null,
          file: path.join(dir, 'patches', 'fs.js'),
          export: 'patchFs',
          ok: true,
        },
      ],
    },
    {
      target: 'lazy-target',
      key: 'lazy-target',
      kind: 'package',
      disabled: false,
      installed: { version: '1.2.3', file: path.join(dir, 'node_modules', 'lazy-target', 'index.js') },
      patches: [
        {
          spec: './patches/target.js',
          origin: origin('patches.lazy-target[0]'),
          package: null,
          versions: '^1.2.0',
          versionMatches: true,
          file: path.join(dir, 'patches', 'target.js'),
          export: 'module.exports',
          ok: true,
        },
        {
          spec: './patches/target.js#forTwo',
          origin: origin('patches.lazy-target[1]'),
          package: null,
          versions: '>=2',
          versionMatches: false,
          file: path.join(dir, 'patches', 'target.js'),
          export: 'forTwo',
          ok: true,
        },
        {
          spec: './patch.js',
          origin: `${path.join(pkgRoot, 'package.json')}, key wrapt-hooks.patches.lazy-target`,
          package: 'wrapt-patches-lazy',
          versions: null,
          versionMatches: null,
          file: path.join(pkgRoot, 'patch.js'),
          export: 'module.exports',
          ok: true,
        },
      ],
    },
    {
      target: './src/db.js',
      key: path.join(dir, 'src', 'db.js'),
      kind: 'file',
      disabled: false,
      installed: { version: null, file: path.join(dir, 'src', 'db.js') },
      patches: [
        {
          spec: './patches/db.mjs',
          origin: origin('patches["./src/db.js"]'),
          package: null,
          versions: null,
          versionMatches: null,
          file: path.join(dir, 'patches', 'db.mjs'),
          export: 'default',
          ok: true,
        },
      ],
    },
  ]);
  assert.deepEqual(report.packages, [
    { name: 'wrapt-patches-lazy', origin: origin('packages[0]'), version: '1.0.0', root: pkgRoot, targets: ['lazy-target'], ok: true },
  ]);
  assert.deepEqual(report.traces, [
    {
      spec: 'lazy-target#hello',
      target: 'lazy-target',
      path: 'hello',
      stack: false,
      origin: origin('trace[0]'),
      package: null,
      installed: { version: '1.2.3', file: path.join(dir, 'node_modules', 'lazy-target', 'index.js') },
      resolves: true,
      ok: true,
    },
    {
      spec: 'fs#mkdtempSync',
      target: 'fs',
      path: 'mkdtempSync',
      stack: true,
      origin: origin('trace[1].fn'),
      package: null,
      installed: { version: process.versions.node, file: null },
      resolves: true,
      ok: true,
    },
  ]);
  assert.deepEqual(report.problems, []);
});

test('doctor on a broken setup: ✗ marks, every problem with its code, exit 1', () => {
  const dir = brokenApp();
  const result = doctor(dir);
  assert.equal(result.code, 1);
  const out = result.stdout;
  assert.match(out, new RegExp(`^Problems \\(${BROKEN_CODES.length}\\)$`, 'm'));
  for (const code of BROKEN_CODES) assert.match(out, new RegExp(`^ {2}✗ ${code}$`, 'm'));
  assert.match(out, /^ {2}✗ lazy-target +1\.2\.3 /m);
  assert.match(out, /^ {6}✗ \.\/patches\/missing\.js +cannot find "\.\/patches\/missing\.js" from /m);
  assert.match(out, /^ {6}✗ \.\/patches\/target\.js#nope +no function export "nope"$/m);
  assert.match(out, /^ {6}✗ \.\/patches\/untrusted\.js +refused: it is world-writable/m);
  assert.match(out, /^ {2}✗ \.\/src\/missing\.js +no such file: /m);
  assert.match(out, /^ {2}✗ wrapt-patches-missing +not installed/m);
  assert.match(
    out,
    /^ {2}✗ wrapt-patches-nofield +1\.0\.0 +no "wrapt-hooks" field in its package\.json: it declares no patches {2}\.\/node_modules\/wrapt-patches-nofield$/m,
  );
  assert.match(out, /^ {2}✗ wrapt-patches-malformed +1\.0\.0 +key wrapt-hooks\.patches: expected an object/m);
  assert.match(out, /^ {2}✗ lazy-target#goodbye +"goodbye" is not there on the exports of "lazy-target"$/m);
  assert.match(out, /^ {4}hint: Fix the part after "#"; exported: hello\.$/m);
});

test('doctor --json on a broken setup: ok false, problems with codes, failing rows explained', () => {
  const dir = brokenApp();
  const result = doctor(dir);
  assert.equal(result.code, 1);
  const report = result.json;
  assert.equal(report.ok, false);
  assert.deepEqual(
    report.problems.map((problem) => problem.code),
    BROKEN_CODES,
  );
  for (const problem of report.problems) {
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.hint === undefined || typeof problem.hint === 'string');
  }
  const patches = report.targets.find((row) => row.target === 'lazy-target').patches;
  assert.deepEqual(
    patches.map((row) => [row.spec, row.ok, row.export]),
    [
      ['./patches/missing.js', false, null],
      ['./patches/target.js#nope', false, null],
      ['./patches/untrusted.js', false, null],
    ],
  );
  assert.ok(patches.every((row) => typeof row.problem === 'string'));
  assert.equal(report.targets.find((row) => row.target === './src/missing.js').installed, null);
  assert.deepEqual(
    report.packages.map((row) => [row.name, row.ok, row.version]),
    [
      ['wrapt-patches-missing', false, null],
      ['wrapt-patches-nofield', false, '1.0.0'],
      ['wrapt-patches-malformed', false, '1.0.0'],
    ],
  );
  assert.deepEqual(
    report.traces.map((row) => [row.spec, row.resolves, row.ok]),
    [['lazy-target#goodbye', false, false]],
  );
});

test('doctor with no config and no WRAPT_PATCHES: says so, exit 0', () => {
  const dir = makeApp();
  const result = doctor(dir);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^ {2}config +none found from .*: the preload does nothing$/m);
  const report = result.json;
  assert.deepEqual([report.ok, report.config.file, report.targets, report.packages, report.traces, report.problems], [true, null, [], [], [], []]);
});

test('doctor reads WRAPT_PATCHES, WRAPT_TRACE and WRAPT_HOOKS_DISABLE like the preload', () => {
  const dir = makeApp({ packages: { 'lazy-target': LAZY_TARGET } });
  cpSync(path.join(FIXTURES, 'node_modules', 'wrapt-patches-lazy'), path.join(dir, 'node_modules', 'wrapt-patches-lazy'), { recursive: true });
  const env = { WRAPT_PATCHES: 'wrapt-patches-lazy', WRAPT_TRACE: 'os#hostname,lazy-target#nope', WRAPT_HOOKS_DISABLE: 'lazy-target' };
  const report = doctor(dir, env).json;
  assert.deepEqual(report.disabled, ['lazy-target']);
  assert.deepEqual(
    report.packages.map((row) => [row.name, row.origin, row.ok]),
    [['wrapt-patches-lazy', 'WRAPT_PATCHES', true]],
  );
  assert.deepEqual(
    report.targets.map((row) => [row.target, row.disabled]),
    [['lazy-target', true]],
  );
  assert.deepEqual(
    report.traces.map((row) => [row.spec, row.origin, row.resolves]),
    [
      ['os#hostname', 'WRAPT_TRACE', true],
      ['lazy-target#nope', 'WRAPT_TRACE', false],
    ],
  );
  assert.deepEqual(
    report.problems.map((problem) => problem.code),
    ['WRAPT_HOOKS_TRACE_PATH'],
  );
  const human = doctor(dir, env);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^ {2}disabled +lazy-target \(WRAPT_HOOKS_DISABLE\)$/m);
  assert.match(human.stdout, /^ {2}– lazy-target +1\.2\.3 .*disabled by WRAPT_HOOKS_DISABLE$/m);
});

test('doctor: a config that failed to load is named in the header; an unconfirmed trace path is no all-clear, and a class export gets its likely path', () => {
  const broken = makeApp({ files: { '.wrapt-hooksrc.json': '{ "patches": { "fs": ' } });
  const failed = doctor(broken);
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, /^ {2}config +\.\/\.wrapt-hooksrc\.json failed to load \(see Problems\)/m);
  assert.doesNotMatch(failed.stdout, /none found/);
  assert.equal(failed.json.config.failed, path.join(broken, '.wrapt-hooksrc.json'));

  const classy = makeApp({
    packages: {
      dbx: {
        'package.json': { name: 'dbx', version: '1.0.0' },
        'index.js': `module.exports = require('./lib/database');`,
        'lib/database.js': `function Database() {}\nDatabase.prototype.prepare = function () {};\nmodule.exports = Database;\n`,
      },
    },
    files: { '.wrapt-hooksrc.json': { trace: ['dbx#Database.prototype.prepare', 'fs#readFileSync'] } },
  });
  const result = doctor(classy);
  assert.equal(result.code, 0, result.stdout);
  assert.deepEqual(
    result.json.traces.map((row) => [row.spec, row.resolves]),
    [
      ['dbx#Database.prototype.prepare', null],
      ['fs#readFileSync', true],
    ],
  );
  assert.match(result.stdout, /dbx#Database\.prototype\.prepare +not confirmed: .*the path is "dbx#prototype\.prepare"$/m);
  assert.doesNotMatch(result.stdout, /every patch module, export and trace path was found/);
  assert.match(result.stdout, /1 trace path was not confirmed/);
});

test('doctor: wildcards are checked without running the target where they can be', () => {
  const dir = makeApp({
    files: {
      'src/db.js': `exports.query = function query() {};\nexports.close = () => {};\nexports.limit = 5;\nclass Client {}\nexports.Client = Client;\n`,
      'src/consts.js': `exports.a = 1;\nexports.b = 'x';\n`,
    },
  });
  const result = doctor(dir, { WRAPT_TRACE: './src/db.js#*,./src/db.js#Client.prototype.*,./src/consts.js#*,fs#*,os#constants.*' });
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stdout, /^ {2}✓ \.\/src\/db\.js#\* +2 functions: query, close$/m);
  assert.match(result.stdout, /^ {2}– \.\/src\/db\.js#Client\.prototype\.\* +"Client" found; what "\*" matches is known when "\.\/src\/db\.js" loads$/m);
  assert.match(result.stdout, /^ {2}✓ fs#\* +\d+ functions: /m);
  const problems = result.json.problems.map((p) => [p.code, p.message]);
  assert.deepEqual(
    problems.map(([code]) => code),
    ['WRAPT_HOOKS_TRACE_PATH', 'WRAPT_HOOKS_TRACE_PATH'],
  );
  assert.match(problems[0][1], /trace "\.\/src\/consts\.js#\*" .*"\*" matches no function on the exports of "\.\/src\/consts\.js" \(it exports a, b\)/);
  assert.match(problems[1][1], /trace "os#constants\.\*" .*matches no function/);
});

test('doctor on every recipe: each patch function a recipe names is found without running it', () => {
  const recipes = readdirSync(path.join(ROOT, 'dist', 'recipes'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `wrapt-hooks/recipes/${entry.name}`);
  assert.ok(recipes.includes('wrapt-hooks/recipes/http'));
  const result = doctor(makeApp(), { WRAPT_PATCHES: recipes.join(',') });
  assert.deepEqual(result.json.problems, []);
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /^ {6}✓ \.\/index\.js#patchHttp +.*dist\/recipes\/http\/index\.js, export patchHttp {2}from wrapt-hooks\/recipes\/http$/m);
});

test('doctor notes a traced ES module export declared with `export let` (its own reassignment does not reach importers)', () => {
  const dir = makeApp({
    packages: {
      'counter-esm': {
        'package.json': { name: 'counter-esm', version: '1.0.0', type: 'module', exports: './index.js' },
        'index.js': "export let handler = () => 'first';\nexport function replace() {\n  handler = () => 'second';\n}\n",
      },
    },
  });
  const result = doctor(dir, { WRAPT_TRACE: 'counter-esm#handler,counter-esm#replace' });
  assert.deepEqual(
    result.json.traces.map((row) => [row.spec, row.ok, row.note]),
    [
      ['counter-esm#handler', true, '"handler" is an `export let`: if "counter-esm" reassigns it later, importers keep the traced first value (docs/esm.md)'],
      ['counter-esm#replace', true, undefined],
    ],
  );
  assert.match(result.stdout, /counter-esm#handler .*\("handler" is an `export let`/);
});

test('doctor finds exports without running application or patch code, and names each mistake', () => {
  const root = realpathSync(
    makeApp({
      packageJson: false,
      files: {
        ...MISTAKES_APP,
        'patches/named.js': "require('fs').writeFileSync(__dirname + '/../PATCH-RAN', 'x');\nexports.apply = function apply() {};\nexports.notFn = 42;\n",
        'patches/esm.mjs':
          "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('../PATCH-RAN', import.meta.url), 'x');\nexport default function patch() {}\nexport const other = 1;\n",
        'patches/broken.js': 'module.exports = function (exports {\n};\n',
        '.wrapt-hooksrc.json': {
          patches: {
            express: [
              './patches/p.js',
              './patches/named.js#apply',
              './patches/named.js#aply',
              './patches/named.js#notFn',
              './patches/esm.mjs',
              './patches/broken.js',
            ],
            expres: './patches/p.js',
            './src/work.js': './patches/esm.mjs#other',
          },
          trace: ['./src/work.js#query', './src/work.js#querry', 'express#Router'],
        },
      },
    }),
  );
  const report = doctorModule.diagnose(root, { WRAPT_HOOKS_DISABLE: 'expresss' });
  assert.equal(existsSync(path.join(root, 'APP-RAN')), false, 'no application module ran');
  assert.equal(existsSync(path.join(root, 'PATCH-RAN')), false, 'no patch module ran');
  const express = report.targets.find((row) => row.target === 'express');
  assert.deepEqual(
    express.patches.map((row) => [row.spec, row.ok, row.export]),
    [
      ['./patches/p.js', true, 'module.exports'],
      ['./patches/named.js#apply', true, 'apply'],
      ['./patches/named.js#aply', false, null],
      ['./patches/named.js#notFn', false, null],
      ['./patches/esm.mjs', true, 'default'],
      ['./patches/broken.js', false, null],
    ],
  );
  assert.match(express.patches[5].problem, /SyntaxError: Unexpected token '\{' \(.*broken\.js:1:36\)/);
  assert.match(report.targets.find((row) => row.target === './src/work.js').patches[0].problem, /export "other" is not a function/);
  assert.deepEqual(
    report.traces.map((row) => [row.spec, row.ok, row.resolves]),
    [
      ['./src/work.js#query', true, true],
      ['./src/work.js#querry', false, false],
      ['express#Router', true, true],
    ],
  );
  const problems = report.problems.map((problem) => `${problem.code} ${problem.message}`);
  assert.ok(
    problems.some((line) => /^WRAPT_HOOKS_TARGET_NOT_FOUND target "expres" .*did you mean express\?$/.test(line)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((line) => /^WRAPT_HOOKS_PATCH_EXPORT .*has no export "aply" \(it exports apply, notFn\)/.test(line)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((line) => /^WRAPT_HOOKS_PATCH_LOAD .*broken\.js.*broken\.js:1:/.test(line)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((line) => /^WRAPT_HOOKS_TRACE_PATH .*"querry" is not there/.test(line)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((line) => /^WRAPT_HOOKS_DISABLE_UNKNOWN .*"expresss".*did you mean express\?/.test(line)),
    problems.join('\n'),
  );
  assert.equal(report.ok, false);
});
