// In-process: the CLI's argument handling (src/cli/main.ts, src/cli/args.ts). main(argv) for
// --help, --version and usage errors (what it writes and the exit code it resolves to; none of
// these starts a command), and splitOptions (our options end at the command). The environment
// `run` gives its command is test/unit/cli-run.test.mjs; test/cli.test.mjs runs the command
// itself: the preload in the child, exit codes, signals, stdin.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, path } from '../helpers.mjs';
import { cli } from './internals.mjs';

const { args, version } = cli.internals;
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/** Runs main(argv) with process.stdout and process.stderr captured: { code, stdout, stderr }. */
async function main(argv) {
  const out = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = (chunk) => ((out.stdout += chunk), true);
  process.stderr.write = (chunk) => ((out.stderr += chunk), true);
  try {
    const code = await cli.main(argv);
    return { code, ...out };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
}

test('--version and -v print the package version; --help, -h and help print the usage', async () => {
  assert.equal(version.packageVersion(), VERSION);
  for (const flag of ['--version', '-v']) assert.deepEqual(await main([flag]), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const result = await main(argv);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^Usage: wrapt-hooks <command> \[options\]/);
    assert.match(result.stdout, /run \[--trace <spec>\]\.\.\. \[--recipe <name>\[,<name>\]\]\.\.\. <command> \[args\.\.\.\]/);
    assert.match(result.stdout, /doctor \[--json\]/);
  }
  assert.match((await main(['run', '--help'])).stdout, /^Usage: wrapt-hooks run /);
  assert.match((await main(['run', '-h'])).stdout, /^Usage: wrapt-hooks run /);
  assert.match((await main(['doctor', '--help'])).stdout, /^Usage: wrapt-hooks doctor /);
});

test('usage errors resolve to 2 with a message on stderr and nothing on stdout; nothing runs', async () => {
  const cases = [
    [[], /^Usage: wrapt-hooks/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['run'], /run: name the command to run/],
    [['run', ''], /run: name the command to run/],
    [['run', '--nope', 'node'], /Unknown option '--nope'/],
    [['run', '--trace'], /--trace/],
    [
      ['run', '--trace', 'no-hash-here', process.execPath, '-e', "console.log('ran')"],
      /--trace "no-hash-here": "no-hash-here" is not "<target>#<function path>"/,
    ],
    [
      // Refused: the message says the command was not started, never that it goes on.
      ['run', '--trace', 'fs#mkdtempSync+slow=soon', process.execPath, '-e', "console.log('ran')"],
      /--trace "fs#mkdtempSync\+slow=soon": option "slow": .*got "soon"\. The command was not started: fix or drop the option\.\n/,
    ],
    [['doctor', '--yaml'], /Unknown option '--yaml'/],
    [['doctor', 'extra'], /Unexpected argument 'extra'|extra/],
  ];
  for (const [argv, message] of cases) {
    const result = await main(argv);
    assert.equal(result.code, 2, argv.join(' '));
    assert.equal(result.stdout, '', argv.join(' '));
    assert.match(result.stderr, message, argv.join(' '));
    assert.doesNotMatch(result.stderr, /traced without it/, argv.join(' '));
    if (argv.length > 0) assert.match(result.stderr, /Run "wrapt-hooks --help" for usage\.\n$/, argv.join(' '));
  }
});

test('splitOptions: our options end at the first positional argument or "--"; the rest is untouched', () => {
  const spec = { trace: { type: 'string', short: 't', multiple: true }, help: { type: 'boolean', short: 'h' } };
  // parseArgs gives an object without a prototype; compared here as a plain one.
  const split = (argv) => {
    const { options, rest } = args.splitOptions(argv, spec);
    return { options: { ...options }, rest };
  };
  assert.deepEqual(split(['node', '-p', '6 * 7']), { options: {}, rest: ['node', '-p', '6 * 7'] });
  assert.deepEqual(split(['--', 'node', '--no-warnings', '-p', 'x']), { options: {}, rest: ['node', '--no-warnings', '-p', 'x'] });
  assert.deepEqual(split(['--trace', 'fs#a', '-t', 'os#b+stack', 'node', '--trace', 'app.js']), {
    options: { trace: ['fs#a', 'os#b+stack'] },
    rest: ['node', '--trace', 'app.js'],
  });
  // A value-taking option consumes its value even when it looks like a command.
  assert.deepEqual(split(['-t', 'node', 'npm', 'start']), { options: { trace: ['node'] }, rest: ['npm', 'start'] });
  assert.deepEqual(split(['-h', '--', '-h']), { options: { help: true }, rest: ['-h'] });
  assert.deepEqual(split([]), { options: {}, rest: [] });
  assert.throws(() => args.splitOptions(['--nope', 'node'], spec), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  assert.throws(() => args.splitOptions(['--trace'], spec), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
});
