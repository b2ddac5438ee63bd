// In-process: the recipes' pure parts — SQL collapsing and parameter counting, command lines,
// the redaction of credentials (docs/recipes.md) — and how a recipe is found inside the package.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { internals } from './internals.mjs';
import { createRequire } from 'node:module';
import { ROOT } from '../helpers.mjs';

const require = createRequire(import.meta.url);

const { recipeSql, recipeChildProcess, traceFormat, recipeDiscover, discovery } = internals();

test('collapseSql: whitespace collapsed; quoted passwords in DDL redacted; the rest kept whole', () => {
  assert.equal(recipeSql.collapseSql('  SELECT qty\n\t FROM orders\n WHERE user_id = ?  '), 'SELECT qty FROM orders WHERE user_id = ?');
  const long = `SELECT ${'a, '.repeat(100)}b FROM t`;
  assert.equal(recipeSql.collapseSql(long), long, 'never cut');
  assert.equal(recipeSql.collapseSql("ALTER USER app PASSWORD 'hunter2'"), "ALTER USER app PASSWORD '[redacted]'");
  assert.equal(recipeSql.collapseSql("CREATE USER 'x'@'%' IDENTIFIED BY 'hunter2'"), "CREATE USER 'x'@'%' IDENTIFIED BY '[redacted]'");
});

test('countParams: positional values, and the keys of a named-parameter object', () => {
  assert.equal(recipeSql.countParams([]), 0);
  assert.equal(recipeSql.countParams([1, 'a', null, new Date(), Buffer.from('x')]), 5);
  assert.equal(recipeSql.countParams([{ min: 0, max: 3 }]), 2);
  assert.equal(recipeSql.countParams([{ min: 0 }, 7]), 2);
});

test('commandLine: how each form is shown, quoted where a shell would need it, secrets redacted', () => {
  const node = path.basename(process.execPath);
  assert.equal(recipeChildProcess.commandLine('spawn', ['ls', ['-la', 'my dir']]), "ls -la 'my dir'");
  assert.equal(recipeChildProcess.commandLine('spawn', ['ls']), 'ls');
  assert.equal(recipeChildProcess.commandLine('fork', ['worker.js', ['a']]), `${node} worker.js a`);
  assert.equal(recipeChildProcess.commandLine('exec', ['cat x | wc -l']), 'cat x | wc -l');
  assert.equal(
    recipeChildProcess.commandLine('spawn', ['psql', ['postgres://app:s3cret@db/app', '--password=hunter2']]),
    'psql postgres://app:[redacted]@db/app --password=[redacted]',
  );
  assert.equal(recipeChildProcess.commandLine('execSync', ['PGPASSWORD=hunter2 psql -c "select 1"']), 'PGPASSWORD=[redacted] psql -c "select 1"');
  assert.equal(
    recipeChildProcess.commandLine('exec', ['curl -H "Authorization: Bearer abc.def" https://x']),
    'curl -H "Authorization: Bearer [redacted]" https://x',
  );
});

test('redactUrl: passwords and secret-looking query values; other parameters kept', () => {
  assert.equal(
    traceFormat.redactUrl('https://bob:pw@example.com/a?page=2&token=abc&api_key=k&sig=s#frag'),
    'https://bob:[redacted]@example.com/a?page=2&token=[redacted]&api_key=[redacted]&sig=[redacted]#frag',
  );
  assert.equal(traceFormat.redactUrl('/users/3?password=x&q=ok'), '/users/3?password=[redacted]&q=ok');
  assert.equal(traceFormat.redactUrl('/plain/path'), '/plain/path');
});

test('recipes live in this package: names, directories, discovery as a patch package, lazy channels', () => {
  // A recipe is a folder of src/recipes/ holding a package.json; the build ships each one.
  const folders = readdirSync(path.join(ROOT, 'src', 'recipes'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(ROOT, 'src', 'recipes', entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();
  assert.ok(folders.includes('http') && folders.includes('sql'));
  assert.deepEqual(recipeDiscover.recipeNames(), folders);
  assert.equal(recipeDiscover.ownRoot(), ROOT);
  assert.deepEqual(recipeDiscover.recipeRoot('wrapt-hooks/recipes/http'), { root: path.join(ROOT, 'dist', 'recipes', 'http') });
  assert.match(recipeDiscover.recipeRoot('wrapt-hooks/recipes/../x').problem, /is not a recipe of wrapt-hooks \(a recipe is a lower-case name\)/);
  const found = discovery.discover('wrapt-hooks/recipes/sql', '/nowhere', 'WRAPT_PATCHES');
  assert.deepEqual(found.problems, []);
  assert.equal(found.root, path.join(ROOT, 'dist', 'recipes', 'sql'));
  const [major, minor] = process.versions.node.split('.').map(Number);
  const sqlite = major > 22 || (major === 22 && minor >= 13) ? [['node:sqlite', './index.js#patchNodeSqlite', '>=22.13']] : [];
  assert.deepEqual(
    found.patches.map((p) => [p.target, p.spec, p.versions]),
    [
      ...sqlite,
      ['better-sqlite3', './index.js#patchBetterSqlite3', undefined],
      ['pg', './index.js#patchPg', undefined],
      ['mysql2/lib/connection.js', './index.js#patchMysql2', undefined],
    ],
  );
  assert.deepEqual(recipeDiscover.recipeChannels(path.join(ROOT, 'dist', 'recipes', 'http')), [
    { channel: 'undici:request:create', file: path.join(ROOT, 'dist', 'recipes', 'http', 'index.js'), exportName: 'onFirstUndiciRequest' },
  ]);
  // Every recipe's patch specifiers name functions its module exports.
  for (const name of recipeDiscover.recipeNames()) {
    const recipe = discovery.discover(`wrapt-hooks/recipes/${name}`, '/nowhere', 'test');
    const exports = require(path.join(ROOT, 'dist', 'recipes', name, 'index.js'));
    for (const patch of recipe.patches) assert.equal(typeof exports[patch.spec.split('#')[1]], 'function', `${name}: ${patch.spec}`);
  }
});

test('sqlError: the values a driver quotes from the query are left out', () => {
  const dup = Object.assign(new Error("Duplicate entry 'hunter2' for key 'name'"), { code: 'ER_DUP_ENTRY' });
  assert.equal(recipeSql.sqlError(dup), "Error [ER_DUP_ENTRY]: Duplicate entry '[redacted]' for key 'name'");
  const syntax = Object.assign(new Error('invalid input syntax for type integer: "s3cret"'), { code: '22P02' });
  assert.equal(recipeSql.sqlError(syntax), 'Error [22P02]: invalid input syntax for type integer: "[redacted]"');
});

test('summary keys: statements with literals as ?, paths with numeric and UUID segments as :id, command names', () => {
  const { statementKey, pathKey } = internals().traceKeys;
  assert.equal(statementKey("SELECT * FROM t1 WHERE id = 42 AND name = 'o''brien' AND x > 1.5"), 'SELECT * FROM t1 WHERE id = ? AND name = ? AND x > ?');
  assert.equal(statementKey('SELECT $1::int, col2 FROM "tab 3" WHERE a = :name3 LIMIT 10'), 'SELECT $1::int, col2 FROM "tab 3" WHERE a = :name3 LIMIT ?');
  assert.equal(statementKey("INSERT INTO t (a, b) VALUES (0x1F, 'it\\'s'), (-7, 1e3)"), 'INSERT INTO t (a, b) VALUES (?, ?), (-?, ?)');
  assert.equal(statementKey("SELECT 'unterminated"), 'SELECT ?');
  assert.equal(statementKey('SELECT "unterminated'), 'SELECT "unterminated');
  assert.equal(pathKey('/users/3?token=x'), '/users/:id');
  assert.equal(pathKey('/orders/a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11/items/12#top'), '/orders/:id/items/:id');
  assert.equal(pathKey('http://127.0.0.1:8080/v2/rates/7'), 'http://127.0.0.1:8080/v2/rates/:id');
  assert.equal(recipeChildProcess.commandName('/usr/bin/git status -s'), 'git');
  assert.equal(recipeChildProcess.commandName('ls'), 'ls');
  // Hostile input is one pass: a megabyte of quotes, digits or names is done at once.
  for (const hostile of ["'".repeat(1 << 20), '1'.repeat(1 << 20), `a${' 1'.repeat(1 << 19)}`, '"'.repeat(1 << 20), "\\'".repeat(1 << 19)])
    assert.ok(statementKey(hostile).length <= hostile.length);
});

test('summary table: one line per key in first-seen order; past the cap, events are folded into one line that says so', () => {
  const { recipeSummary } = internals();
  const table = new recipeSummary.SummaryTable('sql', 3);
  for (const [key, ms, failed] of [
    ['SELECT ?', 1, false],
    ['UPDATE t SET a = ?', 2, true],
    ['SELECT ?', 3, false],
    ['DELETE FROM t', 4, false],
    ['INSERT INTO a VALUES (?)', 5, false],
    ['INSERT INTO b VALUES (?)', 6, true],
    ['SELECT ?', 7, false],
  ])
    table.record(key, ms, failed);
  table.record('x'.repeat(1000), 1, false);
  assert.deepEqual(
    table.lines().map((line) => line.text),
    [
      'summary SELECT ? calls=3 errors=0 p50=3.00ms p95=7.00ms max=7.00ms',
      'summary UPDATE t SET a = ? calls=1 errors=1 p50=2.00ms p95=2.00ms max=2.00ms',
      'summary DELETE FROM t calls=1 errors=0 p50=4.00ms p95=4.00ms max=4.00ms',
      'summary (other: past 3 distinct, folded) calls=3 errors=1 p50=5.00ms p95=6.00ms max=6.00ms',
    ],
  );
  assert.deepEqual(table.lines()[3].fields, { summary: true, calls: 3, errors: 1, p50: 5, p95: 6, max: 6, recipe: 'sql', key: null, folded: true });
  assert.equal(table.lines()[0].fields.key, 'SELECT ?');
  assert.equal(recipeSummary.summaryOf('sql'), undefined, 'off unless turned on: nothing is counted');
});

test('redis: a command as its name and key, other arguments as count and size, AUTH/HELLO redacted; replies as kind and size', () => {
  const { recipeRedis } = internals();
  const { describeCommand, describeReply } = recipeRedis;
  assert.equal(describeCommand('get', ['user:1']), 'GET user:1');
  assert.equal(describeCommand('set', ['user:1', 'hello']), 'SET user:1 [1 value, 5 bytes]');
  assert.equal(describeCommand('HSET', [Buffer.from('h'), 'f', Buffer.from('é')]), 'HSET h [2 values, 3 bytes]');
  assert.equal(describeCommand('auth', ['user', 'hunter2']), 'AUTH [redacted]');
  assert.equal(describeCommand('HELLO', ['3', 'AUTH', 'default', 'hunter2']), 'HELLO [redacted]');
  assert.equal(describeCommand('PUBLISH', ['news', 'secret text']), 'PUBLISH [2 args, 15 bytes]');
  assert.equal(describeCommand('ping', []), 'PING');
  assert.equal(describeCommand('GET', [`a\nb${'k'.repeat(300)}`]), `GET a?b${'k'.repeat(197)}…`);
  assert.deepEqual(
    ['hello', Buffer.from('hello'), 'OK', Buffer.from('QUEUED'), null, 3, [1, 2], { f: 'v' }, new Map([[1, 2]]), new Error('ERR bad\nmore')].map(describeReply),
    ['string(5)', 'string(5)', 'OK', 'QUEUED', 'nil', '3', 'array(2)', 'map(1)', 'map(1)', 'error ERR bad'],
  );
});
