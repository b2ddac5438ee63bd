// pm2 from the npm registry, in fork and cluster mode (docs/toolchains.md). In cluster mode a
// worker's fd 2 is the daemon's own log (pm2.log); pm2 sends what the worker writes through
// `process.stderr.write` to the application's error log, so trace and recipe lines must go
// through that function to land there (docs/tracing.md, "A replaced process.stderr.write"). In
// fork mode pm2 reads the child's fd 2 itself. Each run has its own PM2_HOME (and HOME) in a temp
// dir, never the user's ~/.pm2, and ends with `pm2 kill`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, test } from 'node:test';
import { lines, makeApp, runCommand } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';
import { TOOL_CACHE, installed } from './tools.mjs';

const NODES = configuredNodes();
const PM2 = { pm2: '7.0.4' };
let pm2;
before(() => {
  pm2 = path.join(installed(path.join(TOOL_CACHE, 'pm2'), PM2), 'node_modules', 'pm2', 'bin', 'pm2');
});

// The same app three times: with `node_args` in cluster mode (2 instances), with NODE_OPTIONS in
// fork mode, and in cluster mode with a config that turns on only the recipe (its first line
// then comes after pm2 has replaced process.stderr.write). A cluster worker's preload runs before
// pm2 applies the app's `env` and changes to its `cwd` (it sees the daemon's), so that config
// is named by WRAPT_HOOKS_CONFIG in a file given to Node's --env-file. The app stays up (pm2
// would restart it otherwise) until `pm2 kill`.
const ECOSYSTEM = `const path = require('node:path');
module.exports = {
  apps: [
    { name: 'clustered', script: 'app.js', exec_mode: 'cluster', instances: 2, node_args: '--require wrapt-hooks/register', autorestart: false },
    { name: 'forked', script: 'app.js', exec_mode: 'fork', env: { NODE_OPTIONS: '--require wrapt-hooks/register' }, autorestart: false },
    {
      name: 'recipe-only',
      script: 'app.js',
      exec_mode: 'cluster',
      instances: 1,
      node_args: '--env-file=' + path.join(__dirname, 'recipe-only.env') + ' --require wrapt-hooks/register',
      autorestart: false,
    },
  ],
};
`;
const APP = `const { execFileSync } = require('node:child_process');
const { greet } = require('greeter');
const me = process.env.name + ':' + process.env.NODE_APP_INSTANCE;
console.log('ran', process.version, greet(me));
execFileSync(process.execPath, ['-e', '']);
setInterval(() => {}, 60_000);
`;

/** pm2's log files for app `name`: { 'error-0': text, 'out-0': text, … }; pm2 adds the pm_id to a cluster's. */
function appLogs(home, name) {
  const dir = path.join(home, '.pm2', 'logs');
  const logs = {};
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    const match = file.match(new RegExp(`^${name}-((?:error|out)(?:-\\d+)?)\\.log$`));
    if (match) logs[match[1]] = readFileSync(path.join(dir, file), 'utf8');
  }
  return logs;
}

const traceLine = (me) => new RegExp(`^wrapt-hooks: trace greeter#greet\\('${me}'\\) -> 'hello ${me}' `, 'm');
const recipeLine = /^wrapt-hooks: child_process execFileSync \S+ -e '' -> exit 0 /m;
const done = (logs, instances) => {
  const errors = Object.keys(logs).filter((key) => key.startsWith('error'));
  return errors.length === instances && errors.every((key) => recipeLine.test(logs[key]));
};

for (const [major, node] of NODES) {
  test(
    `Node ${major}: trace and recipe lines land in each instance's own error log, in cluster and in fork mode, not in pm2.log`,
    { timeout: 180_000 },
    async () => {
      const app = makeApp({
        packages: {
          greeter: { 'package.json': { name: 'greeter', version: '1.0.0', main: 'index.js' }, 'index.js': "exports.greet = (who) => 'hello ' + who;\n" },
        },
        files: {
          '.wrapt-hooksrc.json': { trace: ['greeter#greet'], packages: ['wrapt-hooks/recipes/child_process'] },
          'app.js': APP,
          'ecosystem.config.js': ECOSYSTEM,
          'recipe-only.json': { packages: ['wrapt-hooks/recipes/child_process'] },
          'recipe-only.env': 'WRAPT_HOOKS_CONFIG=./recipe-only.json\n',
        },
      });
      const home = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-pm2-'));
      // This Node first on PATH, as a version manager puts it: fork mode runs `node` from PATH.
      const env = { HOME: home, PM2_HOME: path.join(home, '.pm2'), PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` };
      const pm2Log = () => (existsSync(path.join(home, '.pm2', 'pm2.log')) ? readFileSync(path.join(home, '.pm2', 'pm2.log'), 'utf8') : '');
      try {
        const start = runCommand(app, node, [pm2, 'start', 'ecosystem.config.js'], { env, timeout: 120_000 });
        assert.equal(start.code, 0, start.stdout + start.stderr);
        // The apps write while pm2 hands their lines to its log files: wait until every instance's
        // last line (the recipe's) is there.
        for (let waited = 0; waited < 90_000; waited += 250) {
          if (done(appLogs(home, 'clustered'), 2) && done(appLogs(home, 'forked'), 1) && done(appLogs(home, 'recipe-only'), 1)) break;
          await sleep(250);
        }
        const clustered = appLogs(home, 'clustered');
        const forked = appLogs(home, 'forked');
        const recipeOnly = appLogs(home, 'recipe-only');
        const seen = JSON.stringify({ clustered, forked, 'recipe-only': recipeOnly, 'pm2.log': pm2Log() }, null, 2);
        for (const [name, logs, instances, traced] of [
          ['clustered', clustered, 2, true],
          ['forked', forked, 1, true],
          ['recipe-only', recipeOnly, 1, false],
        ]) {
          const errors = Object.keys(logs).filter((key) => key.startsWith('error'));
          assert.equal(errors.length, instances, `${name}: one error log per instance\n${seen}`);
          const mes = [];
          for (const key of errors) {
            const out = lines(logs[key.replace('error', 'out')] ?? '');
            const me = out[0]?.match(/^ran (v\d+)\.\S+ hello (\S+)$/);
            assert.ok(me, `${name} ${key}: the app ran\n${seen}`);
            assert.equal(me[1], `v${major}`, `${name}: runs on the Node that runs pm2`);
            mes.push(me[2]);
            if (traced) assert.match(logs[key], traceLine(me[2]), `${name} ${key}\n${seen}`);
            else assert.doesNotMatch(logs[key], /trace greeter/, `${name} ${key}\n${seen}`);
            assert.match(logs[key], recipeLine, `${name} ${key}\n${seen}`);
          }
          assert.deepEqual(
            mes.sort(),
            Array.from({ length: instances }, (_, i) => `${name}:${i}`),
          );
        }
        assert.doesNotMatch(pm2Log(), /wrapt-hooks: /, seen);
      } finally {
        const pid = Number(existsSync(path.join(home, '.pm2', 'pm2.pid')) ? readFileSync(path.join(home, '.pm2', 'pm2.pid'), 'utf8') : NaN);
        const kill = runCommand(app, node, [pm2, 'kill'], { env, timeout: 60_000 });
        // The daemon this test started, should `pm2 kill` have failed to stop it.
        if (kill.code !== 0 && Number.isInteger(pid) && pid > 0) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone, as it should be
          }
        }
        if (!process.env.WRAPT_TEST_KEEP) rmSync(home, { recursive: true, force: true });
      }
    },
  );
}
