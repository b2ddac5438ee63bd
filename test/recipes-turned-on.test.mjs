// The recipes (docs/recipes.md) as users turn them on (WRAPT_PATCHES, "packages", `run --recipe`),
// against real things: a real HTTP server with Node's fetch, undici's own API and http.get;
// node:sqlite as a real database (Node 22.13+); real child processes; real temporary
// directories. Credentials never reach a line; the application's output is unchanged (each
// test states what its app prints without the preload).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { assertClean, makeApp, NODE, ROOT, runCommand, runNode } from './helpers.mjs';

const REQUIRE = ['--require', 'wrapt-hooks/register'];
const [major, minor] = process.versions.node.split('.').map(Number);
const HAS_SQLITE = major > 22 || (major === 22 && minor >= 13);
const GREETER = {
  'package.json': { name: 'greeter', version: '1.0.0', main: 'index.js' },
  'index.js': `exports.shout = function shout(s) { return String(s).toUpperCase(); };\n`,
};

/** wrapt-hooks lines without the prefix; times, ports and temporary names made stable. */
function events(stderr) {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('wrapt-hooks: '))
    .map((line) =>
      line
        .slice('wrapt-hooks: '.length)
        .replace(/\d+\.\d+ms/g, 'Nms')
        .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT'),
    );
}

test('http: incoming requests, outgoing fetch (global and undici), undici.request and http.get, errors; [req N] on every line of a request', () => {
  const app = makeApp({
    packages: { greeter: GREETER },
    real: ['undici'],
    files: {
      'app.js': `'use strict';
const http = require('http');
const undici = require('undici');
const { shout } = require('greeter');
let base;
const server = http.createServer(async (req, res) => {
  shout(req.url);
  if (req.url === '/users/3') {
    const rates = await fetch(base + '/rates?token=s3cret', { headers: { authorization: 'Bearer t0ken' } });
    await rates.text();
    res.end('user 3');
  } else {
    res.statusCode = 404;
    res.end();
  }
});
const closedPort = () => new Promise((resolve) => { const s = http.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
server.listen(0, '127.0.0.1', async () => {
  base = 'http://127.0.0.1:' + server.address().port;
  console.log(await (await fetch(base + '/users/3')).text());
  console.log((await undici.fetch(base + '/a')).status);
  const b = await undici.request(base + '/b'); await b.body.text(); console.log(b.statusCode);
  await new Promise((resolve) => http.get('http://bob:hunter2@127.0.0.1:' + server.address().port + '/c?api_key=k3y', (r) => { console.log(r.statusCode); r.resume(); r.on('end', resolve); }));
  // A request as sent to a forward proxy: its path is a whole URL with user info.
  await new Promise((resolve) => http.request({ host: '127.0.0.1', port: server.address().port, path: 'http://admin:hunter4@api.internal/v1/x' }, (r) => { console.log(r.statusCode); r.resume(); r.on('end', resolve); }).end());
  const port = await closedPort();
  await fetch('http://127.0.0.1:' + port + '/down').catch((error) => console.log(error.cause.code));
  await new Promise((resolve) => http.get('http://127.0.0.1:' + port + '/down2').on('error', (error) => { console.log(error.code); resolve(); }));
  server.close();
});
`,
    },
  });
  const result = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/http', WRAPT_TRACE: 'greeter#shout' } });
  assertClean(result, 'with the http recipe');
  assert.equal(result.stdout, 'user 3\n404\n404\n404\n404\nECONNREFUSED\nECONNREFUSED\n');
  for (const secret of ['s3cret', 't0ken', 'hunter2', 'k3y', 'hunter4']) assert.ok(!result.stderr.includes(secret), `${secret} leaked:\n${result.stderr}`);
  const lines = events(result.stderr);
  // Server and client lines of one exchange race each other: compare as sets, then check order within a request.
  assert.deepEqual([...lines].sort(), [
    ...[
      'http [req 1] in GET /users/3 -> 200 Nms',
      'http [req 1] out GET http://127.0.0.1:PORT/rates?token=[redacted] -> 404 Nms',
      'http [req 2] in GET /rates?token=[redacted] -> 404 Nms',
      'http [req 3] in GET /a -> 404 Nms',
      'http [req 4] in GET /b -> 404 Nms',
      'http [req 5] in GET /c?api_key=[redacted] -> 404 Nms',
      'http [req 6] in GET http://admin:[redacted]@api.internal/v1/x -> 404 Nms',
      'http out GET http://admin:[redacted]@api.internal/v1/x -> 404 Nms',
      'http out GET http://127.0.0.1:PORT/down -> error ECONNREFUSED Nms',
      'http out GET http://127.0.0.1:PORT/a -> 404 Nms',
      'http out GET http://127.0.0.1:PORT/b -> 404 Nms',
      'http out GET http://127.0.0.1:PORT/c?api_key=[redacted] -> 404 Nms',
      'http out GET http://127.0.0.1:PORT/down2 -> error ECONNREFUSED Nms',
      'http out GET http://127.0.0.1:PORT/users/3 -> 200 Nms',
      "trace [req 1] greeter#shout('/users/3') -> '/USERS/3' Nms",
      "trace [req 2] greeter#shout('/rates?token=[redacted]') -> '/RATES?TOKEN=[redacted]' Nms",
      "trace [req 3] greeter#shout('/a') -> '/A' Nms",
      "trace [req 4] greeter#shout('/b') -> '/B' Nms",
      "trace [req 5] greeter#shout('/c?api_key=[redacted]') -> '/C?API_KEY=[redacted]' Nms",
      "trace [req 6] greeter#shout('http://admin:[redacted]@api.internal/v1/x') -> 'HTTP://ADMIN:[redacted]@API.INTERNAL/V1/X' Nms",
    ].sort(),
  ]);
  assert.ok(lines.indexOf("trace [req 1] greeter#shout('/users/3') -> '/USERS/3' Nms") < lines.indexOf('http [req 1] in GET /users/3 -> 200 Nms'));
});

test('recipes are lazy: an application that imports none of their targets loads none of their code (and gets no warning, node:sqlite or not)', () => {
  const app = makeApp({
    files: { 'app.js': `'use strict';\nrequire('fs');\nconsole.log(Object.keys(require.cache).filter((f) => f.includes('recipes')).length);\n` },
  });
  const result = runNode(app, [...REQUIRE, 'app.js'], {
    env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/http,wrapt-hooks/recipes/sql,wrapt-hooks/recipes/child_process' },
  });
  assertClean(result);
  assert.equal(result.stdout, '0\n');
  assert.equal(result.stderr, '');
});

test('an unknown recipe is one warning listing the recipes; the application runs on', () => {
  const app = makeApp({ files: { 'app.js': `console.log('ran');\n` } });
  const result = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/htttp' } });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'ran\n');
  assert.deepEqual(
    result.warnings.map((w) => w.code),
    ['WRAPT_HOOKS_PACKAGE_NOT_FOUND'],
  );
  assert.match(
    result.warnings[0].message,
    /"wrapt-hooks\/recipes\/htttp" is not a recipe of wrapt-hooks\. The recipes are: (wrapt-hooks\/recipes\/[a-z_]+, )*wrapt-hooks\/recipes\/http, (wrapt-hooks\/recipes\/[a-z_]+, )*wrapt-hooks\/recipes\/sql, /,
  );
});

test(
  'sql on node:sqlite ("packages" in the config): full SQL, parameter count (never values), rows, changes, errors',
  { skip: !HAS_SQLITE && 'node:sqlite needs Node 22.13+' },
  () => {
    const app = makeApp({
      files: {
        '.wrapt-hooksrc.json': { packages: ['wrapt-hooks/recipes/sql'] },
        'app.js': `'use strict';
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(':memory:');
db.exec(\`CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT UNIQUE,
    password TEXT
)\`);
const insert = db.prepare('INSERT INTO users (name, password) VALUES (?, ?)');
insert.run('ann', 'hunter2');
insert.run('bob', 'hunter3');
try { insert.run('ann', 'again'); } catch (error) { console.log(error.code); }
console.log(db.prepare('SELECT name FROM users WHERE id > :min').all({ min: 0 }).length);
console.log(db.prepare('SELECT name FROM users WHERE id = ?').get(2).name);
console.log([...db.prepare('SELECT id FROM users').iterate()].length);
try { db.exec('SELEC nothing'); } catch (error) { console.log(error.code); }
try { db.prepare('SELEC 1'); } catch (error) { console.log(error.code); }
try { db.prepare('SELECT * FROM missing'); } catch (error) { console.log(error.code); }
db.prepare('CREATE TABLE t2 (x)').run();
`,
      },
    });
    const result = runNode(app, [...REQUIRE, 'app.js']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ERR_SQLITE_ERROR\n2\nbob\n2\nERR_SQLITE_ERROR\nERR_SQLITE_ERROR\nERR_SQLITE_ERROR\n');
    for (const secret of ['hunter2', 'hunter3', 'again']) assert.ok(!result.stderr.includes(secret), secret);
    assert.deepEqual(
      events(result.stderr).filter((line) => line.startsWith('sql ')),
      [
        'sql CREATE TABLE users ( id INTEGER PRIMARY KEY, name TEXT UNIQUE, password TEXT ) [0 params] -> done Nms',
        'sql INSERT INTO users (name, password) VALUES (?, ?) [2 params] -> 1 change Nms',
        'sql INSERT INTO users (name, password) VALUES (?, ?) [2 params] -> 1 change Nms',
        'sql INSERT INTO users (name, password) VALUES (?, ?) [2 params] -> error Error [ERR_SQLITE_ERROR]: UNIQUE constraint failed: users.name Nms',
        'sql SELECT name FROM users WHERE id > :min [1 param] -> 2 rows Nms',
        'sql SELECT name FROM users WHERE id = ? [1 param] -> 1 row Nms',
        'sql SELECT id FROM users [0 params] -> done Nms',
        'sql SELEC nothing [0 params] -> error Error [ERR_SQLITE_ERROR]: near "SELEC": syntax error Nms',
        // Failing when prepared is a line too; DDL run as a statement says done.
        'sql SELEC 1 [0 params] -> error Error [ERR_SQLITE_ERROR]: near "SELEC": syntax error Nms',
        'sql SELECT * FROM missing [0 params] -> error Error [ERR_SQLITE_ERROR]: no such table: missing Nms',
        'sql CREATE TABLE t2 (x) [0 params] -> done Nms',
      ],
    );
  },
);

test('child_process: every form, exit code, signal, spawn error (crashing exactly as before when unhandled); secrets redacted; lines go through a process.stderr.write replaced before the first', () => {
  const app = makeApp({
    files: {
      'child.js': `process.exit(Number(process.argv[2] || 0));\n`,
      // As pm2's cluster mode does before the application runs: process.stderr created, its
      // write replaced (here by one that counts the recipe's lines and passes them on; the count
      // goes to fd 2, so that stdout is what the app prints without the preload).
      'app.js': `'use strict';
const write = process.stderr.write;
let through = 0;
process.stderr.write = function (chunk, ...rest) {
  if (String(chunk).startsWith('wrapt-hooks: child_process ')) through++;
  return write.call(this, chunk, ...rest);
};
const cp = require('child_process');
const node = process.execPath;
(async () => {
  const done = (child) => new Promise((resolve) => child.on('close', resolve));
  await done(cp.spawn(node, ['child.js', '3']));
  await new Promise((resolve) => cp.exec('echo --password=hunter2 https://bob:pw1@h/?token=t0k', resolve));
  await new Promise((resolve) => cp.execFile(node, ['child.js'], resolve));
  await done(cp.fork('child.js', ['4']));
  cp.spawnSync(node, ['child.js', '5']);
  try { cp.execSync('exit 2', { stdio: 'ignore' }); } catch (error) { console.log('execSync', error.status); }
  cp.execFileSync(node, ['child.js']);
  await new Promise((resolve) => cp.execFile(node, ['child.js', '0', '--password', 'hunter5', '-u', 'bob:hunter6', 'https://ghp_tok7@github.com/o/r'], resolve));
  await new Promise((resolve) => cp.exec('mysql_wrapt_not_installed -phunter8 app 2>/dev/null', resolve));
  const sleeper = cp.spawn('sleep', ['5']);
  sleeper.kill('SIGTERM');
  await done(sleeper);
  const missing = cp.spawn('no-such-command-wrapt');
  missing.on('error', (error) => console.log('error', error.code));
  await new Promise((resolve) => missing.on('close', resolve));
  console.log('done');
  require('fs').writeSync(2, 'through the replaced write: ' + through + '\\n');
})();
`,
      'crash.js': `require('child_process').spawn('no-such-command-wrapt');\n`,
    },
  });
  const result = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/child_process', WRAPT_TRACE_SUMMARY: '1' } });
  assertClean(result);
  assert.equal(result.stdout, 'execSync 2\nerror ENOENT\ndone\n');
  assert.match(result.stderr, /^through the replaced write: 11$/m, 'every recipe line');
  for (const secret of ['hunter2', 'pw1', 't0k', 'hunter5', 'hunter6', 'tok7', 'hunter8']) assert.ok(!result.stderr.includes(secret), secret);
  // At exit, one summary line per command name (errors: anything but exit 0).
  const node = path.basename(NODE);
  assert.deepEqual(
    events(result.stderr)
      .filter((line) => line.startsWith('child_process summary '))
      .map((line) => line.replace(/ p50=.*$/, '').replaceAll(node, 'NODE')),
    [
      'child_process summary NODE calls=6 errors=3',
      'child_process summary echo calls=1 errors=0',
      'child_process summary exit calls=1 errors=1',
      'child_process summary mysql_wrapt_not_installed calls=1 errors=1',
      'child_process summary sleep calls=1 errors=1',
      'child_process summary no-such-command-wrapt calls=1 errors=1',
    ],
  );
  assert.deepEqual(
    events(result.stderr)
      .filter((line) => !line.startsWith('child_process summary '))
      .map((line) => line.replaceAll(NODE, node)),
    [
      `child_process spawn ${node} child.js 3 -> exit 3 Nms`,
      'child_process exec echo --password=[redacted] https://bob:[redacted]@h/?token=[redacted] -> exit 0 Nms',
      `child_process execFile ${node} child.js -> exit 0 Nms`,
      `child_process fork ${node} child.js 4 -> exit 4 Nms`,
      `child_process spawnSync ${node} child.js 5 -> exit 5 Nms`,
      'child_process execSync exit 2 -> exit 2 Nms',
      `child_process execFileSync ${node} child.js -> exit 0 Nms`,
      `child_process execFile ${node} child.js 0 --password [redacted] -u bob:[redacted] https://[redacted]@github.com/o/r -> exit 0 Nms`,
      'child_process exec mysql_wrapt_not_installed -p[redacted] app 2>/dev/null -> exit 127 Nms',
      'child_process spawn sleep 5 -> signal SIGTERM Nms',
      'child_process spawn no-such-command-wrapt -> error Error [ENOENT]: spawn no-such-command-wrapt ENOENT Nms',
    ],
  );
  // An unhandled spawn error still crashes the process (exit code 1), as it does without the recipe.
  const crash = runNode(app, [...REQUIRE, 'crash.js'], { env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/child_process' } });
  assert.equal(crash.code, 1, crash.stderr);
  assert.match(crash.stderr, /Error: spawn no-such-command-wrapt ENOENT/);
});

test('tempfile via `wrapt-hooks run --recipe`: sync, callback and promise forms (CommonJS and ESM), creators, leaks at process.exit()', () => {
  const app = makeApp({
    files: {
      'lib/export.js': `'use strict';\nconst fs = require('fs');\nconst os = require('os');\nconst path = require('path');\nexports.exportCsv = () => fs.mkdtempSync(path.join(os.tmpdir(), 'wrapt-export-'));\n`,
      'app.js': `'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { exportCsv } = require('./lib/export');
(async () => {
  const kept = exportCsv();
  const removed = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'wrapt-promise-'));
  fs.rmSync(removed, { recursive: true });
  const viaCallback = await new Promise((resolve, reject) => fs.mkdtemp(path.join(os.tmpdir(), 'wrapt-cb-'), (error, dir) => (error ? reject(error) : resolve(dir))));
  const esm = await import('./esm.mjs');
  const fromEsm = await esm.make();
  console.log(JSON.stringify([kept, viaCallback, fromEsm]));
  process.exit(0);
})();
`,
      'esm.mjs': `import { mkdtemp } from 'node:fs/promises';\nimport os from 'node:os';\nimport path from 'node:path';\nexport const make = () => mkdtemp(path.join(os.tmpdir(), 'wrapt-esm-'));\n`,
    },
  });
  const result = runCommand(app, NODE, [path.join(ROOT, 'bin', 'wrapt-hooks.js'), 'run', '--recipe', 'tempfile', 'node', 'app.js']);
  assert.equal(result.code, 0, result.stderr);
  const [kept, viaCallback, fromEsm] = JSON.parse(result.stdout);
  try {
    const lines = events(result.stderr);
    const created = lines.filter((line) => line.startsWith('tempfile created '));
    assert.equal(created.length, 4, result.stderr);
    assert.match(created[0], new RegExp(`^tempfile created ${kept} at lib/export.js:5:\\d+$`));
    assert.match(created[1], /^tempfile created \S+wrapt-promise-\w+ at app.js:8:\d+$/);
    assert.match(created[2], new RegExp(`^tempfile created ${viaCallback} at app.js:10:\\d+$`));
    assert.match(created[3], new RegExp(`^tempfile created ${fromEsm} at esm.mjs:4:\\d+$`));
    assert.deepEqual(
      lines.filter((line) => line.startsWith('tempfile leaked ')),
      [
        `tempfile leaked ${kept} (created at ${created[0].split(' at ')[1]})`,
        `tempfile leaked ${viaCallback} (created at ${created[2].split(' at ')[1]})`,
        `tempfile leaked ${fromEsm} (created at ${created[3].split(' at ')[1]})`,
      ],
    );
  } finally {
    for (const dir of [kept, viaCallback, fromEsm]) if (existsSync(dir)) rmSync(dir, { recursive: true });
  }
});

test(
  'examples/http-sql, run as its README says: request 4 ran one query and got a 404 from the rate service',
  { skip: !HAS_SQLITE && 'node:sqlite needs Node 22.13+' },
  () => {
    const example = path.join(ROOT, 'examples', 'http-sql');
    const plain = runNode(example, ['app.js']);
    assertClean(plain, 'plain');
    assert.equal(plain.stdout, '{"user":1,"usd":27.54}\n{"user":3,"usd":12}\n');
    const result = runCommand(example, NODE, [path.join(ROOT, 'bin', 'wrapt-hooks.js'), 'run', '--recipe', 'http,sql', NODE, 'app.js']);
    assertClean(result, 'with recipes');
    assert.equal(result.stdout, plain.stdout);
    const request4 = events(result.stderr).filter((line) => line.includes('[req 4]'));
    assert.deepEqual(request4, [
      'sql [req 4] SELECT currency, amount FROM orders WHERE user_id = ? [1 param] -> 1 row Nms',
      'http [req 4] out GET http://127.0.0.1:PORT/rates/CHF?key=[redacted] -> 404 Nms',
      'http [req 4] in GET /users/3/quote -> 200 Nms',
    ]);
    assert.ok(!result.stderr.includes('demo-key'));
  },
);

test('http recipe on https: an https server and https.get, with [req N]', (t) => {
  const app = makeApp({
    files: {
      'app.js': `'use strict';
const https = require('https');
const fs = require('fs');
const server = https.createServer({ key: fs.readFileSync('key.pem'), cert: fs.readFileSync('cert.pem') }, (req, res) => {
  res.statusCode = req.url === '/ok' ? 200 : 418;
  res.end();
});
server.listen(0, '127.0.0.1', async () => {
  for (const url of ['/ok', '/teapot?secret=x1']) {
    await new Promise((resolve) => https.get({ host: '127.0.0.1', port: server.address().port, path: url, rejectUnauthorized: false }, (res) => { console.log(res.statusCode); res.resume(); res.on('end', resolve); }));
  }
  server.close();
});
`,
    },
  });
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1'],
    { cwd: app, encoding: 'utf8' },
  );
  if (made.error !== undefined || made.status !== 0) {
    t.skip('openssl cannot make a test certificate here');
    return;
  }
  const result = runNode(app, [...REQUIRE, 'app.js'], { env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/http' } });
  assertClean(result);
  assert.equal(result.stdout, '200\n418\n');
  assert.deepEqual([...events(result.stderr)].sort(), [
    'http [req 1] in GET /ok -> 200 Nms',
    'http [req 2] in GET /teapot?secret=[redacted] -> 418 Nms',
    'http out GET https://127.0.0.1:PORT/ok -> 200 Nms',
    'http out GET https://127.0.0.1:PORT/teapot?secret=[redacted] -> 418 Nms',
  ]);
});
