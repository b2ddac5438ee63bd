// The sql recipe against a real MariaDB server (Debian's mariadb-server package): a throwaway
// server on a Unix socket in a temporary directory, started here and stopped after. mysql2's
// callback, execute, event-emitter, promise and pool forms, an error, and the SQL parameter
// values never in a line. Skipped, with the reason, where MariaDB is not installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeApp, runNode } from '../helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const which = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined;
const INSTALL = which('mariadb-install-db');
const SERVER = existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : which('mariadbd');
const skip = INSTALL === undefined || SERVER === undefined ? 'MariaDB is not installed (apt-get install mariadb-server)' : false;
let dir;
let server;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(path.join(tmpdir(), 'wrapt-mariadb-'));
  const asUser = userInfo().uid === 0 ? ['--user=mysql'] : [];
  if (userInfo().uid === 0) spawnSync('chown', ['mysql', dir]);
  const installed = spawnSync(INSTALL, ['--no-defaults', `--datadir=${dir}/data`, ...asUser, '--auth-root-authentication-method=normal', '--skip-test-db'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(installed.status, 0, installed.stderr);
  server = spawn(
    SERVER,
    ['--no-defaults', `--datadir=${dir}/data`, `--socket=${dir}/sock`, '--skip-networking', ...asUser, `--pid-file=${dir}/pid`, `--log-error=${dir}/err.log`],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 120 && !existsSync(path.join(dir, 'sock')); i++) await sleep(250);
  assert.ok(existsSync(path.join(dir, 'sock')), 'the server started');
});

after(async () => {
  if (server !== undefined) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('sql recipe on mysql2: callback, execute, events, promise, pool; changes, rows, errors; no parameter values', { skip }, () => {
  const app = makeApp({
    files: {
      'app.js': `'use strict';
const mysql = require('mysql2');
const mysqlPromise = require('mysql2/promise');
const config = { socketPath: process.env.MYSOCK, user: 'root', database: 'mysql' };
(async () => {
  const conn = mysql.createConnection(config);
  await new Promise((resolve) => conn.query(\`CREATE TEMPORARY TABLE users (
      id INT AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(20) UNIQUE
  )\`, resolve));
  await new Promise((resolve) => conn.query('INSERT INTO users (name) VALUES (?), (?)', ['ann', 'hunter2'], (error, result) => { console.log('affected', result.affectedRows); resolve(); }));
  await new Promise((resolve) => conn.execute('SELECT name FROM users WHERE id > ?', [0], (error, rows) => { console.log('rows', rows.length); resolve(); }));
  await new Promise((resolve) => conn.query('INSERT INTO users (name) VALUES (?)', ['hunter2'], (error) => { console.log('duplicate', error.code); resolve(); }));
  await new Promise((resolve) => { const query = conn.query('SELECT 1 AS x UNION SELECT 2'); query.on('result', () => {}); query.on('end', resolve); });
  conn.end();
  const promised = await mysqlPromise.createConnection(config);
  console.log('promise', (await promised.query('SELECT ? AS n', [7]))[0][0].n);
  console.log('execute', (await promised.execute('SELECT ? AS n', [8]))[0][0].n);
  await promised.end();
  const pool = mysql.createPool(config);
  await new Promise((resolve) => pool.query('SELECT 3 AS y', (error, rows) => { console.log('pool', rows[0].y); resolve(); }));
  await pool.promise().end();
})();
`,
    },
  });
  for (const name of readdirSync(path.join(HERE, 'node_modules'))) {
    if (!name.startsWith('.') && !existsSync(path.join(app, 'node_modules', name)))
      symlinkSync(path.join(HERE, 'node_modules', name), path.join(app, 'node_modules', name), 'dir');
  }
  const env = { MYSOCK: path.join(dir, 'sock') };
  const plain = runNode(app, ['app.js'], { env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, 'affected 2\nrows 2\nduplicate ER_DUP_ENTRY\npromise 7\nexecute 8\npool 3\n');
  const result = runNode(app, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { ...env, WRAPT_PATCHES: 'wrapt-hooks/recipes/sql' } });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, plain.stdout);
  assert.ok(!result.stderr.includes('hunter2'), result.stderr);
  const lines = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: '))
    .map((line) => line.replace(/\d+\.\d+ms$/, 'Nms'));
  assert.deepEqual(lines, [
    'wrapt-hooks: sql CREATE TEMPORARY TABLE users ( id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) UNIQUE ) [0 params] -> done Nms',
    'wrapt-hooks: sql INSERT INTO users (name) VALUES (?), (?) [2 params] -> 2 changes Nms',
    'wrapt-hooks: sql SELECT name FROM users WHERE id > ? [1 param] -> 2 rows Nms',
    "wrapt-hooks: sql INSERT INTO users (name) VALUES (?) [1 param] -> error Error [ER_DUP_ENTRY]: Duplicate entry '[redacted]' for key 'name' Nms",
    'wrapt-hooks: sql SELECT 1 AS x UNION SELECT 2 [0 params] -> 2 rows Nms',
    'wrapt-hooks: sql SELECT ? AS n [1 param] -> 1 row Nms',
    'wrapt-hooks: sql SELECT ? AS n [1 param] -> 1 row Nms',
    'wrapt-hooks: sql SELECT 3 AS y [0 params] -> 1 row Nms',
  ]);
});
