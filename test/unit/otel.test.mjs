// In-process: OpenTelemetry export's pure parts (docs/opentelemetry.md), over the built bundle:
// turning it on (WRAPT_TRACE_EXPORT, config "export"), span names and attributes by the
// semantic conventions, W3C traceparent, and OpenTelemetry's own environment variables. The
// spans themselves, through the real SDK and OTLP exporters, are test/compat/otel-export.test.mjs.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { makeApp } from '../helpers.mjs';
import { internals } from './internals.mjs';

const { env, validate, plan: planModule, otelNames: names, otelSettings: settings, otelPropagation: propagation } = internals();

describe('turning export on', () => {
  it('WRAPT_TRACE_EXPORT: otel (any case), unset or empty is no opinion, anything else is a mistake', () => {
    assert.equal(env.exportSetting(undefined), undefined);
    assert.equal(env.exportSetting('  '), undefined);
    assert.equal(env.exportSetting('otel'), 'otel');
    assert.equal(env.exportSetting(' OTel '), 'otel');
    assert.deepEqual(env.exportSetting('jaeger'), { invalid: 'jaeger' });
  });

  it('config "export": "otel" is valid; any other value names the key and what it expects', () => {
    const ok = validate.validateSection({ export: 'otel' }, '/app/.wrapt-hooksrc.json', '/app', 'config');
    assert.deepEqual([ok.export, ok.problems], ['otel', []]);
    const bad = validate.validateSection({ export: true }, '/app/.wrapt-hooksrc.json', '/app', 'config');
    assert.equal(bad.export, undefined);
    assert.equal(bad.problems.length, 1);
    assert.equal(bad.problems[0].code, 'WRAPT_HOOKS_CONFIG_INVALID');
    assert.match(bad.problems[0].message, /^\/app\/\.wrapt-hooksrc\.json: key export: expected "otel"/);
    // A patch package cannot turn export on for the application.
    const pkg = validate.validateSection({ export: 'otel' }, '/pkg/package.json', '/pkg', 'package');
    assert.equal(pkg.export, undefined);
    assert.equal(pkg.problems[0].code, 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY');
  });

  it('the plan: the environment turns it on over the config; a wrong value is one problem and leaves it off', () => {
    const dir = makeApp({ files: { '.wrapt-hooksrc.json': JSON.stringify({ trace: ['fs#mkdtempSync'] }) } });
    assert.equal(planModule.loadPlan(dir, {}).export, undefined);
    assert.equal(planModule.loadPlan(dir, { WRAPT_TRACE_EXPORT: 'otel' }).export, 'otel');
    const wrong = planModule.loadPlan(dir, { WRAPT_TRACE_EXPORT: 'zipkin' });
    assert.equal(wrong.export, undefined);
    assert.deepEqual(
      wrong.problems.map((problem) => problem.code),
      ['WRAPT_HOOKS_CONFIG_INVALID'],
    );
    assert.match(wrong.problems[0].message, /WRAPT_TRACE_EXPORT="zipkin" is not an export/);
    const configured = makeApp({ files: { '.wrapt-hooksrc.json': JSON.stringify({ trace: ['fs#mkdtempSync'], export: 'otel' }) } });
    assert.equal(planModule.loadPlan(configured, {}).export, 'otel');
  });
});

describe('span names and attributes (semantic conventions)', () => {
  it('a traced call: the entry names it, code.function.name says it', () => {
    assert.deepEqual(names.callShape('greeter#shout'), { name: 'greeter#shout', kind: 0, attributes: { 'code.function.name': 'greeter#shout' } });
  });

  it('incoming: "GET /users/:id" by route, or by the path with ids as :id; 5xx and aborted are errors', () => {
    const routed = names.eventShape('http', {
      recipe: 'http',
      event: 'in',
      method: 'GET',
      path: '/users/3?token=[redacted]',
      route: '/users/:uid',
      status: 200,
      ms: 1,
    });
    assert.deepEqual(routed, {
      name: 'GET /users/:uid',
      kind: 1,
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/users/3',
        'url.query': 'token=[redacted]',
        'http.route': '/users/:uid',
        'http.response.status_code': 200,
      },
      error: undefined,
    });
    const plain = names.eventShape('http', { event: 'in', method: 'DELETE', path: '/orders/7f1c9a52-6a4e-4d8e-9d57-6c3c8f0f6d11/items/12', status: 503 });
    assert.equal(plain.name, 'DELETE /orders/:id/items/:id');
    assert.equal(plain.attributes['http.route'], undefined);
    assert.deepEqual([plain.error, plain.attributes['error.type']], ['503', '503']);
    const aborted = names.eventShape('http', { event: 'in', method: 'GET', path: '/', status: null, aborted: true });
    assert.equal(aborted.error, 'aborted');
    assert.equal(aborted.attributes['http.response.status_code'], undefined);
  });

  it('outgoing: "GET", url.full as the line shows it (redacted), server address and port; 4xx and errors are errors', () => {
    const out = names.eventShape('http', { event: 'out', method: 'GET', url: 'https://user:[redacted]@api.example.com/rates?key=[redacted]', status: 404 });
    assert.deepEqual(out, {
      name: 'GET',
      kind: 2,
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'https://user:[redacted]@api.example.com/rates?key=[redacted]',
        'server.address': 'api.example.com',
        'server.port': 443,
        'http.response.status_code': 404,
        'error.type': '404',
      },
      error: '404',
    });
    const refused = names.eventShape('http', { event: 'out', method: 'POST', url: 'http://127.0.0.1:9/x', error: 'ECONNREFUSED' });
    assert.deepEqual([refused.error, refused.attributes['error.type'], refused.attributes['server.port']], ['ECONNREFUSED', 'ECONNREFUSED', 9]);
  });

  it('sql: "SELECT orders", db.system.name by driver, db.query.text as the line shows it', () => {
    const select = names.eventShape('sql', { recipe: 'sql', driver: 'pg', sql: 'SELECT qty FROM orders WHERE user_id = $1', params: 1, rows: 3, ms: 1 });
    assert.deepEqual(select, {
      name: 'SELECT orders',
      kind: 2,
      attributes: {
        'db.system.name': 'postgresql',
        'db.query.text': 'SELECT qty FROM orders WHERE user_id = $1',
        'db.operation.name': 'SELECT',
        'db.collection.name': 'orders',
        'db.response.returned_rows': 3,
      },
      error: undefined,
    });
    const failed = names.eventShape('sql', {
      driver: 'mysql2',
      sql: 'INSERT INTO `users` (name) VALUES (?)',
      error: "Error [ER_DUP_ENTRY]: Duplicate entry '…' for key 'name'",
    });
    assert.equal(failed.name, 'INSERT users');
    assert.deepEqual([failed.attributes['db.system.name'], failed.attributes['error.type']], ['mysql', 'ER_DUP_ENTRY']);
    assert.equal(names.eventShape('sql', { driver: 'node:sqlite', sql: 'UPDATE t SET a = 1' }).name, 'UPDATE t');
    assert.equal(names.eventShape('sql', { driver: 'better-sqlite3', sql: 'CREATE TABLE t (a)' }).name, 'CREATE');
  });

  it('sqlSummary reads a bounded prefix: a 1 MB statement is cut, not scanned whole', () => {
    assert.deepEqual(names.sqlSummary(`SELECT ${'a, '.repeat(400_000)}b FROM huge`), { operation: 'SELECT' });
    assert.deepEqual(names.sqlSummary('delete from "Orders" where id = 1'), { operation: 'DELETE', table: 'Orders' });
    assert.deepEqual(names.sqlSummary(''), {});
  });

  it('child_process: the command name, process.command and the exit code; a non-zero exit is an error', () => {
    const ok = names.eventShape('child_process', { recipe: 'child_process', fn: 'spawn', command: 'ls -la', exit: 0, ms: 2 });
    assert.deepEqual(ok, {
      name: 'ls',
      kind: 0,
      attributes: { 'process.command': 'ls', 'process.command_line': 'ls -la', 'code.function.name': 'child_process.spawn', 'process.exit.code': 0 },
      error: undefined,
    });
    assert.equal(names.eventShape('child_process', { fn: 'execSync', command: 'false', exit: 1 }).error, 'exit 1');
    assert.equal(names.eventShape('child_process', { fn: 'spawn', command: '/usr/bin/node app.js', exit: 0 }).name, 'node');
    assert.equal(names.eventShape('child_process', { fn: 'spawn', command: 'sleep 9', signal: 'SIGTERM' }).error, 'SIGTERM');
  });

  it('redis: the command names the span, its text as the line shows it; an error by its kind', () => {
    assert.deepEqual(names.eventShape('redis', { recipe: 'redis', command: 'get user:1', reply: 'string(5)', ms: 0.3 }), {
      name: 'GET',
      kind: 2,
      attributes: { 'db.system.name': 'redis', 'db.query.text': 'get user:1', 'db.operation.name': 'GET' },
      error: undefined,
    });
    const wrong = names.eventShape('redis', {
      command: 'LPUSH user:1 [1 value, 3 bytes]',
      error: 'WRONGTYPE Operation against a key holding the wrong kind of value',
    });
    assert.equal(wrong.attributes['error.type'], 'WRONGTYPE');
  });

  it('summaries are not events; another recipe keeps its fields under wrapt_hooks.<recipe>', () => {
    assert.equal(names.eventShape('http', { summary: true, fn: 'in GET /users/:id', calls: 3 }), undefined);
    const created = names.eventShape('tempfile', { recipe: 'tempfile', event: 'created', path: '/tmp/x-1', at: 'src/a.js:1:2' });
    assert.equal(created.name, 'tempfile created');
    assert.deepEqual(created.attributes, { 'wrapt_hooks.tempfile.path': '/tmp/x-1', 'wrapt_hooks.tempfile.at': 'src/a.js:1:2', 'file.path': '/tmp/x-1' });
  });
});

describe('W3C traceparent', () => {
  const id = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

  it('formats and reads back a span context', () => {
    const header = names.formatTraceparent(id);
    assert.equal(header, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    assert.deepEqual(names.parseTraceparent(header), id);
    assert.deepEqual(names.parseTraceparent([header]), id);
  });

  it('refuses what the standard refuses: version ff, zero ids, wrong lengths, upper case, extra fields on version 00', () => {
    for (const bad of [
      undefined,
      '',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
      `00-${'a'.repeat(600)}`,
    ])
      assert.equal(names.parseTraceparent(bad), undefined, String(bad));
    // A later version may add fields.
    assert.deepEqual(names.parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-what-comes'), { ...id, traceFlags: 3 });
  });

  it('http.request arguments get the header in a copy of their options; one already there is kept', () => {
    const options = { host: 'x', headers: { accept: '*/*' } };
    const [copy] = propagation.withTraceparent([options], 'TP');
    assert.deepEqual(copy, { host: 'x', headers: { accept: '*/*', traceparent: 'TP' } });
    assert.deepEqual(options, { host: 'x', headers: { accept: '*/*' } });
    const callback = () => {};
    assert.deepEqual(propagation.withTraceparent(['http://h/', callback], 'TP'), ['http://h/', { headers: { traceparent: 'TP' } }, callback]);
    assert.deepEqual(propagation.withTraceparent([new URL('http://h/'), { headers: ['Accept', '*/*'] }], 'TP')[1], {
      headers: ['Accept', '*/*', 'traceparent', 'TP'],
    });
    const theirs = { headers: { TraceParent: 'theirs' } };
    assert.equal(propagation.withTraceparent([theirs], 'TP')[0], theirs);
    class Options {
      get port() {
        return 8080;
      }
    }
    const custom = Object.assign(new Options(), { host: 'x' });
    const [copied] = propagation.withTraceparent([custom], 'TP');
    assert.equal(copied.port, 8080);
    assert.ok(copied instanceof Options);
    assert.equal(custom.headers, undefined);
  });

  it('undici requests: a traceparent already in their headers (text or array) is seen', () => {
    assert.equal(propagation.undiciHasTraceparent('host: a\r\ntraceparent: 00-x\r\n'), true);
    assert.equal(propagation.undiciHasTraceparent('host: a\r\nx-traceparent: 1\r\n'), false);
    assert.equal(propagation.undiciHasTraceparent(['Traceparent', '00-x']), true);
    assert.equal(propagation.undiciHasTraceparent(undefined), false);
  });
});

test("OpenTelemetry's environment variables: endpoint, protocol, headers, timeout; a mistake names the variable", () => {
  assert.equal(settings.hasEndpoint({}), false);
  assert.equal(settings.hasEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), false);
  assert.equal(settings.hasEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }), true);

  const base = settings.exportSettings({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-team=debug,Authorization=Bearer%20abc,bad',
  });
  assert.deepEqual(base, {
    settings: {
      protocol: 'http/protobuf',
      url: 'http://collector:4318/v1/traces',
      headers: { 'x-team': 'debug', authorization: 'Bearer abc' },
      timeoutMs: 10_000,
    },
    problems: [],
  });
  const perSignal = settings.exportSettings({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:1',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c.example/custom',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
  });
  assert.deepEqual([perSignal.settings.url, perSignal.settings.protocol, perSignal.settings.timeoutMs], ['https://c.example/custom', 'http/json', 2500]);

  const notUrl = settings.exportSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
  assert.equal(notUrl.settings, undefined);
  assert.deepEqual(
    notUrl.problems.map((problem) => problem.variable),
    ['OTEL_EXPORTER_OTLP_ENDPOINT'],
  );
  assert.match(notUrl.problems[0].message, /^OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318" is scheme collector: is neither http: nor https:/);
  const grpc = settings.exportSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' });
  assert.equal(grpc.settings.protocol, 'http/protobuf');
  assert.deepEqual(
    grpc.problems.map((problem) => problem.variable),
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
  );
  assert.match(grpc.problems[0].message, /"grpc" is not a protocol wrapt-hooks exports with/);
});

test('export on where @opentelemetry/api cannot be loaded: one warning, no span, and nothing else changes', async () => {
  const { otelExport, traceOutput } = internals();
  const warnings = [];
  const listener = (warning) => warnings.push(warning);
  process.on('warning', listener);
  try {
    otelExport.enableExport();
    const spans = traceOutput.spanExport();
    assert.equal(spans.call('greeter#shout'), undefined);
    assert.equal(spans.client(), undefined);
    assert.equal(spans.server('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), undefined);
    spans.event('sql', { driver: 'pg', sql: 'SELECT 1', ms: 1 }, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.map((warning) => warning.code),
      ['WRAPT_HOOKS_EXPORT_UNAVAILABLE'],
    );
    assert.match(warnings[0].message, /@opentelemetry\/api cannot be loaded .*npm install @opentelemetry\/api/);
  } finally {
    process.off('warning', listener);
    traceOutput.setSpanExport(undefined);
  }
});
