// The http recipe's routes and summaries against real frameworks (this suite's dependencies):
// express 4 and 5 (a route, and one in a mounted router), koa with @koa/router, and fastify,
// each serving on 127.0.0.1 in one application, as CommonJS (--require) on each Node that CI
// names (nodes.mjs) and as an ES module (--import).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNodeAsync } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';

const APP = `
function expressApp(express) {
  const app = express();
  app.get('/users/:id', (req, res) => res.send('user ' + req.params.id));
  const api = express.Router();
  api.get('/items/:item', (req, res) => setTimeout(() => res.status(201).send('item'), 1));
  app.use('/api', api);
  return app;
}
function koaApp() {
  const app = new Koa();
  const router = new Router();
  router.get('/users/:id', (ctx) => { ctx.body = 'user ' + ctx.params.id; });
  app.use(router.routes());
  return app.callback();
}
async function fastifyServer() {
  const app = fastify();
  app.get('/users/:id', async (request) => 'user ' + request.params.id);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server;
}
function listen(handler) {
  return new Promise((resolve) => { const server = http.createServer(handler).listen(0, '127.0.0.1', () => resolve(server)); });
}
function get(server, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.address().port, path }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
  });
}
(async () => {
  const servers = { express4: await listen(expressApp(express4)), express5: await listen(expressApp(express5)), koa: await listen(koaApp()), fastify: await fastifyServer() };
  for (const [name, server] of Object.entries(servers)) {
    const statuses = [];
    for (const path of ['/users/3', '/users/4?q=1', '/api/items/7', '/nowhere/12/a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']) statuses.push(await get(server, path));
    console.log(name, statuses.join(' '));
    server.close();
  }
})();
`;
const CJS = `'use strict';
const http = require('node:http');
const express4 = require('express4');
const express5 = require('express');
const Koa = require('koa');
const Router = require('@koa/router');
const fastify = require('fastify');
${APP}`;
const ESM = `import http from 'node:http';
import express4 from 'express4';
import express5 from 'express';
import Koa from 'koa';
import Router from '@koa/router';
import fastify from 'fastify';
${APP}`;

const STDOUT = 'express4 200 200 201 404\nexpress5 200 200 201 404\nkoa 200 200 404 404\nfastify 200 200 404 404\n';
const ROUTES = '(route /users/:id)';
const IN_LINES = [
  ...['express4', 'express5'].flatMap(() => [
    `in GET /users/3 ${ROUTES} -> 200`,
    `in GET /users/4?q=1 ${ROUTES} -> 200`,
    'in GET /api/items/7 (route /api/items/:item) -> 201',
    'in GET /nowhere/12/a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 -> 404',
  ]),
  ...['koa', 'fastify'].flatMap(() => [
    `in GET /users/3 ${ROUTES} -> 200`,
    `in GET /users/4?q=1 ${ROUTES} -> 200`,
    'in GET /api/items/7 -> 404',
    'in GET /nowhere/12/a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 -> 404',
  ]),
];
// One line per method and route; without a route, numeric and UUID segments are ":id".
const IN_SUMMARY = [
  'in GET /users/:id calls=8 errors=0',
  'in GET /api/items/:item calls=2 errors=0',
  'in GET /nowhere/:id/:id calls=4 errors=0',
  'in GET /api/items/:id calls=2 errors=0',
];

function check(result) {
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, STDOUT);
  assert.deepEqual(result.warnings, [], result.stderr);
  const inLines = result.stderr
    .split('\n')
    .filter((line) => / in GET /.test(line) && !line.includes(' summary '))
    .map((line) => line.replace(/^wrapt-hooks: http \[req \d+\] /, '').replace(/ \d+\.\d+ms$/, ''));
  assert.deepEqual(inLines, IN_LINES, result.stderr);
  const summary = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: http summary in '))
    .map((line) => line.replace('wrapt-hooks: http summary ', '').replace(/ p50=\S+ p95=\S+ max=\S+$/, ''));
  assert.deepEqual(summary, IN_SUMMARY, result.stderr);
}

const env = { WRAPT_PATCHES: 'wrapt-hooks/recipes/http', WRAPT_TRACE_SUMMARY: '1' };
const REAL = ['express4', 'express', 'koa', '@koa/router', 'fastify'];
describe('http recipe: framework routes and summaries', { concurrency: 2 }, () => {
  for (const [major, node] of configuredNodes()) {
    test(`CommonJS, --require, Node ${major}`, async () => {
      const app = makeApp({ real: REAL, files: { 'app.js': CJS } });
      check(await runNodeAsync(app, ['--require', 'wrapt-hooks/register', 'app.js'], { env, node }));
    });
  }
  test('ES module, --import, this Node', async () => {
    const app = makeApp({ real: REAL, files: { 'app.mjs': ESM } });
    check(await runNodeAsync(app, ['--import', 'wrapt-hooks/register', 'app.mjs'], { env }));
  });
  test('without the recipe, the application runs the same', async () => {
    const app = makeApp({ real: REAL, files: { 'app.js': CJS } });
    const result = await runNodeAsync(app, ['app.js']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, STDOUT);
    assert.equal(result.stderr, '');
  });
});
