// Bad input (docs/troubleshooting.md), as users meet it: representatives of the corpus (test/bad-input-corpus.mjs;
// test/unit/bootstrap-bad-input.test.mjs runs every case in process), one per stage where a problem is
// found: the config file (JSON, JavaScript), patch package discovery (from the environment), the
// patch module when its target loads (CommonJS and ES module patches). With --require and with
// --import (both for one config and one patch module case, one each for the rest), the
// application's stdout and exit code are exactly those of the same app run without the preload
// (one bare run serves every case: without the preload the config is never read), and its stderr
// gains nothing but one WraptHooksWarning (with a WRAPT_HOOKS_ code) naming the file and the key
// (or the target / specifier). In strict mode (WRAPT_HOOKS_STRICT=1) the process fails with a
// WraptHooksError that says what to fix: one config and one patch module case here, and the
// planted config file; the unit layer checks every case's strict error, test/fail-open-and-strict.test.mjs a
// patch that throws, test/patch-packages.test.mjs a missing patch package. No case may pollute
// Object.prototype (the app prints what it sees of it).
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, rmSync } from 'node:fs';
import { ROOT, makeApp, runNode, runNodeAsync, path, spawnChild } from './helpers.mjs';
import { CASES, IS_ROOT, MARKER, NOBODY, PLANTED, RC, UNREAD, VICTIM, VISIBLE_PATCH, expand, json, setupCase } from './bad-input-corpus.mjs';

const REQUIRE = ['--require'];
const IMPORT = ['--import'];
const FLAGS = [REQUIRE, IMPORT];

// One case per stage and loader (the names are the corpus's), with the preload flags each runs
// with: both for a config and a patch module problem, one for the others. The two run with both
// flags also run in strict mode.
const REPRESENTATIVES = new Map([
  ['"__proto__" top-level key', FLAGS],
  ['JavaScript config that throws', [IMPORT]],
  ['WRAPT_PATCHES names a package that is not installed', [REQUIRE]],
  ['named export is missing', [IMPORT]],
  ['ES module patch with top-level await', FLAGS],
]);
const STRICT = new Set(['"__proto__" top-level key', 'ES module patch with top-level await']);

// The app without the preload: the same in every case's directory (it never reads the config,
// nor WRAPT_PATCHES), so one run is every case's baseline.
let bare;
function bareRun() {
  bare ??= runNodeAsync(setupCase({ files: {} }), ['app.js']).then((baseline) => {
    assert.equal(baseline.code, 3, `the app itself must run: ${baseline.stderr}`);
    assert.match(baseline.stdout, /^hello app function\npolluted: undefined undefined function /);
    return baseline;
  });
  return bare;
}
const PLANTED_REPRESENTATIVES = new Map([
  ['world-writable .wrapt-hooksrc.json', [REQUIRE]],
  ['patch module owned by another user', [IMPORT]],
]);
// The planted config file also runs in strict mode (the start fails).
const PLANTED_STRICT = new Set(['world-writable .wrapt-hooksrc.json']);

/** The corpus entries called `names`; fails when one is missing (so a renamed case cannot drop out). */
function pick(list, names) {
  return names.map((name) => {
    const found = list.find((entry) => entry.name === name);
    assert.ok(found, `no case named ${name}`);
    return found;
  });
}

/** stderr without the one warning (its line, detail lines, and Node's "--trace-warnings" hint). */
function otherStderr(stderr) {
  const lines = stderr.split('\n');
  const out = [];
  let inWarning = false;
  for (const line of lines) {
    if (/^\(node:\d+\) \[WRAPT_HOOKS_[A-Z_]+\] WraptHooksWarning: /.test(line)) {
      inWarning = true;
      continue;
    }
    if (line.startsWith('(Use `node --trace-warnings')) {
      inWarning = false;
      continue;
    }
    if (!inWarning) out.push(line);
  }
  return out.join('\n');
}

describe('bad input: fail-open, one coded warning, strict mode explains', { concurrency: 2 }, () => {
  for (const testCase of pick(CASES, [...REPRESENTATIVES.keys()])) {
    const flags = REPRESENTATIVES.get(testCase.name);
    it(`${testCase.name} (${flags.map(([flag]) => flag).join(', ')})`, async () => {
      const dir = setupCase(testCase);
      const env = testCase.env ?? {};
      const strictMode = STRICT.has(testCase.name);
      const [baseline, strict, ...results] = await Promise.all([
        bareRun(),
        strictMode ? runNodeAsync(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { ...env, WRAPT_HOOKS_STRICT: '1' } }) : undefined,
        ...flags.map((flag) => runNodeAsync(dir, [...flag, 'wrapt-hooks/register', 'app.js'], { env })),
      ]);

      for (const [index, flag] of flags.entries()) {
        const label = `${flag[0]}:`;
        const result = results[index];
        assert.equal(result.stdout, baseline.stdout, `${label} stdout differs; stderr:\n${result.stderr}`);
        assert.equal(result.code, baseline.code, `${label} exit code; stderr:\n${result.stderr}`);
        assert.equal(result.warnings.length, 1, `${label} exactly one WraptHooksWarning expected; stderr:\n${result.stderr}`);
        const [warning] = result.warnings;
        assert.equal(warning.code, testCase.code, `${label} ${warning.message}`);
        for (const name of testCase.names)
          assert.ok(warning.message.includes(expand(name, dir)), `${label} the warning should name ${expand(name, dir)}: ${warning.message}`);
        let rest = otherStderr(result.stderr);
        if (testCase.stillTraced) {
          assert.match(rest, /^wrapt-hooks: trace victim#hello\('app'\)/m, `${label} the entry still applies`);
          rest = rest
            .split('\n')
            .filter((line) => !line.startsWith('wrapt-hooks: trace '))
            .join('\n');
        }
        assert.equal(rest, baseline.stderr, `${label} nothing else on stderr`);
      }

      if (!strictMode) return;
      assert.notEqual(strict.code, 0, `strict mode must fail; stdout:\n${strict.stdout}`);
      assert.notEqual(strict.code, baseline.code);
      assert.match(strict.stderr, /WraptHooksError: /, strict.stderr);
      assert.match(strict.stderr, new RegExp(`code: '${testCase.code}'`), strict.stderr);
      const message = strict.stderr.slice(strict.stderr.indexOf('WraptHooksError: '));
      for (const name of testCase.names)
        assert.ok(message.includes(expand(name, dir)), `strict: the error should name ${expand(name, dir)}:\n${strict.stderr}`);
      assert.match(message, testCase.fix, 'strict: the error says what to fix');
      assert.deepEqual(strict.warnings, [], 'strict mode throws instead of warning');
    });
  }
});

// Targets whose names are Object.prototype properties are ordinary package names: the registry
// must not find a "hook" on the prototype, and the patch must fire for the real package.
test('targets named like Object.prototype members are plain package names', () => {
  const names = ['constructor', 'hasownproperty', 'tostring', 'valueof'];
  const packages = { victim: VICTIM };
  const patches = {};
  for (const name of names) {
    packages[name] = { 'package.json': { name, version: '1.0.0', main: 'index.js' }, 'index.js': `exports.name = ${JSON.stringify(name)};\n` };
    patches[name] = './mark.js';
  }
  const dir = makeApp({
    packages,
    files: {
      [RC]: json({ patches }),
      'mark.js': 'module.exports = (exports, info) => { exports.name += " patched(" + info.target + ")"; };\n',
      'app.js': `${names.map((name) => `console.log(require(${JSON.stringify(name)}).name);`).join('\n')}\nconsole.log(({}).polluted, typeof ({}).constructor);\n`,
    },
  });
  const result = runNode(dir, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, []);
  assert.equal(result.stdout, `${names.map((name) => `${name} patched(${name})`).join('\n')}\nundefined function\n`);
});

// ---- files another user could have planted (docs/troubleshooting.md) ----------------------------------------------
// A config file (any format: it decides which code runs) or patch module that is world-writable,
// or owned by a user other than this process's or root, is refused with one warning naming it.
// The patch here is visible in the output: "refused" means the output is the bare app's.

describe('planted files are refused', { concurrency: 2 }, () => {
  for (const testCase of pick(PLANTED, [...PLANTED_REPRESENTATIVES.keys()])) {
    const flags = PLANTED_REPRESENTATIVES.get(testCase.name);
    const skip = testCase.how === 'chown' && !IS_ROOT ? 'chown needs root (CI runs as root)' : false;
    it(`${testCase.name} (${flags.map(([flag]) => flag).join(', ')})`, { skip }, async () => {
      const dir = setupCase(testCase, { patch: VISIBLE_PATCH });
      const env = testCase.env ?? {};
      const file = path.join(dir, testCase.planted);
      const trusted = await runNodeAsync(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env });
      // Control: the same files, trusted, are used (so a refusal below is the check's doing).
      assert.match(trusted.stdout, /^PATCHED hello app/, `control run: ${trusted.stderr}`);
      assert.deepEqual(trusted.warnings, []);

      if (testCase.how === 'chmod') chmodSync(file, 0o666);
      else chownSync(file, NOBODY, NOBODY);

      const strictMode = PLANTED_STRICT.has(testCase.name);
      const [baseline, strict, ...results] = await Promise.all([
        bareRun(),
        strictMode ? runNodeAsync(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { ...env, WRAPT_HOOKS_STRICT: '1' } }) : undefined,
        ...flags.map((flag) => runNodeAsync(dir, [...flag, 'wrapt-hooks/register', 'app.js'], { env })),
      ]);
      for (const [index, result] of results.entries()) {
        const label = `${flags[index][0]}:`;
        assert.equal(result.stdout, baseline.stdout, `${label} the planted file must not run; stderr:\n${result.stderr}`);
        assert.equal(result.code, baseline.code, label);
        assert.equal(result.warnings.length, 1, `${label} ${result.stderr}`);
        const [warning] = result.warnings;
        assert.equal(warning.code, 'WRAPT_HOOKS_UNTRUSTED_FILE');
        assert.ok(warning.message.includes(file), `${label} the warning names ${file}: ${warning.message}`);
        assert.match(warning.message, testCase.how === 'chmod' ? /world-writable.*chmod o-w/ : new RegExp(`owned by uid ${NOBODY}.*chown`));
        assert.match(warning.message, testCase.phase === 'config' ? /refusing to load config file/ : /refusing to load patch module/);
        assert.equal(otherStderr(result.stderr), baseline.stderr, label);
      }
      if (!strictMode) return;
      assert.notEqual(strict.code, 0, strict.stdout);
      assert.match(strict.stderr, /WraptHooksError: .*refusing to load/);
      assert.match(strict.stderr, /code: 'WRAPT_HOOKS_UNTRUSTED_FILE'/);
    });
  }
});

// Files refused before a byte is read, as users meet them (test/unit/bootstrap-bad-input.test.mjs runs
// every such case in process): a JavaScript meta config owned by another user, under
// NODE_OPTIONS and with HOME unset; a FIFO at the config place, under --import (a process that
// opened it would hang until the timeout kills it). The marker file proves the JavaScript did not run.
const UNREAD_REPRESENTATIVES = new Map([
  ['a JavaScript meta config .config/config.js, even one this user owns', { how: 'chown', args: ['app.js'], nodeOptions: true, unsetHome: true }],
  ['a FIFO at .wrapt-hooksrc.json', { how: 'fifo', args: ['--import', 'wrapt-hooks/register', 'app.js'] }],
]);

describe('files refused before a byte of them is read', { concurrency: 2 }, () => {
  for (const testCase of pick(UNREAD, [...UNREAD_REPRESENTATIVES.keys()])) {
    const run = UNREAD_REPRESENTATIVES.get(testCase.name);
    const skip = run.how === 'chown' && !IS_ROOT ? 'chown needs root (CI runs as root)' : false;
    it(`${testCase.name} (${run.nodeOptions ? 'NODE_OPTIONS, HOME unset' : run.args[0]})`, { skip }, async () => {
      const dir = setupCase(testCase, { patch: VISIBLE_PATCH });
      const file = path.join(dir, testCase.planted);
      if (run.how === 'chown') chownSync(file, NOBODY, NOBODY);
      else {
        rmSync(file);
        assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo');
      }
      const env = run.nodeOptions ? { NODE_OPTIONS: '--require wrapt-hooks/register' } : {};
      // `env -u HOME`: an environment without the variable at all.
      const command = run.unsetHome ? ['env', ['-u', 'HOME', process.execPath, ...run.args]] : [process.execPath, run.args];
      const [baseline, result] = await Promise.all([bareRun(), spawnChild(dir, ...command, { env, timeout: 20_000 })]);
      assert.equal(result.error, undefined, `must not hang: ${result.error}`);
      assert.equal(existsSync(path.join(dir, MARKER)), false, 'the refused JavaScript must not have run');
      assert.equal(result.stdout, baseline.stdout, result.stderr);
      assert.equal(result.code, baseline.code, result.stderr);
      assert.equal(result.warnings.length, 1, result.stderr);
      const [warning] = result.warnings;
      assert.equal(warning.code, 'WRAPT_HOOKS_UNTRUSTED_FILE');
      assert.ok(warning.message.includes(file), `the warning names ${file}: ${warning.message}`);
    });
  }
});

test('a working directory deleted before the process starts: one warning, and the application runs as without the preload', async () => {
  const app = makeApp({ files: { 'app.js': "console.log('app ran');\nprocess.exitCode = 3;\n" } });
  const gone = makeApp({ files: { [RC]: json({ patches: { os: './patch.js' } }) } });
  // The shell enters the directory and removes it; node then starts with no working directory (uv_cwd fails).
  const script = 'cd "$1" && rm -rf "$1" && exec "$2" "$3"';
  const result = await spawnChild(app, 'sh', ['-c', script, 'sh', gone, process.execPath, path.join(app, 'app.js')], {
    env: { NODE_OPTIONS: `--require ${path.join(ROOT, 'register.js')}` },
  });
  assert.equal(existsSync(gone), false);
  assert.equal(result.stdout, 'app ran\n', result.stderr);
  assert.equal(result.code, 3, result.stderr);
  assert.deepEqual(
    result.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_NO_CWD'],
    result.stderr,
  );
  assert.match(result.warnings[0].message, /uv_cwd.*runs unpatched/);
});
