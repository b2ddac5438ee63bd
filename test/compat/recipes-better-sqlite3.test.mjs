// The sql recipe on the real better-sqlite3 (a native addon, installed by this suite): `exec`
// and DDL say `done`, never a row count; a statement that fails when it is prepared (a syntax
// error, a missing table) is a line with the error; parameter values never reach a line.
// Skipped, with the reason, where the addon was built for another Node than the one running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeApp, runNode } from '../helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODULE = path.join(HERE, 'node_modules', 'better-sqlite3');
const loads = spawnSync(process.execPath, ['-e', `new (require(${JSON.stringify(MODULE)}))(':memory:')`], { encoding: 'utf8' });
const skip =
  loads.status === 0
    ? false
    : `better-sqlite3 does not load on Node ${process.version}: ${loads.stderr.split('\n').find((line) => line.includes('Error')) ?? ''}`;

test('sql recipe on better-sqlite3: exec and DDL say done; prepare errors are lines; rows and changes; no parameter values', { skip }, () => {
  const app = makeApp({
    files: {
      'app.js': `'use strict';
const Database = require('better-sqlite3');
const db = new Database(':memory:');
db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE)');
db.prepare('CREATE INDEX users_name ON users (name)').run();
const insert = db.prepare('INSERT INTO users (name) VALUES (?)');
insert.run('ann');
insert.run('hunter2');
console.log(db.prepare('SELECT name FROM users').all().length);
try { db.prepare('SELEC 1'); } catch (error) { console.log(error.code); }
try { db.prepare('SELECT * FROM missing WHERE x = ?'); } catch (error) { console.log(error.code); }
try { insert.run('ann'); } catch (error) { console.log(error.code); }
`,
    },
  });
  symlinkSync(MODULE, path.join(app, 'node_modules', 'better-sqlite3'), 'dir');
  for (const dependency of ['bindings', 'file-uri-to-path'])
    symlinkSync(path.join(HERE, 'node_modules', dependency), path.join(app, 'node_modules', dependency), 'dir');
  const plain = runNode(app, ['app.js']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, '2\nSQLITE_ERROR\nSQLITE_ERROR\nSQLITE_CONSTRAINT_UNIQUE\n');
  const result = runNode(app, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/sql' } });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, plain.stdout);
  assert.ok(!result.stderr.includes('hunter2'));
  const lines = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: '))
    .map((line) => line.replace(/\d+\.\d+ms$/, 'Nms'));
  assert.deepEqual(lines, [
    'wrapt-hooks: sql CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE) [0 params] -> done Nms',
    'wrapt-hooks: sql CREATE INDEX users_name ON users (name) [0 params] -> done Nms',
    'wrapt-hooks: sql INSERT INTO users (name) VALUES (?) [1 param] -> 1 change Nms',
    'wrapt-hooks: sql INSERT INTO users (name) VALUES (?) [1 param] -> 1 change Nms',
    'wrapt-hooks: sql SELECT name FROM users [0 params] -> 2 rows Nms',
    'wrapt-hooks: sql SELEC 1 [0 params] -> error SqliteError [SQLITE_ERROR]: near "SELEC": syntax error Nms',
    'wrapt-hooks: sql SELECT * FROM missing WHERE x = ? [0 params] -> error SqliteError [SQLITE_ERROR]: no such table: missing Nms',
    'wrapt-hooks: sql INSERT INTO users (name) VALUES (?) [1 param] -> error SqliteError [SQLITE_CONSTRAINT_UNIQUE]: UNIQUE constraint failed: users.name Nms',
  ]);
});
