// In-process: credentials never reach a line (src/trace/redact*.ts, docs/recipes.md
// "Redaction"), in every form a user meets — URL user info of any scheme, secret-looking
// names, headers, command-line options, database errors quoting values, JSON line values — and
// hostile inputs of a megabyte give the right answer (their cost is measured in
// bench/lib/redaction.mjs, not asserted here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { traceRedact: r, traceRedactInspect: ri, traceRedactSql: rs, traceFormat: f, traceJsonValue: jv, recipeChildProcess, recipeSql } = internals();
f.loadInspect();

test('URL user info of any scheme: a password (holding @ or :), a token as the user name; query parameters named like secrets', () => {
  const cases = [
    ['postgres://app:hunter2@db:5432/app', 'postgres://app:[redacted]@db:5432/app'],
    ['postgres://app:p@ss:w@rd@db/app', 'postgres://app:[redacted]@db/app'],
    ['https://ghp_abcdef123456@github.com/org/repo.git', 'https://[redacted]@github.com/org/repo.git'],
    ['redis://:s3cret@cache:6379/0', 'redis://:[redacted]@cache:6379/0'],
    ['amqp+ssl://guest:guest@mq/vhost', 'amqp+ssl://guest:[redacted]@mq/vhost'],
    ['http://admin:hunter2@api.internal/v1/x?token=abc&page=2', 'http://admin:[redacted]@api.internal/v1/x?token=[redacted]&page=2'],
    ['/v1/search?q=shoes&api_key=k3y;sig=abc#top', '/v1/search?q=shoes&api_key=[redacted];sig=[redacted]#top'],
    ['/login?next=https://bob:pw@h/x', '/login?next=https://bob:[redacted]@h/x'],
    ['http://127.0.0.1:8080/rates', 'http://127.0.0.1:8080/rates'],
  ];
  for (const [input, expected] of cases) {
    assert.equal(r.redactUrl(input), expected, input);
    assert.equal(r.redactText(input), expected, `text: ${input}`);
  }
  // A proxy-form request path is a whole URL; new URL() decides where the user info ends.
  assert.equal(r.redactUrl('http://user:p@ss@host/a'), 'http://user:[redacted]@host/a');
  // Connection strings in key=value form.
  assert.equal(r.redactText('Server=db;User Id=sa;Password=hunter2;Database=app'), 'Server=db;User Id=sa;Password=[redacted];Database=app');
  assert.equal(r.redactText('host=db user=app password=hunter2 dbname=app'), 'host=db user=app password=[redacted] dbname=app');
  assert.equal(r.redactText('TokenExpiredError: jwt expired'), 'TokenExpiredError: jwt expired', "an error's name is not a header");
});

test('util.inspect output: values under secret-looking keys, containers under them, Map entries and rawHeaders lists; URLs inside strings', () => {
  const line = (value) => f.format(value, f.limitsFor(400));
  const headers = {
    authorization: 'Bearer abc',
    'proxy-authorization': 'Basic Zm9v',
    cookie: 'sid=1',
    'set-cookie': ['a=hunter2; Path=/', 'b=hunter3'],
    'x-api-key': 'k3y',
    accept: '*/*',
  };
  const shown = line(headers);
  for (const secret of ['Bearer abc', 'Zm9v', 'sid=1', 'hunter2', 'hunter3', 'k3y']) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
  assert.match(shown, /accept: '\*\/\*'/);
  assert.equal(line(new Map([['token', 'abc']])), "Map(1) { 'token' => '[redacted]' }");
  assert.equal(line(['Host', 'x', 'Authorization', 'Bearer abc', 'Accept']), "[ 'Host', 'x', 'Authorization', '[redacted]', 'Accept' ]");
  assert.equal(line({ credentials: { user: 'bob', pin: '1234' } }), "{ credentials: { user: '[redacted]', pin: '[redacted]' } }");
  assert.equal(line({ dsn: 'mysql://root:hunter2@db/app', token: 12345 }), "{ dsn: 'mysql://root:[redacted]@db/app', token: [redacted] }");
  assert.equal(line({ body: 'user=bob&password=hunter2' }), "{ body: 'user=bob&password=[redacted]' }");
  assert.equal(line(new Error('connect postgres://u:hunter2@db failed')), 'Error: connect postgres://u:[redacted]@db failed');
  // Cut before redaction: a secret's value cut open at the end of the line is still redacted.
  assert.equal(ri.redactInspected("{ password: 'hunt", true), "{ password: '[redacted]'");
  assert.equal(ri.redactInspected("{ url: 'postgres://bob:hunt", true), "{ url: 'postgres://bob:[redacted]");
});

test('command lines: -pSECRET after a MySQL client, --password X, --password=X, -u user:pw, --user user:pw, URL user info, header options', () => {
  const line = (args) => recipeChildProcess.commandLine('spawn', [args[0], args.slice(1)]);
  assert.equal(line(['mysql', '-phunter2', '-u', 'root', 'app']), 'mysql -p[redacted] -u root app');
  assert.equal(line(['/usr/bin/mysqldump', '-h', 'db', '-phunter2']), '/usr/bin/mysqldump -h db -p[redacted]');
  assert.equal(line(['tool', '--password', 'hunter2', '--verbose']), 'tool --password [redacted] --verbose');
  assert.equal(line(['tool', '--password=hunter2', '--api-token', 'tok']), 'tool --password=[redacted] --api-token [redacted]');
  assert.equal(line(['curl', '-u', 'bob:hunter2', 'https://x']), 'curl -u bob:[redacted] https://x');
  assert.equal(
    line(['curl', '--user', 'bob:hunter2', '-ubob:hunter3', '--user=bob:hunter4', 'https://x']),
    'curl --user bob:[redacted] -ubob:[redacted] --user=bob:[redacted] https://x',
  );
  assert.equal(line(['git', 'clone', 'https://ghp_tok123@github.com/o/r.git']), 'git clone https://[redacted]@github.com/o/r.git');
  assert.equal(line(['curl', '-H', 'Authorization: Bearer abc.def', 'https://x']), "curl -H 'Authorization: Bearer [redacted]' https://x");
  assert.equal(line(['cp', '-pr', 'a', 'b']), 'cp -pr a b', '-p is a password only for the clients that take one so');
  assert.equal(recipeChildProcess.commandLine('exec', ['mysql -phunter2 --password hunter3 app']), 'mysql -p[redacted] --password [redacted] app');
});

test('database errors: values the driver quotes are redacted, identifiers kept', () => {
  const cases = [
    ['invalid input syntax for type integer: "Alice-SSN-123"', 'invalid input syntax for type integer: "[redacted]"'],
    ['value "99999999999" is out of range for type integer', 'value "[redacted]" is out of range for type integer'],
    ["Incorrect integer value: 'Alice-SSN-123' for column 'age' at row 1", "Incorrect integer value: '[redacted]' for column 'age' at row 1"],
    ["Duplicate entry 'ann@example.com' for key 'users.email'", "Duplicate entry '[redacted]' for key 'users.email'"],
    ['relation "users" does not exist', 'relation "users" does not exist'],
    ['syntax error at or near "SELEC"', 'syntax error at or near "SELEC"'],
    ["Table 'app.t' doesn't exist", "Table 'app.t' doesn't exist"],
    ['invalid input value for enum mood: "secret-mood', 'invalid input value for enum mood: "[redacted]'],
  ];
  for (const [input, expected] of cases) assert.equal(rs.redactSqlError(input), expected, input);
  const error = Object.assign(new Error('value "99999999999" is out of range for type integer'), { code: '22003' });
  assert.equal(recipeSql.sqlError(error), 'Error [22003]: value "[redacted]" is out of range for type integer');
});

test('JSON line values: plain data as JSON (secrets redacted), anything else inspected; no getter runs', () => {
  const limits = f.DEFAULT_LIMITS;
  assert.deepEqual(jv.jsonValue({ a: 1, b: [true, null, 'x'], password: 'hunter2' }, limits), { a: 1, b: [true, null, 'x'], password: '[redacted]' });
  assert.deepEqual(jv.jsonValue({ auth: { user: 'bob' }, url: 'https://u:p@h/' }, limits), { auth: { user: 'bob' }, url: 'https://u:[redacted]@h/' });
  assert.equal(jv.jsonValue('x'.repeat(100), limits), f.format('x'.repeat(100), limits), 'a string longer than maxString is inspected (cut)');
  assert.equal(typeof jv.jsonValue([1, 2, 3, 4, 5, 6], limits), 'string', 'longer than inspect shows');
  assert.equal(typeof jv.jsonValue({ a: { b: { c: 1 } } }, limits), 'string', 'deeper than inspect shows');
  assert.equal(typeof jv.jsonValue(new Date(0), limits), 'string');
  assert.equal(typeof jv.jsonValue(NaN, limits), 'string');
  let ran = false;
  const getter = {
    get x() {
      ran = true;
      return 1;
    },
  };
  assert.equal(typeof jv.jsonValue(getter, limits), 'string');
  assert.equal(ran, false);
  assert.equal(typeof jv.jsonValue(new Proxy({}, {}), limits), 'string');
  assert.deepEqual(['42', 'true', 'null', "'v'", "'it\\'s'", 'Foo {}'].map(jv.settledValue), [42, true, null, 'v', "'it\\'s'", 'Foo {}']);
});

test('hostile inputs of a megabyte: the right answer (linear work: measured in bench/lib/redaction.mjs)', () => {
  const tokens = 'token'.repeat(200_000);
  // A JSON object whose key is 'token' repeated: its value is redacted, the line stays short.
  const keyed = f.format({ [tokens]: 'hunter2' });
  assert.ok(!keyed.includes('hunter2'), keyed);
  assert.ok(keyed.length <= f.MAX_VALUE);
  const big = f.formatArgs([{ [tokens]: 'hunter2', other: 'x'.repeat(1_000_000) }]);
  assert.ok(!big.includes('hunter2') && big.length <= 240, big.slice(0, 300));
  // A 64 KB argument, a 16 KB query string, a 1 MB run of characters the scanners stop at.
  const arg = `--password=${'a'.repeat(64 * 1024)}`;
  assert.equal(recipeChildProcess.commandLine('spawn', ['tool', [arg]]).length < 1200, true);
  assert.match(recipeChildProcess.commandLine('spawn', ['tool', [arg]]), /^tool --password=\[redacted\]/);
  const query = `/search?${'a=1&'.repeat(4096)}token=s3cret`;
  assert.equal(r.redactUrl(query).includes('s3cret'), false);
  assert.equal(r.redactText(query), `/search?${'a=1&'.repeat(4096)}token=[redacted]`);
  // Runs of what each scanner stops at (callers cut text first; these go to the scanners whole).
  for (const text of ['=', ':', '://', 'a=', 'a://', ':// ', '@', "'", 'pass: ', '-'].map((unit) => unit.repeat(120_000 / unit.length)))
    assert.equal(typeof r.redactText(text), 'string');
  assert.equal(r.redactText(`x://${'@'.repeat(1_000_000)}h`), 'x://[redacted]@h');
  assert.equal(rs.redactSqlError(`value ${'"'.repeat(100_001)}`), `value "[redacted]"${'"[redacted]"'.repeat(49_999)}"[redacted]`);
  assert.equal(typeof ri.redactInspected("{ '".repeat(40_000), true), 'string');
});
