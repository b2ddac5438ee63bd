// The sql recipe against a real PostgreSQL server (Debian's postgresql package): a throwaway
// cluster on a Unix socket in a temporary directory, started here and stopped after. pg's
// promise, callback, config-object and Pool forms, an error, and the SQL parameter values never
// in a line. Skipped, with the reason, where PostgreSQL is not installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeApp, runNode } from '../helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PORT = 54000 + (process.pid % 900);
const BIN = (() => {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const version = readdirSync(base).sort().pop();
  return version === undefined ? undefined : path.join(base, version, 'bin');
})();
const skip = BIN === undefined ? 'PostgreSQL is not installed (apt-get install postgresql)' : false;
let dir;

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root). */
function pgTool(tool, args) {
  const command = userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, tool), ...args]] : [path.join(BIN, tool), args];
  const result = spawnSync(command[0], command[1], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `${tool}: ${result.stderr}`);
}

before(() => {
  if (skip) return;
  dir = mkdtempSync(path.join(tmpdir(), 'wrapt-pg-'));
  if (userInfo().uid === 0) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), 0);
  pgTool('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres']);
  pgTool('pg_ctl', ['-D', path.join(dir, 'data'), '-o', `-k ${dir} -p ${PORT} -c listen_addresses=''`, '-l', path.join(dir, 'log'), '-w', 'start']);
});

after(() => {
  if (dir === undefined) return;
  try {
    pgTool('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sql recipe on pg: promise, callback, config object, Pool; changes, rows, done, errors; no parameter values', { skip }, () => {
  const app = makeApp({
    files: {
      'app.js': `'use strict';
const { Client, Pool } = require('pg');
const config = { host: process.env.PGHOST, port: Number(process.env.PGPORT), user: 'postgres', database: 'postgres' };
(async () => {
  const client = new Client(config);
  await client.connect();
  await client.query(\`CREATE TEMP TABLE users (
      id   serial PRIMARY KEY,
      name text UNIQUE
  )\`);
  await client.query('INSERT INTO users (name) VALUES ($1), ($2)', ['ann', 'hunter2']);
  console.log((await client.query({ text: 'SELECT name FROM users WHERE id > $1', values: [0] })).rows.length);
  await new Promise((resolve) => client.query('SELECT 1 AS x', (error, result) => { console.log('callback', result.rows[0].x); resolve(); }));
  await client.query('INSERT INTO users (name) VALUES ($1)', ['ann']).catch((error) => console.log('duplicate', error.code));
  const pool = new Pool(config);
  console.log((await pool.query('SELECT $1::int AS n', [7])).rows[0].n);
  // Errors that quote the parameter's value.
  await pool.query('SELECT $1::int AS n', ['Alice-SSN-123']).catch((error) => console.log('syntax', error.code));
  await pool.query('SELECT $1::int AS n', ['99999999999']).catch((error) => console.log('range', error.code));
  await pool.end();
  await client.end();
})();
`,
    },
  });
  symlinkSync(path.join(HERE, 'node_modules', 'pg'), path.join(app, 'node_modules', 'pg'), 'dir');
  for (const name of readdirSync(path.join(HERE, 'node_modules'))) {
    if (name !== 'pg' && !existsSync(path.join(app, 'node_modules', name)))
      symlinkSync(path.join(HERE, 'node_modules', name), path.join(app, 'node_modules', name), 'dir');
  }
  const env = { PGHOST: dir, PGPORT: String(PORT) };
  const plain = runNode(app, ['app.js'], { env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, '2\ncallback 1\nduplicate 23505\n7\nsyntax 22P02\nrange 22003\n');
  const result = runNode(app, ['--require', 'wrapt-hooks/register', 'app.js'], {
    env: { ...env, WRAPT_PATCHES: 'wrapt-hooks/recipes/sql', WRAPT_TRACE_SUMMARY: '1' },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, plain.stdout);
  for (const secret of ['hunter2', 'Alice-SSN-123', '99999999999']) assert.ok(!result.stderr.includes(secret), secret);
  // At exit, one summary line per statement, its literals as "?".
  assert.deepEqual(
    result.stderr
      .split('\n')
      .filter((line) => line.startsWith('wrapt-hooks: sql summary '))
      .map((line) => line.replace(/ p50=.*$/, '')),
    [
      'wrapt-hooks: sql summary CREATE TEMP TABLE users ( id serial PRIMARY KEY, name text UNIQUE ) calls=1 errors=0',
      'wrapt-hooks: sql summary INSERT INTO users (name) VALUES ($1), ($2) calls=1 errors=0',
      'wrapt-hooks: sql summary SELECT name FROM users WHERE id > $1 calls=1 errors=0',
      'wrapt-hooks: sql summary SELECT ? AS x calls=1 errors=0',
      'wrapt-hooks: sql summary INSERT INTO users (name) VALUES ($1) calls=1 errors=1',
      'wrapt-hooks: sql summary SELECT $1::int AS n calls=3 errors=2',
    ],
  );
  const lines = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: ') && !line.startsWith('wrapt-hooks: sql summary '))
    .map((line) => line.replace(/\d+\.\d+ms$/, 'Nms'));
  assert.deepEqual(lines, [
    'wrapt-hooks: sql CREATE TEMP TABLE users ( id serial PRIMARY KEY, name text UNIQUE ) [0 params] -> done Nms',
    'wrapt-hooks: sql INSERT INTO users (name) VALUES ($1), ($2) [2 params] -> 2 changes Nms',
    'wrapt-hooks: sql SELECT name FROM users WHERE id > $1 [1 param] -> 2 rows Nms',
    'wrapt-hooks: sql SELECT 1 AS x [0 params] -> 1 row Nms',
    'wrapt-hooks: sql INSERT INTO users (name) VALUES ($1) [1 param] -> error error [23505]: duplicate key value violates unique constraint "users_name_key" Nms',
    'wrapt-hooks: sql SELECT $1::int AS n [1 param] -> 1 row Nms',
    'wrapt-hooks: sql SELECT $1::int AS n [1 param] -> error error [22P02]: invalid input syntax for type integer: "[redacted]" Nms',
    'wrapt-hooks: sql SELECT $1::int AS n [1 param] -> error error [22003]: value "[redacted]" is out of range for type integer Nms',
  ]);
});
