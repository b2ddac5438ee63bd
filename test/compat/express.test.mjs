// express, the usual instrumentation target, as a real npm package (this suite's dependency):
// a CommonJS app timing a real HTTP request, and examples/esm-express run as its README says,
// from a copy of the example whose node_modules links express from test/compat/node_modules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { assertClean, lines, makeApp, path, ROOT, runNodeAsync } from '../helpers.mjs';

/** A copy of examples/esm-express with express installed. */
function example() {
  const dir = makeApp({ real: ['express'] });
  cpSync(path.join(ROOT, 'examples', 'esm-express'), dir, { recursive: true });
  return dir;
}

test('a CommonJS app: a patch times routes through wrapFunctionWrapper; a real HTTP request on 127.0.0.1', async () => {
  const app = makeApp({
    real: ['express'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          express: [
            { patch: './patches/express-timing.js', versions: '>=5 <6' },
            { patch: './patches/express-timing.js#never', versions: '<5' },
          ],
          'express/lib/application.js': './patches/express-timing.js#application',
        },
      },
      'patches/express-timing.js': `
        const { wrapFunctionWrapper, isWrapped } = require('wrapt-hooks');
        module.exports = function expressTiming(express, info) {
          console.log('patching ' + info.name + ' ' + info.version.split('.')[0] + '.x ' + info.format + ' ' + typeof express.Router);
          wrapFunctionWrapper(express.application, 'handle', (wrapped, app, args) => {
            const [req, res] = args;
            const start = process.hrtime.bigint();
            res.setHeader('x-timed-by', 'wrapt-hooks');
            res.on('finish', () => {
              const ms = Number(process.hrtime.bigint() - start) / 1e6;
              console.log('timed ' + req.method + ' ' + req.originalUrl + ' ' + res.statusCode + ' ' + (ms >= 0 ? 'in some ms' : 'negative time'));
            });
            return wrapped(...args);
          });
        };
        module.exports.never = () => console.log('express 4 patch must not run');
        module.exports.application = (application, info) => {
          console.log('patching ' + info.target + ' ' + path(info.filename) + ' ' + typeof application.handle + ' ' + isWrapped(application.handle));
        };
        function path(file) { return file.split(/[\\\\/]/).slice(-2).join('/'); }
      `,
      'app.js': `
        const http = require('node:http');
        const express = require('express');
        const app = express();
        app.get('/hello/:name', (req, res) => res.send('hello ' + req.params.name));
        const server = app.listen(0, '127.0.0.1', () => {
          const { port } = server.address();
          http.get({ host: '127.0.0.1', port, path: '/hello/world' }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => {
              console.log('response ' + res.statusCode + ' ' + body + ' ' + res.headers['x-timed-by']);
              server.close();
            });
          });
        });
      `,
    },
  });
  const result = await runNodeAsync(app, ['--require', 'wrapt-hooks/register', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, [], result.stderr);
  const out = lines(result.stdout);
  assert.deepEqual(out.slice(0, 2), ['patching express/lib/application.js lib/application.js function false', 'patching express 5.x commonjs function']);
  assert.deepEqual(out.slice(2).sort(), ['response 200 hello world wrapt-hooks', 'timed GET /hello/world 200 in some ms']);
});

describe('examples/esm-express', { concurrency: 2 }, () => {
  test('runs as its README says and logs each request', async () => {
    const readme = readFileSync(path.join(ROOT, 'examples', 'esm-express', 'README.md'), 'utf8');
    const snippet = readme.match(/```sh\n(cd examples\/esm-express && node .*)\n```/);
    assert.ok(snippet, 'README.md has a ```sh block with the command');
    const [, command] = snippet;
    const [, dir, args] = command.match(/^cd (\S+) && node (.*)$/);
    assert.equal(dir, 'examples/esm-express');
    const result = await runNodeAsync(example(), args.split(' '));
    assertClean(result);
    assert.deepEqual(lines(result.stdout), ['client: /hello/ada -> 200 hello ada', 'client: /slow -> 200 {"slow":true}', 'client: /missing -> 404 (no page)']);
    const log = lines(result.stderr);
    assert.match(log[0], /^\[timing\] patching express@5\.\d+\.\d+ \(commonjs\)$/);
    assert.equal(log.length, 4, result.stderr);
    assert.match(log[1], /^\[timing\] GET \/hello\/ada 200 \d+\.\dms \(route \/hello\/:name\)$/);
    assert.match(log[2], /^\[timing\] GET \/slow 200 \d+\.\dms \(route \/slow\)$/);
    assert.match(log[3], /^\[timing\] GET \/missing 404 \d+\.\dms$/);
  });

  test('--require works the same; without a preload nothing is logged', async () => {
    const dir = example();
    const [required, bare] = await Promise.all([runNodeAsync(dir, ['--require', 'wrapt-hooks/register', 'app.mjs']), runNodeAsync(dir, ['app.mjs'])]);
    assertClean(required);
    assert.equal(lines(required.stderr).filter((line) => line.startsWith('[timing] GET ')).length, 3, required.stderr);
    assertClean(bare);
    assert.equal(bare.stderr, '');
    assert.equal(lines(bare.stdout).length, 3);
  });
});
