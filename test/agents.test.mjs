// Next to other instrumentation (docs/production-and-security.md), on the running Node: another agent
// with its own, undeduplicated copy of import-in-the-middle, preloaded before or after
// wrapt-hooks, its loader off-thread or in-thread; packages whose ES module entry re-exports
// their CommonJS build (shaped like pg and ws), required and imported in both orders; and a
// hook registered from application code reaching Node 20's loader thread before the next import.
// Real agents (dd-trace, OpenTelemetry, Sentry) and import-in-the-middle 1.x/2.x are in
// test/compat/agents.test.mjs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { makeApp, childEnv, parseWarnings, NODE, ROOT, path, lines, assertClean, pool } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs');

function run(cwd, args, { env = {} } = {}) {
  return new Promise((resolve) => {
    execFile(NODE, args, { cwd, env: childEnv(env), encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr, warnings: parseWarnings(stderr) });
    });
  });
}

describe('another agent with its own copy of import-in-the-middle', () => {
  const app = makeApp({
    packages: ['esm-greeter', 'other-agent'],
    real: ['cjs-module-lexer', 'es-module-lexer', 'module-details-from-path'],
    files: {
      '.wrapt-hooksrc.json': { patches: { 'esm-greeter': './patches/greeter.cjs', './lib.mjs': './patches/lib.cjs' } },
      'patches/greeter.cjs': `
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        module.exports = (ns) => wrapFunctionWrapper(ns, 'greet', (wrapped, _, args) => '[wh] ' + wrapped(...args));
      `,
      'patches/lib.cjs': `module.exports = (ns) => { const original = ns.twice; ns.twice = (x) => 'lib ' + original(x); };`,
      'lib.mjs': `export function twice(x) { return x * 2; }`,
      'app.mjs': `
        import { greet } from 'esm-greeter';
        import { twice } from './lib.mjs';
        console.log(greet('x'), '|', twice(2), '|', globalThis.otherAgentHooks);
      `,
    },
  });
  // The same version as wrapt-hooks' own, but a second copy on disk: npm does not always dedupe.
  cpSync(path.join(ROOT, 'node_modules', 'import-in-the-middle'), path.join(app, 'node_modules', 'other-agent', 'node_modules', 'import-in-the-middle'), {
    recursive: true,
  });
  const modes = supportsSyncHooks() ? ['async', 'sync'] : ['async'];
  const agent = ['--import', 'other-agent'];

  test('both sides patch, whichever preload comes first', async () => {
    const cases = modes.flatMap((mode) => [
      { mode, args: [...agent, '--import', 'wrapt-hooks/register'] },
      { mode, args: ['--import', 'wrapt-hooks/register', ...agent] },
      { mode, args: ['--require', 'wrapt-hooks/register', ...agent] },
    ]);
    const results = await pool(
      cases.map(
        ({ mode, args }) =>
          () =>
            run(app, [...args, 'app.mjs'], { env: { OTHER_AGENT_MODE: mode } }),
      ),
    );
    results.forEach((result, i) => {
      const label = `${cases[i].mode} ${cases[i].args.join(' ')}`;
      assertClean(result, label);
      assert.deepEqual(lines(result.stdout), ['[agent] [wh] hello x | lib 4 | 1'], label);
    });
  });

  test('without wrapt-hooks the agent alone patches (the fixture is a working agent)', async () => {
    const result = await run(app, [...agent, 'app.mjs']);
    assertClean(result);
    assert.deepEqual(lines(result.stdout), ['[agent] hello x | 4 | 1']);
  });
});

describe('a package whose ES module entry re-exports its CommonJS build (pg, ws)', () => {
  const app = makeApp({
    packages: ['reexport-pg', 'reexport-ws', 'esm-dual'],
    files: {
      '.wrapt-hooksrc.json': { patches: { 'reexport-pg': './patches/pg.cjs', 'reexport-ws': './patches/ws.cjs' } },
      'patches/pg.cjs': `
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        module.exports = (pg, info) => {
          console.log('patch reexport-pg', info.format);
          wrapFunctionWrapper(pg.Client.prototype, 'query', (wrapped, _, args) => { globalThis.calls.query++; return wrapped(...args); });
          wrapFunctionWrapper(pg, 'escapeIdentifier', (wrapped, _, args) => { globalThis.calls.escape++; return wrapped(...args); });
        };
      `,
      'patches/ws.cjs': `
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        module.exports = (ws, info) => {
          console.log('patch reexport-ws', info.format);
          wrapFunctionWrapper(ws.WebSocket.prototype, 'send', (wrapped, _, args) => { globalThis.calls.send++; return wrapped(...args); });
        };
      `,
      'calls.cjs': `globalThis.calls = { query: 0, escape: 0, send: 0 };`,
      'use.mjs': `
        export function use(label, pg, ws) {
          const before = { ...globalThis.calls };
          new pg.Client().query('q');
          pg.escapeIdentifier('t');
          new ws.WebSocket().send('d');
          const per = Object.keys(before).map((k) => k + '=' + (globalThis.calls[k] - before[k]));
          console.log(label, per.join(' '));
        }
      `,
      'require-first.mjs': `
        import './calls.cjs';
        import { createRequire } from 'node:module';
        import { use } from './use.mjs';
        const require = createRequire(import.meta.url);
        use('require', require('reexport-pg'), require('reexport-ws'));
        use('import', await import('reexport-pg'), await import('reexport-ws'));
      `,
      'import-first.mjs': `
        import './calls.cjs';
        import { createRequire } from 'node:module';
        import { use } from './use.mjs';
        const require = createRequire(import.meta.url);
        use('import', await import('reexport-pg'), await import('reexport-ws'));
        use('require', require('reexport-pg'), require('reexport-ws'));
      `,
    },
  });

  test('each patch fires once and each call runs its wrapper once, in both orders', async () => {
    const [requireFirst, importFirst] = await pool([
      () => run(app, ['--import', 'wrapt-hooks/register', 'require-first.mjs']),
      () => run(app, ['--require', 'wrapt-hooks/register', 'import-first.mjs']),
    ]);
    assertClean(requireFirst, 'require first');
    assert.deepEqual(lines(requireFirst.stdout), [
      'patch reexport-pg commonjs',
      'patch reexport-ws commonjs',
      'require query=1 escape=1 send=1',
      'import query=1 escape=1 send=1',
    ]);
    assertClean(importFirst, 'import first');
    // pg's ES entry imports its CommonJS entry, which is then the instance; ws's imports only the
    // files behind it, so its namespace is, and a later require of its CommonJS entry joins it.
    assert.deepEqual(lines(importFirst.stdout), [
      'patch reexport-pg commonjs',
      'patch reexport-ws module',
      'import query=1 escape=1 send=1',
      'require query=1 escape=1 send=1',
    ]);
  });
});

describe("Node 20's off-thread loader", () => {
  // Registered from application code, then imported at once: the loader thread must know the
  // target before it resolves the import. Many registrations, because a race loses only some of
  // them: each process registers and at once imports several packages in turn (every one a target
  // the loader has not seen), and several processes start cold.
  test('registerPostImportHook followed at once by import() is patched, run after run', async () => {
    const TARGETS = 5;
    const packages = {};
    for (let i = 0; i < TARGETS; i++) {
      packages[`greeter-${i}`] = {
        'package.json': { name: `greeter-${i}`, version: '1.0.0', type: 'module', exports: './index.js' },
        'index.js': `export function greet(name) { return 'hello ' + name; }\n`,
      };
    }
    const app = makeApp({
      packages,
      files: {
        'app.mjs': `
          import { registerPostImportHook } from 'wrapt-hooks';
          for (let i = 0; i < ${TARGETS}; i++) {
            registerPostImportHook((ns) => { ns.greet = () => 'patched ' + i; }, 'greeter-' + i);
            const { greet } = await import('greeter-' + i);
            console.log(greet('x'));
          }
        `,
      },
    });
    // In-thread hooks (Node 22/24) have no thread to reach: a few runs there, more on Node 20.
    const runs = supportsSyncHooks() ? 2 : 5;
    const results = await pool(Array.from({ length: runs }, () => () => run(app, ['--import', 'wrapt-hooks/register', 'app.mjs'])));
    const expected = `0 ${Array.from({ length: TARGETS }, (_, i) => `patched ${i}`).join('\n')}`;
    const outputs = results.map((result) => `${result.code} ${result.stdout.trim()}`);
    assert.deepEqual(outputs, Array(runs).fill(expected));
  });
});
