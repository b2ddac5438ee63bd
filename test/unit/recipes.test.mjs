// In-process: the recipes' pure parts — SQL collapsing and parameter counting, command lines,
// the redaction of credentials (docs/recipes.md) — and how a recipe is found inside the package.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
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
  assert.deepEqual(recipeDiscover.recipeNames(), ['child_process', 'http', 'sql', 'tempfile']);
  assert.equal(recipeDiscover.ownRoot(), ROOT);
  assert.deepEqual(recipeDiscover.recipeRoot('wrapt-hooks/recipes/http'), { root: path.join(ROOT, 'recipes', 'http') });
  assert.match(recipeDiscover.recipeRoot('wrapt-hooks/recipes/../x').problem, /is not a recipe of wrapt-hooks \(a recipe is a lower-case name\)/);
  const found = discovery.discover('wrapt-hooks/recipes/sql', '/nowhere', 'WRAPT_PATCHES');
  assert.deepEqual(found.problems, []);
  assert.equal(found.root, path.join(ROOT, 'recipes', 'sql'));
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
  assert.deepEqual(recipeDiscover.recipeChannels(path.join(ROOT, 'recipes', 'http')), [
    { channel: 'undici:request:create', file: path.join(ROOT, 'recipes', 'http', 'index.js'), exportName: 'onFirstUndiciRequest' },
  ]);
  // Every recipe's patch specifiers name functions its module exports.
  for (const name of recipeDiscover.recipeNames()) {
    const recipe = discovery.discover(`wrapt-hooks/recipes/${name}`, '/nowhere', 'test');
    const exports = require(path.join(ROOT, 'recipes', name, 'index.js'));
    for (const patch of recipe.patches) assert.equal(typeof exports[patch.spec.split('#')[1]], 'function', `${name}: ${patch.spec}`);
  }
});

test('sqlError: the values a driver quotes from the query are left out', () => {
  const dup = Object.assign(new Error("Duplicate entry 'hunter2' for key 'name'"), { code: 'ER_DUP_ENTRY' });
  assert.equal(recipeSql.sqlError(dup), "Error [ER_DUP_ENTRY]: Duplicate entry '…' for key 'name'");
  const syntax = Object.assign(new Error('invalid input syntax for type integer: "s3cret"'), { code: '22P02' });
  assert.equal(recipeSql.sqlError(syntax), 'Error [22P02]: invalid input syntax for type integer: "…"');
});
