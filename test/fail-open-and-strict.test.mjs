// Errors and bad input (docs/config.md, docs/troubleshooting.md): fail-open warnings, strict mode, the WRAPT_HOOKS_DEBUG log and
// exit summary, WRAPT_HOOKS_DISABLE, untrusted files, Node's own entry modes under the preload,
// and loading the preload twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, cpSync, symlinkSync } from 'node:fs';
import { FAIL_OPEN as CORPUS } from './fail-open-corpus.mjs';
import { makeApp, chmodSync, path, ROOT, lines, runApp, PRELOAD } from './helpers.mjs';

// The application of the fail-open tests: prints, and exits with a code of its own.
const APP = `
  const twin = require('twin');
  console.log('twin', twin.hello('app'));
  const os = require('os');
  console.log('os', typeof os.platform());
  process.exitCode = 3;
`;
const GOOD_PATCH = "module.exports = (os) => { console.error('good patch applied to ' + (typeof os.platform)); };";

// test/unit/bootstrap-fail-open.test.mjs runs every scenario in process (each stage, each problem); here,
// one per stage in a preloaded app.
const REPRESENTATIVES = ['an unknown top-level key (the rest of the config still applies)', 'a patch that throws'];
const FAIL_OPEN = CORPUS.filter((scenario) => REPRESENTATIVES.includes(scenario.title));
assert.equal(FAIL_OPEN.length, REPRESENTATIVES.length, 'every representative is in test/fail-open-corpus.mjs');

// What APP prints, and its exit code, without the preload (the twin fixture's hello).
const EXPECTED = { stdout: 'twin twin 1 says hello to app\nos string\n', code: 3 };

for (const scenario of FAIL_OPEN) {
  test(`fail-open: ${scenario.title} gives one ${scenario.code} warning; the app's output and exit code are unchanged`, () => {
    const expected = EXPECTED;
    const app = makeApp({ packages: ['twin'], files: { 'app.js': APP, 'patches/good.js': GOOD_PATCH, ...scenario.files } });
    const result = runApp(app, { env: scenario.env ?? {} });
    assert.equal(result.stdout, expected.stdout, result.stderr);
    assert.equal(result.code, expected.code, result.stderr);
    assert.equal(result.warnings.length, 1, `exactly one warning; stderr:\n${result.stderr}`);
    const [warning] = result.warnings;
    assert.equal(warning.code, scenario.code, result.stderr);
    for (const pattern of scenario.message) assert.match(warning.message, pattern);
    if (scenario.applied) assert.match(result.stderr, /good patch applied to function/, 'the valid patches still apply');
  });
}

test('strict mode ("strict": true): a config problem throws WraptHooksError at start-up, before the app runs', () => {
  const app = makeApp({
    packages: ['twin'],
    files: { 'app.js': APP, 'patches/good.js': GOOD_PATCH, '.wrapt-hooksrc.json': { strict: true, patchez: {}, patches: { os: './patches/good.js' } } },
  });
  const result = runApp(app);
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '', 'the application never ran');
  assert.match(result.stderr, /WraptHooksError/);
  assert.match(result.stderr, /WRAPT_HOOKS_CONFIG_UNKNOWN_KEY/);
  assert.match(result.stderr, /patchez/);
  assert.deepEqual(result.warnings, []);
});

// WRAPT_HOOKS_STRICT=1 with a config problem: test/bad-input.test.mjs starts strict children that
// fail at start-up, and test/unit/bootstrap-bad-input.test.mjs holds every config problem's strict plan.

const STRICT_APP = `
  const { WraptHooksError } = require('wrapt-hooks');
  console.log('before');
  try {
    require('twin');
    console.log('no error');
  } catch (error) {
    console.log(error.name, error.code, error instanceof WraptHooksError, error.cause ? error.cause.message.split('\\n')[0] : 'no cause');
  }
  console.log('after');
`;

// test/unit/bootstrap-fail-open.test.mjs covers each patch problem and both ways to turn strict mode on.
for (const [how, config, env] of [['WRAPT_HOOKS_STRICT=1', {}, { WRAPT_HOOKS_STRICT: '1' }]]) {
  test(`strict mode (${how}): patch problems throw WraptHooksError at the target's require`, () => {
    const cases = [['./patches/p.js#broken', 'WraptHooksError WRAPT_HOOKS_PATCH_FAILED true patch boom']];
    for (const [spec, expected] of cases) {
      const app = makeApp({
        packages: ['twin'],
        files: {
          'app.js': STRICT_APP,
          'patches/p.js': "exports.broken = () => { throw new Error('patch boom'); };",
          '.wrapt-hooksrc.json': { ...config, patches: { twin: spec } },
        },
      });
      const result = runApp(app, { env });
      assert.equal(result.code, 0, result.stderr);
      const out = lines(result.stdout);
      assert.equal(out.length, 3, result.stdout + result.stderr);
      assert.equal(out[0], 'before');
      assert.ok(out[1].startsWith(expected), `${spec}: got "${out[1]}", expected "${expected}…"`);
      assert.equal(out[2], 'after');
      assert.deepEqual(result.warnings, [], 'strict mode throws instead of warning');
    }
  });
}

// One app for the two WRAPT_HOOKS_DEBUG tests: applied patches (twin, os), a target never
// imported (deep-pkg) and a patch that fails (path); run once without the flag, once with it.
let debugRuns;
// The failed patch's warning as Node prints it (and its hint); the rest of stderr is the log.
const WARNING_LINES = /^\(node:\d+\) \[WRAPT_HOOKS_PATCH_FAILED\] WraptHooksWarning: |^\(Use `node --trace-warnings/;
function getDebugRuns() {
  if (debugRuns === undefined) {
    const app = makeApp({
      packages: ['twin', 'deep-pkg'],
      files: {
        '.wrapt-hooksrc.json': {
          patches: { twin: './patches/p.js#twin', os: './patches/p.js#os', 'deep-pkg': './patches/p.js#deep', path: './patches/p.js#broken' },
        },
        'patches/p.js': "exports.twin = () => {}; exports.os = () => {}; exports.deep = () => {}; exports.broken = () => { throw new Error('patch boom'); };",
        'app.js': "require('twin'); require('os'); require('path'); console.log('app done');",
      },
    });
    debugRuns = { quiet: runApp(app), result: runApp(app, { env: { WRAPT_HOOKS_DEBUG: '1' } }) };
  }
  return debugRuns;
}

test('WRAPT_HOOKS_DEBUG: decision lines start with "wrapt-hooks:"; the exit summary lists applied patches and targets never imported', () => {
  const { quiet, result } = getDebugRuns();
  // Without the flag, stderr holds the failed patch's warning and nothing else.
  assert.deepEqual(
    quiet.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_PATCH_FAILED'],
    quiet.stderr,
  );
  assert.deepEqual(
    lines(quiet.stderr).filter((line) => !WARNING_LINES.test(line)),
    [],
    quiet.stderr,
  );
  assert.equal(result.warnings.length, 1, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, quiet.stdout, 'debugging does not change the app output');
  assert.equal(result.stdout, 'app done\n');
  const log = lines(result.stderr).filter((line) => !WARNING_LINES.test(line));
  assert.ok(log.length > 0);
  for (const line of log) assert.match(line, /^wrapt-hooks:/);
  assert.ok(
    log.some((line) => /patching twin@1\.0\.0 with \.\/patches\/p\.js#twin/.test(line)),
    result.stderr,
  );
  assert.ok(
    log.some((line) => /patching os with \.\/patches\/p\.js#os/.test(line)),
    result.stderr,
  );
  const summaryAt = log.findIndex((line) => /summary/.test(line));
  assert.notEqual(summaryAt, -1, 'a summary at exit');
  const summary = log.slice(summaryAt);
  assert.ok(
    summary.some((line) => /applied/.test(line) && /twin@1\.0\.0/.test(line) && /p\.js#twin/.test(line)),
    result.stderr,
  );
  assert.ok(
    summary.some((line) => /applied/.test(line) && /\bos\b/.test(line) && /p\.js#os/.test(line)),
    result.stderr,
  );
  const never = summary.slice(1).filter((line) => /never/.test(line));
  assert.equal(never.length, 1, result.stderr);
  assert.match(never[0], /deep-pkg/);
  assert.doesNotMatch(never[0], /twin|\bos\b/);
});

test('WRAPT_HOOKS_DEBUG: the summary lists failed patches', () => {
  const { result } = getDebugRuns();
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'app done\n');
  assert.equal(result.warnings.length, 1);
  const summary = lines(result.stderr).slice(lines(result.stderr).findIndex((line) => /^wrapt-hooks: .*summary/.test(line)));
  assert.ok(
    summary.some((line) => /^wrapt-hooks:.*failed.*\bpath\b.*patch boom/.test(line)),
    result.stderr,
  );
  assert.ok(!summary.slice(1).some((line) => /failed/.test(line) && /twin|\bos\b/.test(line)), result.stderr);
});

// One app for the WRAPT_HOOKS_DISABLE tests: patches for fs, node:os and express, and a probe
// that tells whether the require hook is installed. Run once as is: the control of both.
function disableApp() {
  return makeApp({
    packages: { express: { 'package.json': { name: 'express', version: '5.0.0', main: 'index.js' }, 'index.js': 'module.exports = () => {};\n' } },
    files: {
      '.wrapt-hooksrc.json': { patches: { fs: './patches/p.js#fs', 'node:os': './patches/p.js#os', express: './patches/p.js#express' } },
      'patches/p.js':
        "exports.fs = () => console.log('patch fs'); exports.os = () => console.log('patch os'); exports.express = () => console.log('patch express');",
      'app.js': `
        const Module = require('node:module');
        require('node:fs'); require('express'); require('os');
        // Node's own Module.prototype.require counts requireDepth; a require hook replaces it.
        console.log('ritm loaded', !/requireDepth/.test(Module.prototype.require.toString()));
        console.log('end');
      `,
    },
  });
}
let disableRuns;
function getDisableRun(env) {
  disableRuns ??= { app: disableApp(), runs: new Map() };
  const key = JSON.stringify(env);
  if (!disableRuns.runs.has(key)) disableRuns.runs.set(key, runApp(disableRuns.app, { env }));
  return disableRuns.runs.get(key);
}

test('WRAPT_HOOKS_DISABLE=1 / all: nothing is patched and no hooks are installed', () => {
  const on = getDisableRun({});
  assert.equal(on.code, 0, on.stderr);
  assert.deepEqual(lines(on.stdout), ['patch fs', 'patch express', 'patch os', 'ritm loaded true', 'end'], 'the probe can see the hooks');
  // test/unit/env.test.mjs: 1, all, ALL, true and * all mean "all".
  const off = getDisableRun({ WRAPT_HOOKS_DISABLE: 'all' });
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(lines(off.stdout), ['ritm loaded false', 'end']);
  assert.equal(off.stderr, '');
});

test('WRAPT_HOOKS_DISABLE=fs,express turns off these targets only', () => {
  const all = getDisableRun({});
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(lines(all.stdout), ['patch fs', 'patch express', 'patch os', 'ritm loaded true', 'end']);
  // Spaces, and node: on one side only (the config says fs): the list is of targets, not of
  // strings (test/unit/env.test.mjs holds the parsing).
  const some = getDisableRun({ WRAPT_HOOKS_DISABLE: ' node:fs , express' });
  assert.equal(some.code, 0, some.stderr);
  assert.deepEqual(lines(some.stdout), ['patch os', 'ritm loaded true', 'end']);
  assert.deepEqual(some.warnings, []);
});

// World-writable config files, in every format, are refused in test/unit/bootstrap-bad-input.test.mjs, and
// one in a preloaded app in test/bad-input.test.mjs; here, a JavaScript one owned by another user.
test('untrusted JavaScript config files are refused: owned by another user', () => {
  const configApp = () =>
    makeApp({
      files: {
        'wrapt-hooks.config.js': "module.exports = { patches: { os: './patches/os.js' } };",
        'patches/os.js': "module.exports = () => console.log('patch os');",
        'app.js': "require('os'); console.log('end');",
      },
    });
  // Control: the same files, trusted, are used (so a refusal below is the check's doing).
  const trusted = runApp(configApp());
  assert.deepEqual(lines(trusted.stdout), ['patch os', 'end'], 'loaded while trusted');
  for (const [how, spoil] of [['chown 65534', (file) => chownSync(file, 65534, 65534)]]) {
    const app = configApp();
    const file = path.join(app, 'wrapt-hooks.config.js');
    spoil(file);
    const result = runApp(app);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), ['end'], `${how}: the config was not used`);
    assert.equal(result.warnings.length, 1, result.stderr);
    assert.equal(result.warnings[0].code, 'WRAPT_HOOKS_UNTRUSTED_FILE');
    assert.ok(result.warnings[0].message.includes(file), result.warnings[0].message);
  }
});

test('untrusted patch modules are refused when their target loads; other patches still apply', () => {
  // One app, two refused patch modules: twin's is world-writable, deep-pkg's owned by another user.
  const app = makeApp({
    packages: ['twin', 'deep-pkg'],
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/twin.js', 'deep-pkg': './patches/deep.js', os: './patches/os.js' } },
      'patches/twin.js': "console.log('twin patch module ran'); module.exports = () => console.log('patch twin');",
      'patches/deep.js': "console.log('deep-pkg patch module ran'); module.exports = () => console.log('patch deep-pkg');",
      'patches/os.js': "module.exports = () => console.log('patch os');",
      'app.js': "console.log('start'); require('twin'); require('deep-pkg'); require('os'); console.log('end');",
    },
  });
  const writable = path.join(app, 'patches', 'twin.js');
  const foreign = path.join(app, 'patches', 'deep.js');
  chmodSync(writable, 0o666);
  chownSync(foreign, 65534, 65534);
  const result = runApp(app);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['start', 'patch os', 'end'], 'neither patch module ran');
  assert.deepEqual(
    result.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_UNTRUSTED_FILE', 'WRAPT_HOOKS_UNTRUSTED_FILE'],
    result.stderr,
  );
  assert.ok(result.warnings[0].message.includes(writable), `chmod 666: ${result.warnings[0].message}`);
  assert.ok(result.warnings[1].message.includes(foreign), `chown 65534: ${result.warnings[1].message}`);
});

function entryApp() {
  return makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
      'patches/os.js': "module.exports = (os) => { os.patchedByHook = true; console.log('patch os'); };",
      'check.test.js':
        "const { test } = require('node:test'); const assert = require('node:assert'); test('os is patched', () => assert.equal(require('os').patchedByHook, true));",
    },
  });
}

// Every entry mode with --require; with NODE_OPTIONS (which node --test passes on to the test
// file's process), node -e and node --test.
for (const [name, preload, modes] of [
  ['--require', (env = {}) => ({ args: PRELOAD, env }), ['-e', '-p', 'REPL', '--test']],
  ['NODE_OPTIONS', (env = {}) => ({ args: [], env: { ...env, NODE_OPTIONS: '--require wrapt-hooks/register' } }), ['-e', '--test']],
]) {
  test(`node ${modes.join(', ')} keep working under the preload (${name})`, () => {
    const app = entryApp();
    const { args, env } = preload();
    const e = runApp(app, { args: [...args, '-e', "console.log('e', require('os').patchedByHook)"], script: null, env });
    assert.equal(e.code, 0, e.stderr);
    assert.deepEqual(lines(e.stdout), ['patch os', 'e true']);

    if (modes.includes('-p')) {
      const p = runApp(app, { args: [...args, '-p', "require('node:os').patchedByHook && process.platform"], script: null, env });
      assert.equal(p.code, 0, p.stderr);
      assert.deepEqual(lines(p.stdout), ['patch os', process.platform]);
    }

    if (modes.includes('REPL')) {
      const repl = runApp(app, {
        args: [...args, '-i'],
        script: null,
        env,
        input: "const os = require('os');\nconsole.log('repl', os.patchedByHook);\n.exit\n",
      });
      assert.equal(repl.code, 0, repl.stderr);
      assert.match(repl.stdout, /patch os/);
      assert.match(repl.stdout, /repl true/);
      assert.deepEqual(repl.warnings, []);
    }

    const tested = runApp(app, { args: [...args, '--test', '--test-reporter=tap', 'check.test.js'], script: null, env });
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, /# pass 1/);
  });
}

/** A second, separate copy of the package inside the app (vendor/wrapt-hooks). */
function vendorCopy(app) {
  const dir = path.join(app, 'vendor', 'wrapt-hooks');
  for (const entry of ['package.json', 'register.js', 'register.mjs', 'dist']) cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

test('loading the preload twice installs once: the patch fires once', () => {
  const app = makeApp({
    packages: ['twin'],
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/twin.js' } },
      'patches/twin.js': "module.exports = (m) => { m.count = (m.count || 0) + 1; console.log('patch twin'); };",
      'app.js': `
        const { registerPostImportHook } = require('./vendor/wrapt-hooks');
        registerPostImportHook(() => console.log('api hook from the other copy'), 'twin');
        console.log('count', require('twin').count);
      `,
    },
  });
  vendorCopy(app);
  const expected = ['patch twin', 'api hook from the other copy', 'count 1'];
  for (const [how, args, env] of [
    ['--require twice', ['--require', 'wrapt-hooks/register', '--require', 'wrapt-hooks/register'], {}],
    ['--require and NODE_OPTIONS', PRELOAD, { NODE_OPTIONS: '--require wrapt-hooks/register' }],
    ['--require and --import', ['--import', 'wrapt-hooks/register', ...PRELOAD], {}],
    ['two copies of the package', ['--require', './vendor/wrapt-hooks/register.js', ...PRELOAD], {}],
    ['two copies, the other first', [...PRELOAD, '--require', './vendor/wrapt-hooks/register.js'], {}],
  ]) {
    const result = runApp(app, { args, env });
    assert.equal(result.code, 0, `${how}: ${result.stderr}`);
    assert.deepEqual(lines(result.stdout), expected, how);
    assert.deepEqual(result.warnings, [], `${how}: ${result.stderr}`);
  }
});
