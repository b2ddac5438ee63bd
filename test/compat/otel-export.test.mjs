// OpenTelemetry export (docs/opentelemetry.md) against OpenTelemetry's own packages, installed
// in otel/ (their peer ranges conflict with this suite's other packages):
// - joined: the application registers the SDK's NodeTracerProvider with its in-memory exporter;
//   traced calls and recipe events are its spans, children of its active span, nested under the
//   http recipe's incoming request, and under @opentelemetry/instrumentation-http's server span;
//   a provider registered after the first traced call is found then;
// - standing alone: OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver on 127.0.0.1
//   (otel/receiver.mjs) that decodes what OpenTelemetry's OTLP exporters post, http/protobuf and
//   http/json, at a normal end and at process.exit(); two processes joined by traceparent;
// - bad input: no provider and no endpoint, a bad URL or protocol, a collector that is down;
// - export off: no OpenTelemetry module is loaded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, count, pool, runNodeAsync } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';
import { startReceiver } from './otel/receiver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const OTEL = path.join(here, 'otel');
// The SDK's next line: @opentelemetry/sdk-trace 3 (TracerProvider), API 1.10, exporters 0.301.
const OTEL3 = path.join(here, 'otel3');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PRELOAD = ['--require', 'wrapt-hooks/register'];

const GREETER = {
  'package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', main: 'index.js' }),
  'index.js': `
exports.shout = (s) => { if (s === 'boom') throw new Error('boom!'); return String(s).toUpperCase(); };
exports.later = async (s) => { await new Promise((r) => setTimeout(r, 2)); if (s === 'no') throw new TypeError('nope'); return exports.shout(s); };
`,
};

// The application with OpenTelemetry's SDK: spans collected in memory and printed at the end.
const JOINED = `
const { NodeTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const late = process.env.LATE === '1';
if (process.env.INSTRUMENT === '1') {
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider: provider });
}
if (!late) provider.register();
const api = require('@opentelemetry/api');
const greeter = require('greeter');
const http = require('node:http');
const { spawnSync } = require('node:child_process');
(async () => {
  greeter.shout('first');
  if (late) provider.register();
  await api.trace.getTracer('app').startActiveSpan('app-root', async (root) => {
    greeter.shout('x');
    try { greeter.shout('boom'); } catch {}
    await greeter.later('y');
    await greeter.later('no').catch(() => {});
    spawnSync(process.execPath, ['-e', '0', '--', '--password=hunter2']);
    root.end();
  });
  let seen;
  const server = http.createServer((req, res) => { seen = req.headers.traceparent; greeter.shout('in-request'); res.end('ok'); }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = 'http://127.0.0.1:' + server.address().port;
  await new Promise((r) => http.get(base + '/users/42?token=s3cret', (res) => { res.resume(); res.on('end', r); }));
  const httpHeader = seen;
  await fetch(base + '/f').then((r) => r.text());
  server.close();
  console.log(JSON.stringify({ httpHeader, fetchHeader: seen }));
  for (const s of exporter.getFinishedSpans()) {
    const parent = s.parentSpanContext?.spanId ?? s.parentSpanId;
    console.log(JSON.stringify({ name: s.name, kind: s.kind, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId, parent, scope: (s.instrumentationScope ?? s.instrumentationLibrary).name, attributes: s.attributes, status: s.status, events: s.events.map((e) => e.name) }));
  }
})();
`;

// Standing alone: traced calls, and an http server or client, as each scenario asks.
const SOLO = `
const greeter = require('greeter');
const http = require('node:http');
const mode = process.argv[2];
process.on('beforeExit', () => console.log('beforeExit'));
greeter.shout('a');
try { greeter.shout('boom'); } catch {}
if (mode === 'exit') { greeter.shout('c'); process.exit(3); }
if (mode === 'signal') { setInterval(() => {}, 1000); setTimeout(() => process.kill(process.pid, 'SIGTERM'), 100); }
if (mode === 'server') {
  let left = 2;
  const server = http.createServer((req, res) => { greeter.shout('served'); res.end('ok'); if (--left === 0) server.close(); }).listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
}
if (mode === 'client') {
  (async () => {
    const base = 'http://127.0.0.1:' + process.argv[3];
    await new Promise((r) => http.get(base + '/by-http', (res) => { res.resume(); res.on('end', r); }));
    await fetch(base + '/by-fetch').then((r) => r.text());
  })();
}
`;

// The application's own OTLP exporter, posting while the http recipe watches outgoing requests.
const APP_EXPORTER = `
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const exporter = new OTLPTraceExporter({ url: process.env.COLLECTOR + '/v1/traces' });
const { resourceFromAttributes } = require('@opentelemetry/resources');
const resource = resourceFromAttributes({ 'service.name': 'app-exporter' });
const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 50 })] });
provider.register();
const greeter = require('greeter');
(async () => {
  greeter.shout('one');
  await new Promise((r) => setTimeout(r, 300));
  greeter.shout('two');
  await new Promise((r) => setTimeout(r, 300));
  await provider.shutdown();
})();
`;

// Export off: which OpenTelemetry modules did the process load?
const OFF = `
require('greeter').shout('a');
process.on('exit', () => console.log('otel modules: ' + Object.keys(require.cache).filter((f) => f.includes('@opentelemetry')).length));
`;

let app;
let app3;
const scratch = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-otel-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Installs `packages` (npm ci from its lock file) and lays out an application using them. */
function layOut(packages, name) {
  const installed = path.join(packages, 'node_modules', '.package-lock.json');
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(packages, 'package-lock.json')).mtimeMs) {
    execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], { cwd: packages, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const dir = path.join(scratch, name);
  const modules = path.join(dir, 'node_modules');
  mkdirSync(path.join(modules, 'greeter'), { recursive: true });
  for (const entry of readdirSync(path.join(packages, 'node_modules'))) {
    if (!entry.startsWith('.')) symlinkSync(path.join(packages, 'node_modules', entry), path.join(modules, entry), 'dir');
  }
  symlinkSync(ROOT, path.join(modules, 'wrapt-hooks'), 'dir');
  for (const [file, text] of Object.entries(GREETER)) writeFileSync(path.join(modules, 'greeter', file), text);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  writeFileSync(path.join(dir, 'joined.js'), JOINED);
  writeFileSync(path.join(dir, 'solo.js'), SOLO);
  writeFileSync(path.join(dir, 'off.js'), OFF);
  writeFileSync(path.join(dir, 'app-exporter.js'), APP_EXPORTER);
  return dir;
}

before(() => {
  app = layOut(OTEL, 'app');
  app3 = layOut(OTEL3, 'app3');
});

const EXPORT = {
  WRAPT_TRACE: 'greeter#shout,greeter#later',
  WRAPT_PATCHES: 'wrapt-hooks/recipes/http,wrapt-hooks/recipes/child_process',
  WRAPT_TRACE_EXPORT: 'otel',
};
let node = process.execPath;
const run = (script, env, args = [], cwd = app) => runNodeAsync(cwd, [...PRELOAD, script, ...args], { env, node });
const spansOf = (stdout) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{"name"'))
    .map((line) => JSON.parse(line));
const traceLines = (stderr) => stderr.split('\n').filter((line) => line.startsWith('wrapt-hooks: trace '));

for (const [major, binary] of configuredNodes()) {
  describe(`Node ${major}`, () => {
    before(() => {
      node = binary;
    });

    describe('joined to the application tracer provider', () => {
      let joined;
      let late;
      let instrumented;
      before(async () => {
        [joined, late, instrumented] = await pool(
          [() => run('joined.js', EXPORT), () => run('joined.js', { ...EXPORT, LATE: '1' }), () => run('joined.js', { ...EXPORT, INSTRUMENT: '1' })],
          3,
        );
      });

      test('traced calls are children of the active span; a throw and a rejection set status ERROR and record the exception', () => {
        assert.equal(joined.code, 0, joined.stderr);
        assert.deepEqual(joined.warnings, []);
        const spans = spansOf(joined.stdout);
        const root = spans.find((s) => s.name === 'app-root');
        const inRoot = spans.filter((s) => s.parent === root.spanId);
        assert.deepEqual(inRoot.map((s) => s.name).sort(), ['greeter#later', 'greeter#later', 'greeter#shout', 'greeter#shout', 'node'].sort());
        for (const s of inRoot) assert.equal(s.traceId, root.traceId);
        const shouts = inRoot.filter((s) => s.name === 'greeter#shout');
        assert.deepEqual(
          shouts.map((s) => [s.scope, s.attributes['code.function.name'], s.status.code, s.events]),
          [
            ['wrapt-hooks', 'greeter#shout', 0, []],
            ['wrapt-hooks', 'greeter#shout', 2, ['exception']],
          ],
        );
        assert.equal(shouts[1].status.message, 'Error: boom!');
        const [resolved, rejected] = inRoot.filter((s) => s.name === 'greeter#later');
        assert.deepEqual([resolved.status.code, rejected.status.code, rejected.status.message, rejected.events], [0, 2, 'TypeError: nope', ['exception']]);
        // A traced call inside a traced call is its child: later('y') calls shout('y').
        assert.ok(spans.some((s) => s.name === 'greeter#shout' && s.parent === resolved.spanId));
        // The child process recipe: the command's name, redacted command line.
        const child = inRoot.find((s) => s.name === 'node');
        assert.match(child.attributes['process.command'], /^\/.*\/node$/);
        assert.match(child.attributes['process.command_line'], /--password=\[redacted\]/);
        assert.equal(child.attributes['process.exit.code'], 0);
        // The lines are written as before.
        assert.equal(traceLines(joined.stderr).length, 8, joined.stderr);
      });

      test('the http recipe: server spans by route, client spans with url.full redacted, joined by traceparent (http.get and fetch)', () => {
        const spans = spansOf(joined.stdout);
        const headers = JSON.parse(joined.stdout.split('\n').find((line) => line.startsWith('{"httpHeader"')));
        const clients = spans.filter((s) => s.kind === 2 && s.name === 'GET');
        const servers = spans.filter((s) => s.kind === 1);
        assert.deepEqual(
          servers.map((s) => s.name),
          ['GET /users/:id', 'GET /f'],
        );
        assert.equal(clients.length, 2);
        for (const [index, header] of [headers.httpHeader, headers.fetchHeader].entries()) {
          const client = clients[index];
          const server = servers[index];
          assert.equal(header, `00-${client.traceId}-${client.spanId}-01`);
          assert.deepEqual([server.traceId, server.parent], [client.traceId, client.spanId]);
          // The traced call in the handler is the server span's child.
          assert.ok(spans.some((s) => s.name === 'greeter#shout' && s.parent === server.spanId));
        }
        assert.match(clients[0].attributes['url.full'], /^http:\/\/127\.0\.0\.1:\d+\/users\/42\?token=\[redacted\]$/);
        assert.deepEqual(
          [clients[0].attributes['http.request.method'], clients[0].attributes['http.response.status_code'], clients[0].attributes['server.address']],
          ['GET', 200, '127.0.0.1'],
        );
        assert.deepEqual(servers[0].attributes, {
          'http.request.method': 'GET',
          'url.path': '/users/42',
          'url.query': 'token=[redacted]',
          'http.response.status_code': 200,
        });
        assert.doesNotMatch(joined.stdout, /s3cret/);
      });

      test('a provider registered after the first traced call: one warning then, spans from then on', () => {
        assert.equal(late.code, 0, late.stderr);
        assert.deepEqual(
          late.warnings.map((w) => w.code),
          ['WRAPT_HOOKS_EXPORT_UNAVAILABLE'],
        );
        const spans = spansOf(late.stdout);
        assert.equal(spans.filter((s) => s.name === 'greeter#shout').length, 5, late.stdout);
        assert.equal(traceLines(late.stderr).length, 8);
      });

      test("with the application's own HTTP instrumentation, traced calls in a request nest under its server span", () => {
        assert.equal(instrumented.code, 0, instrumented.stderr);
        const spans = spansOf(instrumented.stdout);
        const byId = new Map(spans.map((s) => [s.spanId, s]));
        const theirs = spans.filter((s) => s.kind === 1 && s.scope === '@opentelemetry/instrumentation-http');
        assert.equal(theirs.length, 2, instrumented.stdout);
        const inRequest = spans.filter((s) => s.name === 'greeter#shout' && s.attributes && spans.find((x) => x.spanId === s.parent)?.kind === 1);
        assert.equal(inRequest.length, 2);
        for (const call of inRequest) {
          // Up the parents from the traced call: their server span is on the way.
          let at = byId.get(call.parent);
          const chain = [];
          while (at !== undefined) {
            chain.push(at.scope);
            at = byId.get(at.parent);
          }
          assert.ok(chain.includes('@opentelemetry/instrumentation-http'), chain.join(' <- '));
        }
      });
    });

    describe('standing alone: OTLP to a collector', () => {
      let receiver;
      before(async () => {
        receiver = await startReceiver();
      });
      after(() => receiver.close());

      const env = (extra) => ({
        WRAPT_TRACE: 'greeter#shout',
        WRAPT_TRACE_EXPORT: 'otel',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'solo',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-team=debug',
        ...extra,
      });
      const ofService = (name) => receiver.spans.filter((s) => s.resource['service.name'] === name);

      for (const [sdk, protocol, mode] of [
        ['sdk-trace-base 2', 'http/protobuf', 'end'],
        ['sdk-trace-base 2', 'http/json', 'exit'],
        ['sdk-trace 3', 'http/protobuf', 'exit'],
        ['sdk-trace 3', 'http/json', 'end'],
        ['sdk-trace-base 2', 'http/protobuf', 'signal'],
      ]) {
        test(`${sdk}, ${protocol}, ${mode === 'exit' ? 'process.exit(3)' : mode === 'signal' ? 'SIGTERM unhandled' : 'a normal end'}: every span reaches the collector, with the resource and headers asked for`, async () => {
          const service = `solo-${sdk}-${protocol}-${mode}`;
          const cwd = sdk === 'sdk-trace 3' ? app3 : app;
          const result = await run('solo.js', env({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_SERVICE_NAME: service }), [mode], cwd);
          assert.deepEqual([result.code, result.signal], mode === 'exit' ? [3, null] : mode === 'signal' ? [null, 'SIGTERM'] : [0, null], result.stderr);
          assert.deepEqual(result.warnings, []);
          // The application's own 'beforeExit' listener runs as often as without export.
          assert.equal(count(result.stdout, 'beforeExit'), mode === 'end' ? 1 : 0);
          const spans = ofService(service);
          assert.deepEqual(
            spans.map((s) => [s.protocol, s.name, s.status.code, s.scope]),
            [
              [protocol, 'greeter#shout', 0, 'wrapt-hooks'],
              [protocol, 'greeter#shout', 2, 'wrapt-hooks'],
              ...(mode === 'exit' ? [[protocol, 'greeter#shout', 0, 'wrapt-hooks']] : []),
            ],
          );
          assert.equal(spans[1].events[0].name, 'exception');
          assert.equal(spans[1].events[0].attributes['exception.message'], 'boom!');
          assert.equal(spans[0].resource['deployment.environment.name'], 'test');
          const requests = receiver.requests.filter((r) => r.contentType.startsWith(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf'));
          assert.ok(requests.length > 0);
          for (const request of requests) assert.deepEqual([request.path, request.headers['x-team']], ['/v1/traces', 'debug']);
        });
      }

      test("the application's own exporter: its posts are lines as before, never spans (no span about exporting spans)", async () => {
        const result = await run('app-exporter.js', {
          ...EXPORT,
          COLLECTOR: receiver.url,
        });
        assert.equal(result.code, 0, result.stderr);
        assert.ok(count(result.stderr, '/v1/traces -> 200') >= 2, result.stderr);
        const spans = receiver.spans.filter((s) => s.resource['service.name'] === 'app-exporter');
        assert.deepEqual(
          spans.map((s) => s.name),
          ['greeter#shout', 'greeter#shout'],
        );
        // No exporter's post (the application's, wrapt-hooks' own) is sent a traceparent.
        for (const request of receiver.requests) assert.equal(request.headers.traceparent, undefined);
      });

      test('two processes: the client sends traceparent, the server continues it; one trace id across both', async () => {
        const server = spawn(node, [...PRELOAD, 'solo.js', 'server'], {
          cwd: app,
          env: childEnv(env({ WRAPT_PATCHES: 'wrapt-hooks/recipes/http', OTEL_SERVICE_NAME: 'server' })),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        server.stderr.on('data', (chunk) => (stderr += chunk));
        const port = await new Promise((resolve) => server.stdout.on('data', (chunk) => resolve(/port (\d+)/.exec(String(chunk))?.[1])));
        const client = await run('solo.js', env({ WRAPT_PATCHES: 'wrapt-hooks/recipes/http', OTEL_SERVICE_NAME: 'client' }), ['client', port]);
        assert.equal(client.code, 0, client.stderr);
        assert.equal(await new Promise((resolve) => server.on('close', resolve)), 0, stderr);
        const clients = ofService('client').filter((s) => s.kind === 3);
        const servers = ofService('server').filter((s) => s.kind === 2);
        assert.equal(clients.length, 2);
        assert.deepEqual(
          servers.map((s) => s.name),
          ['GET /by-http', 'GET /by-fetch'],
        );
        for (const [index, serverSpan] of servers.entries()) {
          assert.equal(serverSpan.traceId, clients[index].traceId);
          assert.equal(serverSpan.parentSpanId, clients[index].spanId);
          const handled = ofService('server').find((s) => s.name === 'greeter#shout' && s.parentSpanId === serverSpan.spanId);
          assert.ok(handled, 'the traced call in the handler is the server span child');
        }
        // wrapt-hooks' own posts to the collector are not events: no line, no span.
        assert.doesNotMatch(client.stderr, /v1\/traces/);
        assert.equal(receiver.spans.filter((s) => s.attributes['url.full']?.includes('/v1/traces')).length, 0);
      });
    });

    describe('bad input: one warning, the lines as before, the exit code unchanged', () => {
      let closedPort;
      before(async () => {
        const server = http.createServer().listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        closedPort = server.address().port;
        await new Promise((resolve) => server.close(resolve));
      });

      test('no provider, no endpoint; a bad URL; a collector that is down (normal end and process.exit)', async () => {
        const base = { WRAPT_TRACE: 'greeter#shout', WRAPT_TRACE_EXPORT: 'otel' };
        const down = `http://127.0.0.1:${closedPort}`;
        const [none, badUrl, badProtocol, downEnd, downExit] = await pool([
          () => run('solo.js', base),
          () => run('solo.js', { ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' }),
          () => run('solo.js', { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: down, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
          () => run('solo.js', { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: down }),
          () => run('solo.js', { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: down }, ['exit']),
        ]);
        const codes = (result) => result.warnings.map((w) => w.code);
        for (const result of [none, badUrl, badProtocol, downEnd]) {
          assert.equal(result.code, 0, result.stderr);
          assert.equal(traceLines(result.stderr).length, 2, result.stderr);
        }
        assert.deepEqual(codes(none), ['WRAPT_HOOKS_EXPORT_UNAVAILABLE']);
        assert.deepEqual(codes(badUrl), ['WRAPT_HOOKS_EXPORT_CONFIG']);
        assert.match(badUrl.warnings[0].message, /^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="collector:4318"/);
        assert.deepEqual(codes(badProtocol), ['WRAPT_HOOKS_EXPORT_CONFIG', 'WRAPT_HOOKS_EXPORT_FAILED']);
        assert.match(badProtocol.warnings[0].message, /^OTEL_EXPORTER_OTLP_PROTOCOL="grpc"/);
        assert.deepEqual(codes(downEnd), ['WRAPT_HOOKS_EXPORT_FAILED']);
        assert.match(downEnd.warnings[0].message, /ECONNREFUSED/);
        assert.equal(downExit.code, 3, downExit.stderr);
        assert.equal(traceLines(downExit.stderr).length, 3);
        assert.deepEqual(codes(downExit), ['WRAPT_HOOKS_EXPORT_FAILED']);
        assert.equal(count(downExit.stderr, 'WraptHooksWarning'), 1);
      });
    });

    test('export off: no OpenTelemetry module is loaded, though the application has them installed', async () => {
      const [off, on] = await pool([
        () => run('off.js', { WRAPT_TRACE: 'greeter#shout' }),
        () => run('off.js', { WRAPT_TRACE: 'greeter#shout', WRAPT_TRACE_EXPORT: 'otel' }),
      ]);
      assert.match(off.stdout, /^otel modules: 0$/m, off.stdout);
      // Control: with export on, the same run loads the API.
      assert.doesNotMatch(on.stdout, /^otel modules: 0$/m, on.stdout);
    });
  });
}
