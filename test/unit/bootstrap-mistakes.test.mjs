// In-process: every mistake of a new user is named by the stages the preload runs at start-up
// and exit (config validation, parse errors, patch load errors, target checks,
// WRAPT_HOOKS_DISABLE, the exit summary). Doctor's static checks of the same mistakes are in
// test/unit/cli-doctor.test.mjs. The spawned counterparts (the application runs on unchanged,
// what Node prints in strict mode) are in test/mistakes.test.mjs.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MISTAKES_APP as APP } from '../doctor-fixtures.mjs';
import { internals } from './internals.mjs';

const { validate, plan, search, errors, patchLoader, targetChecks, nearMiss, summary, registry, loadError } = internals();
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** A directory with `files` ({ relative path: text or object }), its real path. */
function dir(files = {}) {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-mistakes-')));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const codes = (problems) => problems.map((problem) => problem.code);

test('an unknown key inside a patch entry: every unknown key is named, the entry applies with its known keys', () => {
  const root = dir(APP);
  const section = validate.validateSection(
    { patches: { express: { patch: './patches/p.js', enable: true, stacks: 1, versions: '^4' } } },
    'cfg.json',
    root,
    'config',
  );
  assert.deepEqual(codes(section.problems), ['WRAPT_HOOKS_CONFIG_UNKNOWN_KEY', 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY']);
  assert.match(
    section.problems[0].message,
    /^cfg\.json: key patches\.express\.enable: unknown key: did you mean enabled\? \(known keys: patch, versions, enabled\)/,
  );
  assert.match(section.problems[1].message, /^cfg\.json: key patches\.express\.stacks: unknown key/);
  assert.match(section.problems[1].message, /The entry applies without it\./);
  assert.deepEqual(
    section.patches.map((patch) => [patch.target, patch.spec, patch.versions]),
    [['express', './patches/p.js', '^4']],
  );
});

test('an unknown key inside a trace entry: every unknown key is named, the trace applies', () => {
  const section = validate.validateSection({ trace: [{ fn: 'fs#mkdtempSync', stacks: true, foo: 1 }] }, 'cfg.json', dir(), 'config');
  assert.deepEqual(
    section.problems.map((problem) => /key (\S+):/.exec(problem.message)[1]),
    ['trace[0].stacks', 'trace[0].foo'],
  );
  assert.match(section.problems[0].message, /did you mean stack\?/);
  assert.deepEqual(
    section.trace.map((trace) => trace.spec),
    ['fs#mkdtempSync'],
  );
});

/** The problem of loading the config file `file`, named by WRAPT_HOOKS_CONFIG as a user would. */
const loadProblem = (file) => search.findConfig(path.dirname(file), { WRAPT_HOOKS_CONFIG: file }).problems[0];

test('a JSON parse error names the line, the column and the parser’s reason', () => {
  const root = dir({ '.wrapt-hooksrc.json': '{\n  "patches": {\n    "fs": "./p.js",\n  }\n}\n' });
  const problem = loadProblem(path.join(root, '.wrapt-hooksrc.json'));
  assert.equal(problem.code, 'WRAPT_HOOKS_CONFIG_PARSE');
  assert.match(problem.message, /\.wrapt-hooksrc\.json: cannot parse: line 4, column 3: Expected double-quoted property name/);
  // Also a package.json whose "wrapt-hooks" field is broken, and JSON cut short.
  assert.match(
    errors.describeParseError(
      catchOf(() => JSON.parse('{"a": 1')),
      '{"a": 1',
    ),
    /^line 1, column 8: /,
  );
  const pkg = dir({ 'package.json': '{\n  "name": "app",\n  "wrapt-hooks": { "patches": }\n}\n' });
  const found = search.findConfig(pkg, {});
  assert.match(found.problems[0].message, /package\.json: cannot parse: line 3, column 31: Unexpected token/);
});

test('a YAML parse error names the line, the column and js-yaml’s reason (not only "YAML Error in …:")', () => {
  const root = dir({ '.wrapt-hooksrc.yaml': 'patches:\n  fs: [./p.js\n  other: {\n', '.wrapt-hooksrc': 'patches:\n\tfs: ./p.js\n' });
  const yaml = loadProblem(path.join(root, '.wrapt-hooksrc.yaml'));
  assert.match(yaml.message, /\.wrapt-hooksrc\.yaml: cannot parse: line 3, column 3: missed comma between flow collection entries\./);
  const rc = loadProblem(path.join(root, '.wrapt-hooksrc'));
  assert.match(rc.message, /\.wrapt-hooksrc: cannot parse: line 2, column 1: tab characters must not be used in indentation\./);
});

test('a cause keeps its whole message: a loader’s real cause on its second line is not dropped', () => {
  const error = new Error("TypeScript Error in /app/wrapt-hooks.config.ts:\nCannot find module 'typescript'\nRequire stack:\n- /app/x.js");
  const text = errors.describeCause(error);
  assert.match(text, /^Error: Cannot find module 'typescript'\nRequire stack:\n- \/app\/x\.js$/);
  assert.doesNotMatch(text, /TypeScript Error in/);
  assert.equal(errors.describeCauseBriefly(error), "Error: Cannot find module 'typescript'");
});

test('a patch module with a syntax error names file:line:column, CommonJS and ES module alike', () => {
  const root = dir({ 'cjs.js': 'module.exports = function (exports {\n};\n', 'esm.mjs': 'export default function p(e) {\n  e.x = 1 +;\n}\n' });
  const cjs = patchLoader.loadSpecifier('./cjs.js', root, 'for "fs" (test)');
  assert.equal(cjs.error.code, 'WRAPT_HOOKS_PATCH_LOAD');
  assert.ok(cjs.error.message.includes(`SyntaxError: Unexpected token '{' (${path.join(root, 'cjs.js')}:1:`), cjs.error.message);
  const esm = patchLoader.loadSpecifier('./esm.mjs', root, 'for "fs" (test)');
  assert.equal(esm.error.code, 'WRAPT_HOOKS_PATCH_LOAD');
  assert.ok(esm.error.message.includes(`(${path.join(root, 'esm.mjs')}:2:12)`), esm.error.message);
});

test('a TypeScript patch on a Node.js that cannot strip types says this Node cannot load TypeScript', () => {
  const root = dir({ 'p.ts': 'interface Options { on: boolean }\nmodule.exports = function patch(e: unknown) {};\n' });
  const loaded = patchLoader.loadSpecifier('./p.ts', root, 'for "fs" (test)');
  if (loadError.nodeStripsTypes()) {
    assert.equal(typeof loaded.fn, 'function', 'this Node.js loads TypeScript itself');
    return;
  }
  assert.equal(loaded.error.code, 'WRAPT_HOOKS_PATCH_LOAD');
  assert.match(loaded.error.message, new RegExp(`p\\.ts is TypeScript, which this Node\\.js \\(${process.versions.node.replace(/\./g, '\\.')}\\) cannot load`));
  assert.match(loaded.error.message, /compile the patch to JavaScript/);
});

test('a missing application file is a warning at start-up; the entry stays (a stat, no more)', () => {
  const root = dir(APP);
  const section = validate.validateSection({ patches: { './src/wrok.js': './patches/p.js', './src/work.js': './patches/p.js' } }, 'cfg.json', root, 'config');
  assert.deepEqual(codes(section.problems), ['WRAPT_HOOKS_TARGET_NOT_FOUND']);
  assert.match(
    section.problems[0].message,
    /key patches\["\.\/src\/wrok\.js"\]: the target "\.\/src\/wrok\.js" is a file of the application, and .*src\/wrok\.js does not exist\. Fix the path/,
  );
  assert.equal(section.patches.length, 2);
});

test('a bare "src/work.js" naming an application file warns, suggesting "./src/work.js" (patches, trace, WRAPT_TRACE)', () => {
  const root = dir({
    ...APP,
    '.wrapt-hooksrc.json': { patches: { 'src/work.js': './patches/p.js', express: './patches/p.js' }, trace: ['src/work.js#query'] },
  });
  const result = plan.loadPlan(root, { WRAPT_TRACE: 'src/work.js#query' });
  const messages = result.problems.map((problem) => `${problem.code} ${problem.message}`);
  assert.equal(messages.length, 3, messages.join('\n'));
  for (const message of messages) assert.match(message, /^WRAPT_HOOKS_TARGET_NOT_FOUND .*package "src" is not installed.*write "\.\/src\/work\.js"/);
  assert.match(messages[0], /key patches\["src\/work\.js"\]/);
  assert.match(messages[1], /key trace\[0\]/);
  assert.match(messages[2], /^WRAPT_HOOKS_TARGET_NOT_FOUND WRAPT_TRACE entry 1/);
  // An installed package is never second-guessed, even with a directory of that name beside it.
  const other = dir({ ...APP, 'express/index.js': '' });
  assert.deepEqual(validate.validateSection({ patches: { express: './patches/p.js' } }, 'cfg.json', other, 'config').problems, []);
});

test('a builtin this Node.js lacks skips that entry only: quietly when "versions" excludes this Node, else one warning', () => {
  const root = dir(APP);
  // node:quic is a builtin of no Node.js version tested here (it needs a flag where it exists).
  const quiet = validate.validateSection(
    { patches: { 'node:quic': { patch: './patches/p.js', versions: '>=99' }, fs: './patches/p.js' } },
    'cfg.json',
    root,
    'config',
  );
  assert.deepEqual(quiet.problems, []);
  assert.deepEqual(
    quiet.patches.map((patch) => patch.target),
    ['fs'],
  );
  const loud = validate.validateSection(
    { patches: { 'node:quic': ['./patches/p.js', './patches/p.js'], fs: './patches/p.js' }, trace: ['node:quic#connect'] },
    'cfg.json',
    root,
    'config',
  );
  assert.deepEqual(codes(loud.problems), ['WRAPT_HOOKS_BUILTIN_UNAVAILABLE', 'WRAPT_HOOKS_BUILTIN_UNAVAILABLE']);
  assert.match(
    loud.problems[0].message,
    new RegExp(`key patches\\["node:quic"\\]: node:quic is not a builtin of this Node\\.js \\(${process.versions.node.replace(/\./g, '\\.')}`),
  );
  assert.match(loud.problems[0].message, /so this entry is skipped.*"versions"/);
  assert.deepEqual(
    loud.patches.map((patch) => patch.target),
    ['fs'],
  );
  // node:sqlite: a builtin from 22.5; on Node 20 the same rule applies.
  const sqlite = validate.validateSection({ patches: { 'node:sqlite': { patch: './patches/p.js', versions: '>=22.5' } } }, 'cfg.json', root, 'config');
  assert.deepEqual(sqlite.problems, []);
  assert.equal(sqlite.patches.length, NODE_MAJOR >= 22 ? 1 : 0);
  // A name no Node.js has is still invalid, with the builtin it is closest to.
  const typo = validate.validateSection({ patches: { 'node:fss': './patches/p.js' } }, 'cfg.json', root, 'config');
  assert.deepEqual(codes(typo.problems), ['WRAPT_HOOKS_CONFIG_INVALID']);
  assert.match(typo.problems[0].message, /"node:fss" is not a Node\.js builtin module.*did you mean node:fs\?/);
});

test('WRAPT_HOOKS_DISABLE naming no configured target is named, with the target it is closest to', () => {
  const configured = new Map([
    ['express', 'express'],
    ['fs', 'fs'],
  ]);
  const [message, ...rest] = targetChecks.unknownDisabled(new Set(['expresss', 'fs']), configured);
  assert.deepEqual(rest, []);
  assert.match(
    message,
    /^WRAPT_HOOKS_DISABLE names "expresss", which is not a configured target, so it turns nothing off: did you mean express\? \(targets: express, fs\)/,
  );
});

test('disabled patches are counted as skipped, with WRAPT_HOOKS_DISABLE as the reason', () => {
  const reg = new registry.Registry({ disabled: new Set(['fs']) });
  reg.register('./p.js', 'fs', { baseDir: dir(), origin: 'test', immediate: false, planned: true });
  assert.deepEqual(reg.summary().skipped, [{ target: 'fs', version: undefined, patch: './p.js', reason: 'disabled by WRAPT_HOOKS_DISABLE' }]);
});

test('WRAPT_HOOKS_CONFIG empty or /dev/null: no config file, no search, no problem', () => {
  const root = dir({ '.wrapt-hooksrc.json': { patches: { fs: './p.js' } } });
  for (const value of ['', ' ', '/dev/null']) {
    const found = search.findConfig(root, { WRAPT_HOOKS_CONFIG: value });
    assert.deepEqual([found.file, found.problems], [undefined, []], JSON.stringify(value));
  }
  assert.equal(search.findConfig(root, {}).file, path.join(root, '.wrapt-hooksrc.json'), 'control: unset searches');
});

test('near-miss names: the closest installed names only, case and separators forgiven', () => {
  assert.equal(nearMiss.didYouMean('expres', ['express', 'espree', 'react']), 'did you mean express?');
  assert.equal(nearMiss.didYouMean('Express', ['express']), 'did you mean express?');
  assert.equal(nearMiss.didYouMean('lodash_es', ['lodash-es', 'lodash']), 'did you mean lodash-es?');
  assert.equal(nearMiss.didYouMean('pg', ['pg-pool', 'react']), '');
  assert.equal(nearMiss.didYouMean('express', ['express', 'expresso']), '', 'an exact name is no miss');
  const root = dir({ 'node_modules/express/package.json': '{}', 'node_modules/@scope/pkg/package.json': '{}' });
  assert.deepEqual([...nearMiss.installedPackages(root)].sort(), ['@scope/pkg', 'express']);
});

test('the exit summary is headed with pid and command; each never-imported target says why', () => {
  const root = dir({ ...APP, 'app.js': '' });
  const reg = new registry.Registry();
  const options = { baseDir: root, origin: 'test', immediate: false, planned: true };
  for (const target of ['expres', './app.js', './src/wrok.js', 'src/work.js', 'left-pad', 'express']) reg.register('./patches/p.js', target, options);
  const lines = summary.summaryLines(reg, [process.execPath, path.join(root, 'app.js'), '--flag'], root);
  assert.equal(
    lines[0],
    `wrapt-hooks: summary for pid ${process.pid} (${path.basename(process.execPath)} app.js --flag): 0 applied, 0 failed, 0 skipped, 6 never imported`,
  );
  const never = Object.fromEntries(lines.slice(1).map((line) => [/never imported (\S+)/.exec(line)[1], line]));
  assert.match(never['expres'], /\(\.\/patches\/p\.js\): package "expres" is not installed: did you mean express\?$/);
  assert.match(never['./app.js'], /: it is the entry point: Node\.js runs it directly, not through require\(\) or import/);
  assert.match(never['./src/wrok.js'], /src\/wrok\.js does not exist$/);
  assert.match(never['src/work.js'], /did you mean \.\/src\/work\.js\?$/);
  assert.match(never['left-pad'], /package "left-pad" is not installed from .*; if the application is bundled, build it with the wrapt-hooks\/esbuild plugin$/);
  assert.match(never['express'], /never imported express \(\.\/patches\/p\.js\)$/, 'installed and simply not imported: no guess');
});

function catchOf(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

test('under jest (its own module registry loaded), a target never imported says why and what works instead', () => {
  const root = dir({ ...APP, 'app.js': '' });
  const reg = new registry.Registry();
  for (const target of ['express', 'fs', 'left-pad'])
    reg.register('./patches/p.js', target, { baseDir: root, origin: 'test', immediate: false, planned: true });
  const cache = createRequire(import.meta.url).cache;
  const runtime = path.join(root, 'node_modules', 'jest-runtime', 'build', 'index.js');
  assert.equal(summary.ownRegistryRunner({ [path.join(root, 'node_modules', 'jest-runtimes', 'x.js')]: {} }), undefined);
  const before = summary.summaryLines(reg, [process.execPath, 'app.js'], root);
  assert.match(
    before.find((line) => line.includes('never imported express')),
    /never imported express \(\.\/patches\/p\.js\)$/,
    'no guess outside jest',
  );
  cache[runtime] = { loaded: true };
  try {
    const never = Object.fromEntries(
      summary
        .summaryLines(reg, [process.execPath, 'app.js'], root)
        .slice(1)
        .map((line) => [/never imported (\S+)/.exec(line)[1], line]),
    );
    assert.match(never['express'], /: jest loads the tests' modules through its own module registry, .*"setupFiles" instead \(see docs\/toolchains\.md\)$/);
    assert.match(never['fs'], /never imported fs \(\.\/patches\/p\.js\)$/, 'builtins reach Node through jest too');
    assert.match(never['left-pad'], /package "left-pad" is not installed/, 'the more specific reason first');
  } finally {
    delete cache[runtime];
  }
});
