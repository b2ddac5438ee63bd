// The CLI (issue #4, and `run --trace` / doctor's traces from issue #7): `wrapt-hooks run`,
// `wrapt-hooks doctor [--json]`, --help, --version, and the examples/patch-package example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, cpSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { FIXTURES, NODE, NODE_MAJOR, ROOT, makeApp, path, runCommand, runNode, startNode, lines } from './helpers.mjs';

const BIN = path.join(ROOT, 'bin', 'wrapt-hooks.js');
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const EXAMPLE = path.join(ROOT, 'examples', 'patch-package');
const ANSI = /\u001b\[\d+m/;

/** Runs the CLI the way npm's bin shim does: node bin/wrapt-hooks.js … */
const cli = (cwd, args, options) => runNode(cwd, [BIN, ...args], options);

const LAZY_TARGET = {
  'package.json': { name: 'lazy-target', version: '1.2.3', main: 'index.js' },
  'index.js': "'use strict';\nexports.hello = (name) => `hello ${name}`;\n",
};

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

test('--version and -v print the package version; --help and help print the usage', () => {
  for (const flag of ['--version', '-v']) {
    const result = cli(ROOT, [flag]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${VERSION}\n`);
  }
  for (const args of [['--help'], ['-h'], ['help']]) {
    const result = cli(ROOT, args);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: wrapt-hooks <command> \[options\]/);
    assert.match(result.stdout, /run \[--trace <spec>\]\.\.\. \[--recipe <name>\[,<name>\]\]\.\.\. <command> \[args\.\.\.\]/);
    assert.match(result.stdout, /doctor \[--json\]/);
  }
  assert.match(cli(ROOT, ['run', '--help']).stdout, /^Usage: wrapt-hooks run /);
  assert.match(cli(ROOT, ['doctor', '--help']).stdout, /^Usage: wrapt-hooks doctor /);
});

test('usage errors exit 2 with a message on stderr', () => {
  const cases = [
    [[], /^Usage: wrapt-hooks/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['run'], /run: name the command to run/],
    [['run', '--nope', 'node'], /Unknown option '--nope'/],
    [['run', '--trace'], /--trace/],
    [['doctor', '--yaml'], /Unknown option '--yaml'/],
  ];
  for (const [args, message] of cases) {
    const result = cli(ROOT, args);
    assert.equal(result.code, 2, args.join(' '));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message, args.join(' '));
  }
});

// ---------------------------------------------------------------------------------------------
// run

test('run: the command runs with the preload in NODE_OPTIONS, by absolute path', () => {
  const dir = osApp({ 'show.js': "require('node:os');\nconsole.log('NODE_OPTIONS=' + process.env.NODE_OPTIONS);\n" });
  const result = cli(dir, ['run', NODE, 'show.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['patch: os patched in show.js', `NODE_OPTIONS=--require ${path.join(ROOT, 'register.js')}`]);
  assert.deepEqual(result.warnings, []);
});

for (const code of [0, 3]) {
  test(`run: the exit code passes through (${code})`, () => {
    const dir = osApp();
    const result = cli(dir, ['run', NODE, '-e', `require('node:os'); process.exitCode = ${code}`]);
    assert.equal(result.code, code, result.stderr);
    assert.deepEqual(lines(result.stdout), ['patch: os patched in -e']);
  });
}

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

test('run: options end at the command (its own options are passed on), and "--" works too', () => {
  const dir = makeApp();
  let result = cli(dir, ['run', NODE, '-p', '6 * 7']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '42\n');
  result = cli(dir, ['run', '--', NODE, '--no-warnings', '-p', 'process.execArgv.join(" ")']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '--no-warnings -p process.execArgv.join(" ")\n');
});

test('run: stdin passes through to the command', () => {
  const dir = makeApp();
  const result = runNode(dir, [BIN, 'run', NODE, '-e', "process.stdin.on('data', (d) => process.stdout.write('got ' + d))"], { input: 'ping' });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'got ping');
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

test('run --trace: a malformed entry is a usage error and nothing runs', () => {
  const dir = makeApp();
  const result = cli(dir, ['run', '--trace', 'no-hash-here', NODE, '-e', "console.log('ran')"]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /--trace "no-hash-here": "no-hash-here" is not "<target>#<function path>"/);
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
function healthyApp() {
  const dir = makeApp({
    packages: { 'lazy-target': LAZY_TARGET },
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          fs: './patches/fs.js#patchFs',
          'lazy-target': [
            { patch: './patches/target.js', versions: '^1.2.0' },
            { patch: './patches/target.js#forTwo', versions: '>=2' },
          ],
          './src/db.js': './patches/db.mjs',
        },
        packages: ['wrapt-patches-lazy'],
        trace: ['lazy-target#hello', { fn: 'fs#mkdtempSync', stack: true }],
      },
      'patches/fs.js': "console.log('fs patch module: loaded');\nexports.patchFs = () => console.log('PATCH CALLED');\n",
      'patches/target.js': "module.exports = () => console.log('PATCH CALLED');\nmodule.exports.forTwo = () => console.log('PATCH CALLED');\n",
      'patches/db.mjs': "export default function patchDb() { console.log('PATCH CALLED'); }\n",
      'src/db.js': 'exports.query = () => [];\n',
    },
  });
  cpSync(path.join(FIXTURES, 'node_modules', 'wrapt-patches-lazy'), path.join(dir, 'node_modules', 'wrapt-patches-lazy'), { recursive: true });
  return realpathSync(dir);
}

/** A broken setup: one of each problem doctor finds. */
function brokenApp() {
  const dir = makeApp({
    packages: { 'lazy-target': LAZY_TARGET },
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          'lazy-target': ['./patches/missing.js', './patches/target.js#nope', './patches/untrusted.js'],
          './src/missing.js': './patches/target.js',
        },
        packages: ['wrapt-patches-missing', 'wrapt-patches-nofield', 'wrapt-patches-malformed'],
        trace: ['lazy-target#goodbye'],
        bogus: true,
      },
      'patches/target.js': 'module.exports = () => {};\n',
      'patches/untrusted.js': 'module.exports = () => {};\n',
    },
  });
  chmodSync(path.join(dir, 'patches', 'untrusted.js'), 0o666);
  for (const name of ['wrapt-patches-nofield', 'wrapt-patches-malformed'])
    cpSync(path.join(FIXTURES, 'node_modules', name), path.join(dir, 'node_modules', name), { recursive: true });
  return realpathSync(dir);
}

const BROKEN_CODES = [
  'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
  'WRAPT_HOOKS_PACKAGE_NOT_FOUND',
  'WRAPT_HOOKS_PACKAGE_INVALID',
  'WRAPT_HOOKS_CONFIG_INVALID',
  'WRAPT_HOOKS_PATCH_NOT_FOUND',
  'WRAPT_HOOKS_PATCH_EXPORT',
  'WRAPT_HOOKS_UNTRUSTED_FILE',
  'WRAPT_HOOKS_TARGET_NOT_FOUND',
  'WRAPT_HOOKS_TRACE_PATH',
];

test('doctor on a healthy setup: ✓ marks, aligned, versions, exit 0; patch functions are not called', () => {
  const dir = healthyApp();
  const result = cli(dir, ['doctor']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
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
  // Patch modules were loaded (their load-time output went to stderr), patch functions never ran.
  assert.doesNotMatch(out + result.stderr, /PATCH CALLED/);
  assert.match(result.stderr, /fs patch module: loaded/);
  assert.doesNotMatch(out, /fs patch module: loaded/);
});

test('doctor: colour with FORCE_COLOR, none with NO_COLOR or a pipe', () => {
  const dir = healthyApp();
  assert.match(cli(dir, ['doctor'], { env: { FORCE_COLOR: '1' } }).stdout, ANSI);
  assert.doesNotMatch(cli(dir, ['doctor'], { env: { NO_COLOR: '1' } }).stdout, ANSI);
});

test('doctor --json on a healthy setup: the documented shape', () => {
  const dir = healthyApp();
  const result = cli(dir, ['doctor', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(report), ['version', 'ok', 'wraptHooks', 'node', 'cwd', 'config', 'disabled', 'targets', 'packages', 'traces', 'problems']);
  assert.equal(report.version, 1);
  assert.equal(report.ok, true);
  assert.deepEqual(report.wraptHooks, { version: VERSION });
  assert.equal(report.node.version, process.versions.node);
  assert.ok(['sync', 'async'].includes(report.node.esmMode));
  if (NODE_MAJOR === 20) assert.equal(report.node.esmMode, 'async');
  assert.equal(report.cwd, dir);
  assert.deepEqual(report.config, { file: path.join(dir, '.wrapt-hooksrc.json'), dir, strict: false });
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
  const result = cli(dir, ['doctor']);
  assert.equal(result.code, 1, result.stderr);
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
  assert.match(out, /^ {4}hint: Fix the part after "#"; functions exported: hello\.$/m);
});

test('doctor --json on a broken setup: ok false, problems with codes, failing rows explained', () => {
  const dir = brokenApp();
  const result = cli(dir, ['doctor', '--json']);
  assert.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout);
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
  const result = cli(dir, ['doctor']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^ {2}config +none found from .*: the preload does nothing$/m);
  const report = JSON.parse(cli(dir, ['doctor', '--json']).stdout);
  assert.deepEqual([report.ok, report.config.file, report.targets, report.packages, report.traces, report.problems], [true, null, [], [], [], []]);
});

test('doctor reads WRAPT_PATCHES, WRAPT_TRACE and WRAPT_HOOKS_DISABLE like the preload', () => {
  const dir = makeApp({ packages: { 'lazy-target': LAZY_TARGET } });
  cpSync(path.join(FIXTURES, 'node_modules', 'wrapt-patches-lazy'), path.join(dir, 'node_modules', 'wrapt-patches-lazy'), { recursive: true });
  const env = { WRAPT_PATCHES: 'wrapt-patches-lazy', WRAPT_TRACE: 'os#hostname,lazy-target#nope', WRAPT_HOOKS_DISABLE: 'lazy-target' };
  const report = JSON.parse(cli(dir, ['doctor', '--json'], { env }).stdout);
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
  const human = cli(dir, ['doctor'], { env });
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^ {2}disabled +lazy-target \(WRAPT_HOOKS_DISABLE\)$/m);
  assert.match(human.stdout, /^ {2}– lazy-target +1\.2\.3 .*disabled by WRAPT_HOOKS_DISABLE$/m);
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
