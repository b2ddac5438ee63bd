// The redis recipe against a real redis-server (Debian's redis-server package), started here on
// a Unix socket in a temporary directory (no TCP port) with a password, and stopped after: every
// command of ioredis and of node-redis (`redis`), pipelines and MULTI, errors, AUTH/HELLO
// redacted, values never in a line, and [req N] under the http recipe. Skipped, with the
// reason, where redis-server is not installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeApp, runNodeAsync } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';

const SERVER = ['/usr/bin/redis-server', '/usr/sbin/redis-server'].find((file) => existsSync(file));
const skip = SERVER === undefined ? 'redis-server is not installed (apt-get install redis-server)' : false;
const PASSWORD = 'pw-s3cret-9471';
let dir;
let server;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(path.join(tmpdir(), 'wrapt-redis-'));
  const args = [
    '--port',
    '0',
    '--unixsocket',
    path.join(dir, 'redis.sock'),
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--requirepass',
    PASSWORD,
  ];
  server = spawn(SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (chunk) => (log += chunk));
  server.stderr.on('data', (chunk) => (log += chunk));
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'redis.sock')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(existsSync(path.join(dir, 'redis.sock')), `redis-server did not start: ${log}`);
});

after(() => {
  if (server !== undefined && server.exitCode === null) server.kill('SIGTERM');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const APP = `'use strict';
const http = require('node:http');
const Redis = require('ioredis');
const { createClient } = require('redis');
const path = process.env.REDIS_SOCKET;
const password = process.env.REDIS_PASSWORD;
(async () => {
  const io = new Redis({ path, password });
  await io.flushdb();
  await io.set('user:1', 'hello');
  console.log(await io.get('user:1'));
  console.log(JSON.stringify(await io.pipeline().del('n').incr('n').hset('h', 'f', 'value-secret').exec()));
  console.log(JSON.stringify(await io.multi().set('a', '12345').get('a').exec()));
  await io.hget('user:1', 'x').catch((error) => console.log('io', error.message.split(' ')[0]));
  const nr = await createClient({ socket: { path }, password }).connect();
  await nr.set('user:2', 'world!');
  console.log(await nr.get('user:2'), await nr.get('missing'));
  console.log(JSON.stringify(await nr.multi().incr('n').get('user:2').exec()));
  console.log(JSON.stringify(await nr.multi().incr('n').hGetAll('h').execAsPipeline()));
  await nr.hGet('user:2', 'x').catch((error) => console.log('nr', error.message.split(' ')[0]));
  const server = http.createServer(async (req, res) => res.end((await io.get('user:1')) + ' ' + (await nr.get('user:2'))));
  server.listen(0, '127.0.0.1', () => {
    http.get({ host: '127.0.0.1', port: server.address().port, path: '/both' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', async () => {
        console.log(body);
        server.close();
        io.disconnect();
        await nr.quit();
      });
    });
  });
})();
`;
const STDOUT = [
  'hello',
  '[[null,0],[null,1],[null,1]]',
  '[[null,"OK"],[null,"12345"]]',
  'io WRONGTYPE',
  'world! null',
  '[2,"world!"]',
  '[3,{"f":"value-secret"}]',
  'nr WRONGTYPE',
  'hello world!',
  '',
].join('\n');

const REAL = ['ioredis', 'redis', '@redis/client', '@redis/bloom', '@redis/json', '@redis/search', '@redis/time-series'];
const serverEnv = () => ({ REDIS_SOCKET: path.join(dir, 'redis.sock'), REDIS_PASSWORD: PASSWORD });

test('without the recipe, the application prints what the test expects', { skip }, async () => {
  const plain = await runNodeAsync(makeApp({ real: REAL, files: { 'app.js': APP } }), ['app.js'], { env: serverEnv() });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, STDOUT);
  assert.equal(plain.stderr, '');
});

// On each Node that CI names (nodes.mjs), one at a time: the runs share the server (each starts
// with FLUSHDB).
for (const [major, node] of configuredNodes()) {
  test(
    `redis recipe on ioredis and node-redis, Node ${major}: commands and keys, values as sizes, replies summarised, AUTH/HELLO redacted, [req N]`,
    { skip },
    async () => {
      await checkRun(node);
    },
  );
}

async function checkRun(node) {
  const app = makeApp({ real: REAL, files: { 'app.js': APP } });
  const result = await runNodeAsync(app, ['--require', 'wrapt-hooks/register', 'app.js'], {
    node,
    env: { ...serverEnv(), WRAPT_PATCHES: 'wrapt-hooks/recipes/redis,wrapt-hooks/recipes/http' },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, STDOUT);
  assert.deepEqual(result.warnings, [], result.stderr);
  for (const secret of [PASSWORD, 'value-secret', '12345', 'hello', 'world!'])
    assert.ok(!result.stderr.includes(secret), `${secret} in a line:\n${result.stderr}`);
  const lines = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: redis '))
    .map((line) => line.replace(/ \d+\.\d+ms$/, ''))
    // The connection's own set-up (CLIENT SETINFO, INFO, …) depends on the client and server versions.
    .filter((line) => !/ (CLIENT|INFO|SELECT)\b/.test(line));
  assert.deepEqual(lines, [
    // ioredis
    'wrapt-hooks: redis HELLO [redacted] -> array(14)',
    'wrapt-hooks: redis FLUSHDB -> OK',
    'wrapt-hooks: redis SET user:1 [1 value, 5 bytes] -> OK',
    'wrapt-hooks: redis GET user:1 -> string(5)',
    'wrapt-hooks: redis DEL n -> 0',
    'wrapt-hooks: redis INCR n -> 1',
    'wrapt-hooks: redis HSET h [2 values, 13 bytes] -> 1',
    'wrapt-hooks: redis MULTI -> OK',
    'wrapt-hooks: redis SET a [1 value, 5 bytes] -> QUEUED',
    'wrapt-hooks: redis GET a -> QUEUED',
    'wrapt-hooks: redis EXEC -> array(2)',
    'wrapt-hooks: redis HGET user:1 [1 value, 1 byte] -> error WRONGTYPE Operation against a key holding the wrong kind of value',
    // node-redis
    'wrapt-hooks: redis HELLO [redacted] -> map(7)',
    'wrapt-hooks: redis SET user:2 [1 value, 6 bytes] -> OK',
    'wrapt-hooks: redis GET user:2 -> string(6)',
    'wrapt-hooks: redis GET missing -> nil',
    'wrapt-hooks: redis MULTI -> OK',
    'wrapt-hooks: redis INCR n -> QUEUED',
    'wrapt-hooks: redis GET user:2 -> QUEUED',
    'wrapt-hooks: redis EXEC -> array(2)',
    'wrapt-hooks: redis INCR n -> 3',
    'wrapt-hooks: redis HGETALL h -> map(1)',
    'wrapt-hooks: redis HGET user:2 [1 value, 1 byte] -> error WRONGTYPE Operation against a key holding the wrong kind of value',
    // During the incoming request, both clients' lines carry its id.
    'wrapt-hooks: redis [req 1] GET user:1 -> string(5)',
    'wrapt-hooks: redis [req 1] GET user:2 -> string(6)',
    'wrapt-hooks: redis QUIT -> OK',
  ]);
}
