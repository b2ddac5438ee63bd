// The CLI (docs/cli.md): `wrapt-hooks run`,
// `wrapt-hooks doctor [--json]`, --help, --version, and the examples/patch-package example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { cpSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { NODE, ROOT, makeApp, path, runCommand, runNode, runNodeAsync, startNode, lines } from './helpers.mjs';
import { BROKEN_CODES, brokenApp, healthyApp } from './doctor-fixtures.mjs';

const BIN = path.join(ROOT, 'bin', 'wrapt-hooks.js');
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const EXAMPLE = path.join(ROOT, 'examples', 'patch-package');
const ANSI = /\u001b\[\d+m/;

/** Runs the CLI the way npm's bin shim does: node bin/wrapt-hooks.js … */
const cli = (cwd, args, options) => runNode(cwd, [BIN, ...args], options);
/** The same, without waiting: tests start several side by side. */
const cliAsync = (cwd, args, options) => runNodeAsync(cwd, [BIN, ...args], options);

/** An app whose config patches `os`; the patch says in which script it ran. */
function osApp(files = {}) {
  return makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
      'patches/os.js': "module.exports = () => console.log('patch: os patched in ' + require('node:path').basename(process.argv[1] ?? '-e'));\n",
      'app.js': "require('node:os');\nconsole.log('app: done');\n",
      ...files,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// --help, --version, usage errors

// test/unit/cli-main.test.mjs covers --help, --version, usage errors and option parsing, and
// test/unit/cli-run.test.mjs the environment `run` builds, in process; here the command as users
// start it.

test('the bin prints the usage; a usage error exits 2 with a message on stderr', async () => {
  // --version is the test of the bin's shebang below; no command at all, and each other usage
  // error, are test/unit/cli-main.test.mjs's.
  const [help, unknown] = await Promise.all([cliAsync(ROOT, ['--help']), cliAsync(ROOT, ['frobnicate'])]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: wrapt-hooks <command> \[options\]/);
  assert.deepEqual([unknown.code, unknown.stdout], [2, '']);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

// ---------------------------------------------------------------------------------------------
// run

// One `run` serves the two tests after it: show.js prints what it was started with and sets
// an exit code.
let showRun;
function runShow() {
  showRun ??= (() => {
    const dir = osApp({ 'show.js': "require('node:os');\nconsole.log('NODE_OPTIONS=' + process.env.NODE_OPTIONS);\nprocess.exitCode = 3;\n" });
    return cliAsync(dir, ['run', NODE, 'show.js']);
  })();
  return showRun;
}

test('run: the command runs with the preload in NODE_OPTIONS, by absolute path', async () => {
  const result = await runShow();
  assert.deepEqual(lines(result.stdout), ['patch: os patched in show.js', `NODE_OPTIONS=--require ${path.join(ROOT, 'register.js')}`], result.stderr);
  assert.deepEqual(result.warnings, []);
});

test('run: the exit code passes through', async () => {
  const result = await runShow();
  assert.equal(result.code, 3, result.stderr);
});

test('run: existing NODE_OPTIONS are kept, before the preload', () => {
  // (Node 20 also runs --require preloads in its module.register loader thread: main thread only here.)
  const marker = "if (require('node:worker_threads').isMainThread) console.log('marker: loaded in ' + require('node:path').basename(process.argv[1]));\n";
  const dir = osApp({ 'marker.js': marker, 'show.js': "require('node:os');\nconsole.log('NODE_OPTIONS=' + process.env.NODE_OPTIONS);\n" });
  const result = cli(dir, ['run', NODE, 'show.js'], { env: { NODE_OPTIONS: '--require ./marker.js --no-deprecation' } });
  assert.equal(result.code, 0, result.stderr);
  // The CLI itself runs with the original NODE_OPTIONS (and does not load the wrapt-hooks preload).
  assert.deepEqual(lines(result.stdout), [
    'marker: loaded in wrapt-hooks.js',
    'marker: loaded in show.js',
    'patch: os patched in show.js',
    `NODE_OPTIONS=--require ./marker.js --no-deprecation --require ${path.join(ROOT, 'register.js')}`,
  ]);
});

test('run: child Node.js processes inherit the preload', () => {
  const dir = osApp({
    'parent.js': `require('node:os');
const { spawnSync } = require('node:child_process');
const child = spawnSync(process.execPath, ['child.js'], { stdio: 'inherit' });
console.log('parent: child exited ' + child.status);
`,
    'child.js': "require('node:os');\nconsole.log('child: done');\n",
  });
  const result = cli(dir, ['run', NODE, 'parent.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['patch: os patched in parent.js', 'patch: os patched in child.js', 'child: done', 'parent: child exited 0']);
});

test('run: a preload path with spaces, quotes and backslashes is quoted for NODE_OPTIONS', () => {
  // A copy of the installed package in an awkward directory; its own register.js is preloaded.
  const base = realpathSync(makeApp({ packageJson: false }));
  const copy = path.join(base, 'my "odd" dir\\with spaces', 'wrapt-hooks');
  mkdirSync(copy, { recursive: true });
  for (const name of ['dist', 'bin', 'register.js', 'register.mjs', 'package.json']) cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const dir = osApp({ 'show.js': "require('node:os');\nconsole.log('NODE_OPTIONS=' + process.env.NODE_OPTIONS);\n" });
  const result = runNode(dir, [path.join(copy, 'bin', 'wrapt-hooks.js'), 'run', NODE, 'show.js']);
  assert.equal(result.code, 0, result.stderr);
  const quoted = `"${path.join(copy, 'register.js').replace(/["\\]/g, '\\$&')}"`;
  assert.deepEqual(lines(result.stdout), ['patch: os patched in show.js', `NODE_OPTIONS=--require ${quoted}`]);
});

// One `run` serves the two tests after it: a command with options of its own, after "--",
// that echoes its stdin.
const ECHO = "console.log(process.execArgv.join(' ')); process.stdin.on('data', (d) => process.stdout.write('got ' + d))";
let echoRun;
function runEcho() {
  echoRun ??= cliAsync(makeApp(), ['run', '--', NODE, '--no-warnings', '-e', ECHO], { input: 'ping' });
  return echoRun;
}

test('run: options end at the command (its own options are passed on), and "--" works too', async () => {
  const result = await runEcho();
  assert.equal(result.code, 0, result.stderr);
  assert.equal(lines(result.stdout)[0], `--no-warnings -e ${ECHO}`);
});

test('run: stdin passes through to the command', async () => {
  const result = await runEcho();
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.slice(result.stdout.indexOf('\n') + 1), 'got ping');
});

test('run: a command that is not found exits 127, one that cannot be executed 126', () => {
  const dir = makeApp({ files: { 'not-executable.sh': '#!/bin/sh\necho hi\n' } });
  let result = cli(dir, ['run', 'wrapt-hooks-no-such-command', 'x']);
  assert.equal(result.code, 127);
  assert.match(result.stderr, /^wrapt-hooks run: command not found: wrapt-hooks-no-such-command\./m);
  result = cli(dir, ['run', './not-executable.sh']);
  assert.equal(result.code, 126);
  assert.match(result.stderr, /cannot execute \.\/not-executable\.sh: permission denied/);
});

test('run --trace: entries go to WRAPT_TRACE, appended to an existing one', () => {
  const dir = makeApp();
  const script = "const os = require('node:os'); os.arch(); os.hostname(); os.platform(); console.log('WRAPT_TRACE=' + process.env.WRAPT_TRACE);";
  const result = cli(dir, ['run', '--trace', 'os#hostname', '-t', 'os#platform+stack', NODE, '-e', script], { env: { WRAPT_TRACE: 'os#arch' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['WRAPT_TRACE=os#arch,os#hostname,os#platform+stack']);
  const traces = lines(result.stderr).filter((line) => line.startsWith('wrapt-hooks: trace '));
  assert.deepEqual(
    traces.map((line) => line.replace(/\) -> .*/, ')')),
    ['wrapt-hooks: trace os#arch()', 'wrapt-hooks: trace os#hostname()', 'wrapt-hooks: trace os#platform()'],
  );
  // "+stack": the caller's frame follows the platform() line.
  const after = lines(result.stderr)[lines(result.stderr).findIndex((line) => line.startsWith('wrapt-hooks: trace os#platform()')) + 1];
  assert.match(after ?? '', /^wrapt-hooks: {3}at .*\[eval\]/);
});

test('run: a command killed by a signal makes the CLI die of the same signal (143 in a shell)', () => {
  const dir = makeApp();
  const result = cli(dir, ['run', NODE, '-e', "process.kill(process.pid, 'SIGTERM')"]);
  assert.equal(result.code, null);
  assert.equal(result.signal, 'SIGTERM');
  const shell = runCommand(dir, '/bin/sh', ['-c', `"${NODE}" "${BIN}" run "${NODE}" -e "process.kill(process.pid, 'SIGTERM')"; echo "status $?"`]);
  assert.equal(shell.stdout, 'status 143\n');
});

/** Starts `wrapt-hooks run node <script>` and waits until the script printed "ready". */
async function startRun(dir, script) {
  const child = startNode(dir, [BIN, 'run', NODE, script]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal, stdout, stderr }));
  while (!stdout.includes('ready\n')) {
    const result = await Promise.race([once(child.stdout, 'data'), exited]);
    if (!Array.isArray(result)) assert.fail(`the command exited before it was ready: ${JSON.stringify(result)}`);
  }
  return { child, exited };
}

for (const [signal, code] of [
  ['SIGINT', 40],
  ['SIGTERM', 41],
  ['SIGHUP', 42],
]) {
  test(`run: ${signal} sent to the CLI is forwarded to the command; its exit code comes back`, async () => {
    const dir = makeApp({
      files: {
        'wait.js': `process.on('${signal}', (s) => { console.log('child: got ' + s); process.exit(${code}); });\nsetTimeout(() => process.exit(99), 30_000); // never orphaned for long if the test fails\nconsole.log('ready');\n`,
      },
    });
    const { child, exited } = await startRun(dir, 'wait.js');
    child.kill(signal);
    const result = await exited;
    assert.deepEqual({ code: result.code, signal: result.signal }, { code, signal: null }, result.stderr);
    assert.deepEqual(lines(result.stdout), ['ready', `child: got ${signal}`]);
  });
}

test('run: SIGTERM to the CLI of a command that does not handle it: both die of SIGTERM', async () => {
  const dir = makeApp({ files: { 'wait.js': "setTimeout(() => process.exit(99), 30_000);\nconsole.log('ready');\n" } });
  const { child, exited } = await startRun(dir, 'wait.js');
  child.kill('SIGTERM');
  const result = await exited;
  assert.deepEqual({ code: result.code, signal: result.signal }, { code: null, signal: 'SIGTERM' }, result.stderr);
});

// ---------------------------------------------------------------------------------------------
// doctor

/** A healthy setup: every kind of target, a version range that matches and one that does not, a patch package, traces. */

// test/unit/cli-doctor.test.mjs checks the report and its text in process; here, the command.

test('doctor on a healthy setup: the report on stdout, exit 0; patch modules are read, never run, also with the preload in NODE_OPTIONS', async () => {
  const dir = healthyApp();
  // The text report's process has the preload in NODE_OPTIONS, as on a host where every Node
  // process gets it: the command's own process installs no hooks, so no patch module runs.
  const preloaded = { env: { NODE_OPTIONS: `--require ${path.join(ROOT, 'register.js')}` } };
  const [text, json] = await Promise.all([cliAsync(dir, ['doctor'], preloaded), cliAsync(dir, ['doctor', '--json'])]);
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.doesNotMatch(text.stdout, ANSI, 'no colour when stdout is a pipe');
  assert.match(text.stdout, /^ {2}✓ lazy-target +1\.2\.3 /m);
  assert.match(text.stdout, /^No problems$/m);
  assert.doesNotMatch(text.stdout + text.stderr, /PATCH CALLED/);
  assert.doesNotMatch(text.stdout + text.stderr, /fs patch module: loaded/);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.deepEqual([report.version, report.ok, report.cwd], [1, true, dir]);
  assert.doesNotMatch(json.stdout + json.stderr, /fs patch module: loaded/);
});

test('doctor on a broken setup: every problem with its code, exit 1 (text and --json)', async () => {
  const dir = brokenApp();
  const [text, json] = await Promise.all([cliAsync(dir, ['doctor']), cliAsync(dir, ['doctor', '--json'])]);
  assert.equal(text.code, 1, text.stderr);
  for (const code of BROKEN_CODES) assert.match(text.stdout, new RegExp(`^ {2}✗ ${code}$`, 'm'));
  assert.equal(json.code, 1, json.stderr);
  assert.deepEqual(
    JSON.parse(json.stdout).problems.map((problem) => problem.code),
    BROKEN_CODES,
  );
});

// ---------------------------------------------------------------------------------------------
// examples/patch-package, run as its README says

const TEMPFILE_LINES = [
  /^tempfile-debugging: mkdtempSync\(".*demo-sync-"\) called from makeScratchDir \(.*app\.js:\d+:\d+\)$/m,
  /^tempfile-debugging: mkdtemp\(".*demo-async-"\) called from .*app\.js:\d+:\d+\)?$/m,
];
const NPM_OFFLINE = { npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

test('examples/patch-package: without the patch package the app is quiet', () => {
  const result = runNode(EXAMPLE, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['created demo-sync-…', 'created demo-async-…']);
  assert.equal(result.stderr, '');
});

test('examples/patch-package: WRAPT_PATCHES=wrapt-patches-tempfile-debugging node --require wrapt-hooks/register app.js', () => {
  const result = runNode(EXAMPLE, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-patches-tempfile-debugging' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['created demo-sync-…', 'created demo-async-…']);
  for (const line of TEMPFILE_LINES) assert.match(result.stderr, line);
  assert.deepEqual(result.warnings, []);
});

test('examples/patch-package: WRAPT_PATCHES=… node --import wrapt-hooks/register app.mjs', () => {
  const result = runNode(EXAMPLE, ['--import', 'wrapt-hooks/register', 'app.mjs'], { env: { WRAPT_PATCHES: 'wrapt-patches-tempfile-debugging' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['created demo-esm-…']);
  assert.match(result.stderr, /^tempfile-debugging: mkdtempSync\(".*demo-esm-"\) called from .*app\.mjs:\d+:\d+$/m);
});

test('examples/patch-package: WRAPT_PATCHES=… npx wrapt-hooks run node app.js', () => {
  // PATH starts with the directory of the Node.js under test, so `node` is that one.
  const env = { ...NPM_OFFLINE, WRAPT_PATCHES: 'wrapt-patches-tempfile-debugging', PATH: `${path.dirname(NODE)}${path.delimiter}${process.env.PATH}` };
  const result = runCommand(EXAMPLE, 'npx', ['wrapt-hooks', 'run', 'node', 'app.js'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['created demo-sync-…', 'created demo-async-…']);
  for (const line of TEMPFILE_LINES) assert.match(result.stderr, line);
});

test('examples/patch-package: a "packages" entry instead of WRAPT_PATCHES, with wrapt-hooks run and doctor', () => {
  const dir = makeApp({ packageJson: { name: 'app', private: true, 'wrapt-hooks': { packages: ['wrapt-patches-tempfile-debugging'] } } });
  cpSync(path.join(EXAMPLE, 'app.js'), path.join(dir, 'app.js'));
  cpSync(path.join(EXAMPLE, 'node_modules', 'wrapt-patches-tempfile-debugging'), path.join(dir, 'node_modules', 'wrapt-patches-tempfile-debugging'), {
    recursive: true,
  });
  const result = cli(dir, ['run', NODE, 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['created demo-sync-…', 'created demo-async-…']);
  for (const line of TEMPFILE_LINES) assert.match(result.stderr, line);
  const doctor = cli(dir, ['doctor']);
  assert.equal(doctor.code, 0, doctor.stdout);
  assert.match(doctor.stdout, /^ {2}✓ wrapt-patches-tempfile-debugging +1\.0\.0 +targets: fs /m);
  assert.match(
    doctor.stdout,
    /^ {6}✓ \.\/index\.js#patchFs +\.\/node_modules\/wrapt-patches-tempfile-debugging\/index\.js, export patchFs {2}from wrapt-patches-tempfile-debugging$/m,
  );
});

test('the bin is executable and declared in package.json', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.bin['wrapt-hooks'], 'bin/wrapt-hooks.js');
  assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const result = runCommand(ROOT, BIN, ['--version']);
  assert.equal(result.stdout, `${VERSION}\n`);
});
