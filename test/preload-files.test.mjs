// The preload's files (scripts/build.mjs): a start reads dist/thread.js (which thread is this?)
// and dist/preload.js only; the rest (dist/on-demand.js: the library, tracing, recipes,
// discovery, ...) loads at its first use and takes every module it shares with the first file
// from it, so there is one copy of each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNode, ROOT, path, lines } from './helpers.mjs';

test('a start reads dist/thread.js and dist/preload.js only; a patch that requires the library loads dist/on-demand.js, which uses the same modules', () => {
  const app = makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
      'patches/os.js': `
        const { WraptHooksError, isWrapped } = require('wrapt-hooks');
        module.exports = (os) => { os.seen = { WraptHooksError, isWrapped }; };
      `,
      'app.js': `
        const path = require('node:path');
        const dist = ${JSON.stringify(path.join(ROOT, 'dist'))};
        const loaded = () => Object.keys(require.cache).filter((file) => file.startsWith(dist + path.sep)).map((file) => path.relative(dist, file)).sort();
        console.log('at start', loaded().join(' '));
        const os = require('node:os');
        console.log('after the patch', loaded().join(' '));
        const preload = require(path.join(dist, 'preload.js'));
        console.log('one error class', os.seen.WraptHooksError === preload.sharedModule('errors.ts').WraptHooksError);
        console.log('one wrappers module', os.seen.isWrapped === preload.sharedModule('wrap/wrappers.ts').isWrapped);
      `,
    },
  });
  const result = runNode(app, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  assert.deepEqual(lines(result.stdout), [
    'at start preload.js thread.js',
    'after the patch index.js on-demand.js preload.js thread.js',
    'one error class true',
    'one wrappers module true',
  ]);
});
