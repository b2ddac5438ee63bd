// wrapt-hooks next to real agents (docs/production-and-security.md): dd-trace 5, OpenTelemetry's
// auto-instrumentations (current, and 0.65.0 on import-in-the-middle 1.x), @sentry/node, and a
// minimal agent on import-in-the-middle 1.x, 2.x and a second copy of 3.x. Each agent is
// installed in its own directory under agents/ (their peer dependencies conflict); the same
// application (app/: express, an ESM-only package, an application file and `node:fs`, as ES
// module and as CommonJS) runs with the agent alone and with both preloads in either order, on
// every Node named by WRAPT_HOOKS_NODE_20/22/24/26 (or the running one). Each run must show both
// sides' work and the application's output unchanged from the agent-alone run. Then pg and ws
// (ES entries that re-export their CommonJS build) required and imported in both orders.
//
// Nothing leaves the machine: agents are pointed at an unused loopback port and their
// exporters, telemetry and remote configuration are off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pool as poolOf } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';

/** Two agent runs at a time: each starts several Node processes of its own. */
const pool = (jobs) => poolOf(jobs, 2);

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// Per agent: dd-trace reads OTEL_* variables too (OTEL_TRACES_EXPORTER=none turns its tracing off).
const DD_OFFLINE = {
  DD_TRACE_AGENT_URL: 'http://127.0.0.1:9',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  DD_TRACE_STARTUP_LOGS: 'false',
  DD_CRASHTRACKING_ENABLED: 'false',
  DD_PROFILING_ENABLED: 'false',
};
const OTEL_OFFLINE = {
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_NODE_RESOURCE_DETECTORS: 'none',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
};

/** The Node binaries to run: WRAPT_HOOKS_NODE_<major> where set, else the running one. */
const NODES = configuredNodes();

/** Each agent: its directory, its preload flags for ES module and CommonJS apps, what it must show. */
const AGENTS = {
  'dd-trace': { esm: ['--import', 'dd-trace/initialize.mjs'], cjs: ['--require', 'dd-trace/init'], env: DD_OFFLINE, evidence: /^agent: dd-trace express\./ },
  // OpenTelemetry's documented ES module set-up: its import-in-the-middle loader, then the SDK.
  otel: {
    esm: ['--experimental-loader=@opentelemetry/instrumentation/hook.mjs', '--import', '@opentelemetry/auto-instrumentations-node/register'],
    cjs: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
    env: OTEL_OFFLINE,
    evidence: /^agent: opentelemetry express wrapped$/,
  },
  'otel-iitm1': {
    esm: ['--experimental-loader=@opentelemetry/instrumentation/hook.mjs', '--import', '@opentelemetry/auto-instrumentations-node/register'],
    cjs: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
    env: OTEL_OFFLINE,
    evidence: /^agent: opentelemetry express wrapped$/,
  },
  // The route's pattern in the transaction name comes from Sentry's express instrumentation.
  sentry: {
    esm: ['--import', '@sentry/node/import', '--import', './sentry-init.mjs'],
    cjs: ['--require', './sentry-init.cjs'],
    evidence: /^agent: sentry GET \/users\/:id$/,
  },
  iitm1: { esm: ['--import', './mini-agent.mjs'], evidence: /^agent: iitm hooks=1$/ },
  iitm2: { esm: ['--import', './mini-agent.mjs'], evidence: /^agent: iitm hooks=1$/ },
  iitm3: { esm: ['--import', './mini-agent.mjs'], evidence: /^agent: iitm hooks=1$/ },
};

const WH = { esm: ['--import', 'wrapt-hooks/register'], cjs: ['--require', 'wrapt-hooks/register'] };
const scratch = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-agents-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Installs each agent's directory (npm ci from its lockfile) and lays out an app beside it. */
function prepare(agent) {
  const dir = path.join(here, 'agents', agent);
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(dir, 'package-lock.json')).mtimeMs) {
    execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const [name, from] of [
    ['wrapt-hooks', ROOT],
    ['esm-greeter', path.join(ROOT, 'test', 'fixtures', 'node_modules', 'esm-greeter')],
  ]) {
    const to = path.join(dir, 'node_modules', name);
    if (!existsSync(to)) symlinkSync(from, to, 'dir');
  }
  const app = path.join(scratch, agent);
  cpSync(path.join(here, 'app'), app, { recursive: true });
  // The agents' start-up files, beside the application (where their packages resolve).
  for (const file of ['mini-agent.mjs', 'sentry-init.mjs', 'sentry-init.cjs']) cpSync(path.join(here, 'agents', file), path.join(app, file));
  symlinkSync(path.join(dir, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  return app;
}

function run(node, cwd, args, agentEnv = {}) {
  const env = { ...process.env, ...agentEnv };
  for (const key of Object.keys(env)) if (key.startsWith('WRAPT_') || key === 'NODE_OPTIONS' || key.startsWith('NODE_TEST')) delete env[key];
  return new Promise((resolve) => {
    execFile(node, args, { cwd, env, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error.code ?? null), stdout, stderr });
    });
  });
}

const section = (stdout, prefix) => stdout.split('\n').filter((line) => line.startsWith(prefix));

for (const [agent, spec] of Object.entries(AGENTS)) {
  describe(`next to ${agent}`, () => {
    let app;
    before(() => {
      app = prepare(agent);
    });

    for (const [major, node] of NODES) {
      for (const kind of ['esm', 'cjs']) {
        if (spec[kind] === undefined) continue;
        test(`Node ${major}, ${kind === 'esm' ? 'ES module' : 'CommonJS'} app: both sides patch in either preload order, output unchanged`, async () => {
          const script = kind === 'esm' ? 'app.mjs' : 'app.cjs';
          const runs = {
            alone: [...spec[kind], script],
            'agent first': [...spec[kind], ...WH[kind], script],
            'wrapt-hooks first': [...WH[kind], ...spec[kind], script],
          };
          const names = Object.keys(runs);
          const results = await pool(names.map((name) => () => run(node, app, runs[name], spec.env)));
          const alone = results[0];
          assert.equal(alone.code, 0, `agent alone: ${alone.stderr}`);
          assert.match(section(alone.stdout, 'agent:')[0] ?? '', spec.evidence, `the agent alone shows its work:\n${alone.stdout}`);
          for (let i = 1; i < names.length; i++) {
            const { code, stdout, stderr } = results[i];
            const label = `${names[i]} (${runs[names[i]].join(' ')})`;
            assert.equal(code, 0, `${label}: exit ${code}\n${stderr}`);
            assert.doesNotMatch(stderr, /WraptHooksWarning/, `${label}: ${stderr}`);
            assert.deepEqual(section(stdout, 'app:'), section(alone.stdout, 'app:'), `${label}: the application's output`);
            assert.match(section(stdout, 'agent:')[0] ?? '', spec.evidence, `${label}: the agent's patches:\n${stdout}`);
            const counts = section(stdout, 'wrapt-hooks:')[0] ?? '';
            assert.match(counts, /^wrapt-hooks: express=1 greeter=1 lib=1 fs=[1-9]\d*$/, `${label}: wrapt-hooks' patches:\n${stdout}\n${stderr}`);
          }
        });
      }
    }
  });
}

describe('pg and ws: ES entries that re-export their CommonJS build', () => {
  let app;
  before(() => {
    app = path.join(scratch, 'pg-ws');
    cpSync(path.join(here, 'app'), app, { recursive: true }); // dd-trace's directory has pg and ws
    symlinkSync(path.join(here, 'agents', 'dd-trace', 'node_modules'), path.join(app, 'node_modules'), 'dir');
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'pg-ws', private: true, 'wrapt-hooks': { patches: { pg: './pg-ws-patches.cjs#pg', ws: './pg-ws-patches.cjs#ws' } } }),
    );
    writeFileSync(
      path.join(app, 'pg-ws-patches.cjs'),
      `const { wrapFunctionWrapper } = require('wrapt-hooks');
       const calls = (globalThis.calls = { escape: 0, ping: 0 });
       exports.pg = (pg) => { console.log('patch pg'); wrapFunctionWrapper(pg.Client.prototype, 'escapeIdentifier', (w, _, a) => { calls.escape++; return w(...a); }); };
       exports.ws = (ws) => { console.log('patch ws'); wrapFunctionWrapper(ws.WebSocket.prototype, 'ping', (w, _, a) => { calls.ping++; try { return w(...a); } catch { return undefined; } }); };`,
    );
    const use = `
      function use(label, pg, ws) {
        const before = { ...globalThis.calls };
        new pg.Client().escapeIdentifier('t');
        new ws.WebSocket(null, undefined, {}).ping();
        console.log(label, 'escape=' + (globalThis.calls.escape - before.escape), 'ping=' + (globalThis.calls.ping - before.ping));
      }`;
    writeFileSync(
      path.join(app, 'require-first.mjs'),
      `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${use}
       use('require', require('pg'), require('ws')); use('import', await import('pg'), await import('ws'));`,
    );
    writeFileSync(
      path.join(app, 'import-first.mjs'),
      `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${use}
       use('import', await import('pg'), await import('ws')); use('require', require('pg'), require('ws'));`,
    );
  });

  for (const [major, node] of NODES) {
    test(`Node ${major}: each patch fires once and each call runs its wrapper once, in both orders`, async () => {
      const [requireFirst, importFirst] = await pool([
        () => run(node, app, [...WH.esm, 'require-first.mjs']),
        () => run(node, app, [...WH.cjs, 'import-first.mjs']),
      ]);
      for (const [result, order] of [
        [requireFirst, ['require', 'import']],
        [importFirst, ['import', 'require']],
      ]) {
        assert.equal(result.code, 0, result.stderr);
        const out = result.stdout.split('\n').filter(Boolean);
        assert.deepEqual(out.slice(0, 2).sort(), ['patch pg', 'patch ws'], result.stdout);
        assert.deepEqual(
          out.slice(2),
          order.map((label) => `${label} escape=1 ping=1`),
          result.stdout,
        );
      }
    });
  }
});
