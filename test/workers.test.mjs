// Threads (docs/esm.md): user worker threads that inherit the preload (execArgv,
// NODE_OPTIONS) get the same hooks, with a registry of their own; Node's internal loader
// thread (the one Node 20's module.register starts, which runs --require preloads too) never
// initialises a second copy and prints nothing.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNodeAsync, lines, count } from './helpers.mjs';

const run = runNodeAsync;

function assertClean(result, label) {
  assert.equal(result.code, 0, `${label}: exit code ${result.code}; stderr:\n${result.stderr}`);
  assert.deepEqual(result.warnings, [], `${label}: no warnings expected; stderr:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /Warning|already been initialized/, `${label}:\n${result.stderr}`);
}

const app = makeApp({
  packages: ['esm-greeter', 'esm-cjs-counter'],
  files: {
    '.wrapt-hooksrc.json': { patches: { 'esm-greeter': './patches/greeter.mjs', 'esm-cjs-counter': './patches/counter.js', os: './patches/os.js' } },
    'patches/greeter.mjs': `
      import { wrapFunctionWrapper } from 'wrapt-hooks';
      import { isMainThread } from 'node:worker_threads';
      export default function patchGreeter(ns) {
        console.log(\`patch esm-greeter in \${isMainThread ? 'main' : 'worker'}\`);
        wrapFunctionWrapper(ns, 'shout', (wrapped, instance, args) => \`[\${wrapped(...args)}]\`);
      }
    `,
    'patches/counter.js': `
      const { isMainThread } = require('node:worker_threads');
      module.exports = (exports) => {
        console.log(\`patch esm-cjs-counter in \${isMainThread ? 'main' : 'worker'}\`);
        exports.label = 'patched';
      };
    `,
    'patches/os.js': `
      const { isMainThread } = require('node:worker_threads');
      module.exports = (os) => {
        console.log(\`patch os in \${isMainThread ? 'main' : 'worker'}\`);
        const platform = os.platform;
        os.platform = () => 'patched-' + platform();
      };
    `,
    // The worker loads each target the other way round from the main thread.
    'worker.mjs': `
      import { shout } from 'esm-greeter';
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      console.log('worker', shout('w'), require('esm-cjs-counter').label, require('os').platform().startsWith('patched-'));
    `,
    'worker.cjs': `
      const { shout } = require('esm-greeter');
      import('os').then((os) => console.log('worker', shout('w'), require('esm-cjs-counter').label, os.platform().startsWith('patched-')));
    `,
    'main.mjs': `
      import { Worker } from 'node:worker_threads';
      import { shout } from 'esm-greeter';
      import { platform } from 'node:os';
      const file = process.argv[2] ?? 'worker.mjs';
      console.log('main', shout('m'), platform().startsWith('patched-'));
      const worker = new Worker(new URL(file, import.meta.url));
      worker.on('exit', (code) => console.log('worker exit', code));
    `,
    'main.cjs': `
      const { Worker } = require('node:worker_threads');
      const path = require('node:path');
      console.log('main', require('esm-cjs-counter').label, require('os').platform().startsWith('patched-'));
      new Worker(path.join(__dirname, process.argv[2] ?? 'worker.cjs')).on('exit', (code) => console.log('worker exit', code));
    `,
    'plain.mjs': `
      import { shout } from 'esm-greeter';
      import { createRequire } from 'node:module';
      const os = createRequire(import.meta.url)('os');
      const later = await import('esm-cjs-counter');
      console.log('main', shout('m'), os.platform().startsWith('patched-'), later.default.label);
    `,
  },
});

const WORKER_LINE = 'worker [W!] patched true';
const DEBUG = { WRAPT_HOOKS_DEBUG: '1' };

// The --require case runs with WRAPT_HOOKS_DEBUG on: its result is also the one the loader
// thread's "with a user worker as well" test reads (debug lines go to stderr only).
const USER_WORKER_CASES = [
  ['--import, ESM main and worker', ['--import', 'wrapt-hooks/register', 'main.mjs'], {}],
  ['--require, ESM main and worker', ['--require', 'wrapt-hooks/register', 'main.mjs'], DEBUG],
  ['--import, ESM main, CommonJS worker', ['--import', 'wrapt-hooks/register', 'main.mjs', 'worker.cjs'], {}],
  ['--require, CommonJS main and worker', ['--require', 'wrapt-hooks/register', 'main.cjs'], {}],
  ['both flags', ['--require', 'wrapt-hooks/register', '--import', 'wrapt-hooks/register', 'main.mjs'], {}],
  ['NODE_OPTIONS=--require', ['main.cjs', 'worker.mjs'], { NODE_OPTIONS: '--require wrapt-hooks/register' }],
  ['NODE_OPTIONS=--import', ['main.mjs'], { NODE_OPTIONS: '--import wrapt-hooks/register' }],
];

/** The user-worker cases' results, run once for the two tests that read them. */
let userWorkerResults;
function userWorkerRuns() {
  userWorkerResults ??= (async () => {
    const results = [];
    // Two at a time: each child starts two threads, and Node 20 a loader thread per thread.
    for (let i = 0; i < USER_WORKER_CASES.length; i += 2)
      results.push(...(await Promise.all(USER_WORKER_CASES.slice(i, i + 2).map(([, args, env]) => run(app, args, { env })))));
    return results;
  })();
  return userWorkerResults;
}

describe('user worker threads', () => {
  const cases = USER_WORKER_CASES;

  test('that inherit the preload get the hooks: every patch fires in the worker too, once per thread', async () => {
    const results = await userWorkerRuns();
    cases.forEach(([label], i) => {
      const result = results[i];
      assertClean(result, label);
      const out = lines(result.stdout);
      assert.ok(out.includes(WORKER_LINE), `${label}: the worker was not patched:\n${result.stdout}`);
      assert.ok(out.includes('worker exit 0'), `${label}:\n${result.stdout}`);
      const esmMain = !label.includes('CommonJS main') && !label.includes('NODE_OPTIONS=--require');
      assert.ok(out.includes(esmMain ? 'main [M!] true' : 'main patched true'), `${label}:\n${result.stdout}`);
      // The worker has its own registry: each of its targets fires there once.
      for (const target of ['esm-greeter', 'esm-cjs-counter', 'os']) {
        assert.equal(count(result.stdout, `patch ${target} in worker\n`), 1, `${label}: ${target} in the worker:\n${result.stdout}`);
        assert.ok(count(result.stdout, `patch ${target} in main\n`) <= 1, `${label}: ${target} in main:\n${result.stdout}`);
      }
    });
  });

  test('a worker started with execArgv: [] and no NODE_OPTIONS does not get the hooks (the test above can fail)', async () => {
    const result = await run(app, [
      '--import',
      'wrapt-hooks/register',
      '--input-type=module',
      '-e',
      `
      import { Worker } from 'node:worker_threads';
      import { pathToFileURL } from 'node:url';
      new Worker(pathToFileURL('worker.mjs'), { execArgv: [] }).on('exit', (code) => console.log('worker exit', code));
    `,
    ]);
    assertClean(result, 'execArgv: []');
    assert.deepEqual(lines(result.stdout), ['worker W! counter false', 'worker exit 0']);
  });
});

describe("Node's internal loader thread", () => {
  const cases = [
    ['--require', ['--require', 'wrapt-hooks/register', 'plain.mjs'], DEBUG],
    ['--import', ['--import', 'wrapt-hooks/register', 'plain.mjs'], DEBUG],
    ['NODE_OPTIONS=--require', ['plain.mjs'], { ...DEBUG, NODE_OPTIONS: '--require wrapt-hooks/register' }],
    ['NODE_OPTIONS=--require plus --import', ['--import', 'wrapt-hooks/register', 'plain.mjs'], { ...DEBUG, NODE_OPTIONS: '--require wrapt-hooks/register' }],
  ];

  test('never initialises a second copy and prints nothing', async () => {
    const results = await Promise.all(cases.map(([, args, env]) => run(app, args, { env })));
    cases.forEach(([label], i) => {
      const result = results[i];
      assertClean(result, label);
      assert.deepEqual(
        lines(result.stdout),
        ['patch esm-greeter in main', 'patch os in main', 'patch esm-cjs-counter in main', 'main [M!] true patched'],
        label,
      );
      // One thread read the config and installed the hooks, and one summary was printed.
      assert.equal(count(result.stderr, 'wrapt-hooks: config '), 1, `${label}:\n${result.stderr}`);
      assert.equal(count(result.stderr, 'wrapt-hooks: hooks installed:'), 1, `${label}:\n${result.stderr}`);
      assert.equal(count(result.stderr, 'wrapt-hooks: summary for pid '), 1, `${label}:\n${result.stderr}`);
    });
  });

  test('with a user worker as well: two copies (main and worker), not three', async () => {
    // The user-worker case "--require, ESM main and worker", which runs with WRAPT_HOOKS_DEBUG on.
    const at = USER_WORKER_CASES.findIndex(([label]) => label === '--require, ESM main and worker');
    const result = (await userWorkerRuns())[at];
    assertClean(result, '--require with a worker');
    // The worker's copy says so on each of its lines: `wrapt-hooks: [tid N] …`.
    assert.equal(count(result.stderr, 'wrapt-hooks: config '), 1, result.stderr);
    assert.equal(count(result.stderr, 'wrapt-hooks: hooks installed:'), 1, result.stderr);
    assert.equal(result.stderr.match(/^wrapt-hooks: \[tid [1-9]\d*\] config /gm)?.length, 1, result.stderr);
    assert.equal(result.stderr.match(/^wrapt-hooks: \[tid [1-9]\d*\] hooks installed:/gm)?.length, 1, result.stderr);
    assert.ok(lines(result.stdout).includes(WORKER_LINE), result.stdout);
  });
});
