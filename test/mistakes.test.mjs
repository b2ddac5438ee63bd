// A new user's mistakes, run the way users run the preload: the application runs on with its own
// output and exit code, each mistake is one coded warning naming what to fix, the debug summary
// says which process it is and why a target never fired, strict mode prints readable source,
// and `doctor --json` carries the same findings. The messages themselves are tested in-process
// (test/unit/bootstrap-mistakes.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lines, makeApp, path, ROOT, runCommand, runNode } from './helpers.mjs';

const APP = `'use strict';
require('./src/work.js');
console.log(require('express').hello('app'), process.pid);
process.exitCode = 3;
`;

function mistakesApp() {
  return makeApp({
    packages: {
      express: { 'package.json': { name: 'express', version: '4.18.0', main: 'index.js' }, 'index.js': "exports.hello = (who) => 'hello ' + who;\n" },
    },
    files: {
      'app.js': APP,
      'src/work.js': 'exports.work = () => 1;\n',
      'patches/visible.js': "module.exports = (exports) => { const original = exports.hello; exports.hello = (who) => 'PATCHED ' + original(who); };\n",
      'patches/quiet.js': 'module.exports = () => {};\n',
      '.wrapt-hooksrc.json': {
        patches: {
          express: { patch: './patches/visible.js', enable: true, stacks: 1 },
          expres: './patches/quiet.js',
          './src/wrok.js': './patches/quiet.js',
          'src/work.js': './patches/quiet.js',
          'node:quic': './patches/quiet.js',
          './app.js': './patches/quiet.js',
        },
      },
    },
  });
}

const EXPECTED = [
  ['WRAPT_HOOKS_CONFIG_UNKNOWN_KEY', /key patches\.express\.enable: unknown key: did you mean enabled\?/],
  ['WRAPT_HOOKS_CONFIG_UNKNOWN_KEY', /key patches\.express\.stacks: unknown key/],
  ['WRAPT_HOOKS_TARGET_NOT_FOUND', /key patches\["\.\/src\/wrok\.js"\]: .*src\/wrok\.js does not exist/],
  ['WRAPT_HOOKS_TARGET_NOT_FOUND', /key patches\["src\/work\.js"\]: .*write "\.\/src\/work\.js"/],
  ['WRAPT_HOOKS_BUILTIN_UNAVAILABLE', /key patches\["node:quic"\]: node:quic is not a builtin of this Node\.js/],
  ['WRAPT_HOOKS_DISABLE_UNKNOWN', /WRAPT_HOOKS_DISABLE names "expresss".*did you mean express\?/],
];

test('a config full of mistakes: the app runs on with its own output and exit code, one named warning per mistake (--require and --import)', () => {
  const dir = mistakesApp();
  const bare = runNode(dir, ['app.js']);
  assert.equal(bare.code, 3, bare.stderr);
  for (const flag of ['--require', '--import']) {
    const result = runNode(dir, [flag, 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_HOOKS_DISABLE: 'expresss' } });
    assert.equal(result.code, 3, `${flag}: ${result.stderr}`);
    // The entry with unknown keys still applied.
    assert.equal(result.stdout.replace(/\d+\n$/, ''), `PATCHED ${bare.stdout.replace(/\d+\n$/, '')}`, result.stderr);
    assert.deepEqual(
      result.warnings.map((warning) => warning.code),
      EXPECTED.map(([code]) => code),
      result.stderr,
    );
    for (const [index, [, pattern]] of EXPECTED.entries()) assert.match(result.warnings[index].message, pattern);
  }
});

test('WRAPT_HOOKS_DEBUG: the summary names the pid and command, disabled patches as skipped, and why targets never fired', () => {
  const dir = mistakesApp();
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_HOOKS_DEBUG: '1', WRAPT_HOOKS_DISABLE: 'express' } });
  assert.equal(result.code, 3, result.stderr);
  const pid = /(\d+)\n$/.exec(result.stdout)[1];
  const log = lines(result.stderr).filter((line) => line.startsWith('wrapt-hooks:'));
  const head = log.find((line) => /summary/.test(line));
  assert.match(head, new RegExp(`^wrapt-hooks: summary for pid ${pid} \\(node app\\.js\\): 0 applied, 0 failed, 1 skipped, 4 never imported$`));
  const rows = log.slice(log.indexOf(head) + 1);
  assert.ok(rows.includes('wrapt-hooks:   skipped express ./patches/visible.js: disabled by WRAPT_HOOKS_DISABLE'), rows.join('\n'));
  assert.ok(
    rows.some((line) => /never imported expres .*did you mean express\?$/.test(line)),
    rows.join('\n'),
  );
  assert.ok(
    rows.some((line) => /never imported \.\/app\.js .*it is the entry point/.test(line)),
    rows.join('\n'),
  );
  assert.ok(
    rows.some((line) => /never imported src\/work\.js .*did you mean \.\/src\/work\.js\?$/.test(line)),
    rows.join('\n'),
  );
  assert.ok(
    rows.some((line) => /never imported \.\/src\/wrok\.js .*does not exist$/.test(line)),
    rows.join('\n'),
  );
});

test('strict mode: what Node prints is readable (no minified source line; frames name readable files)', () => {
  const dir = makeApp({
    files: {
      'app.js': "require('fs');\n",
      'syntax.js': 'module.exports = function (exports {\n};\n',
      '.wrapt-hooksrc.json': { patches: { fs: './syntax.js' }, strict: true },
    },
  });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.notEqual(result.code, 0);
  const [where, source] = result.stderr.split('\n');
  assert.match(where, /dist\/preload\.js:\d+$/, result.stderr);
  assert.ok(source.length < 160, `the source line Node prints is one readable line: ${source.length} characters`);
  assert.match(source, /throw new WraptHooksError/);
  assert.match(
    result.stderr,
    /^WraptHooksError: patch module .*syntax\.js .* threw while loading: SyntaxError: Unexpected token '\{' \(.*syntax\.js:1:36\)\.$/m,
  );
  assert.match(result.stderr, /^ {4}at report \(.*dist\/preload\.js:\d+:\d+\)$/m);
  // With source maps on, the frames name the TypeScript sources.
  const mapped = runNode(dir, ['--enable-source-maps', '--require', 'wrapt-hooks/register', 'app.js']);
  assert.match(mapped.stderr, /^ {4}at report \(.*src\/errors\.ts:\d+:\d+\)$/m);
});

test('doctor --json carries the same findings, and "did you mean" for the near-miss package name', () => {
  const dir = mistakesApp();
  const result = runCommand(dir, process.execPath, [path.join(ROOT, 'bin', 'wrapt-hooks.js'), 'doctor', '--json'], {
    env: { WRAPT_HOOKS_DISABLE: 'expresss' },
  });
  assert.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout);
  const codes = report.problems.map((problem) => problem.code);
  for (const [code] of EXPECTED) assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
  assert.ok(
    report.problems.some((problem) => problem.code === 'WRAPT_HOOKS_TARGET_NOT_FOUND' && /target "expres" .*did you mean express\?/.test(problem.message)),
    result.stdout,
  );
  assert.match(report.targets.find((row) => row.target === 'expres').note, /did you mean express\?/);
});
