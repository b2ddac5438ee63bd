// In-process: the environment `wrapt-hooks run` gives its command (src/cli/run.ts, docs/cli.md):
// the preload by absolute path in NODE_OPTIONS (quoted the way Node reads it, added once),
// --trace entries in WRAPT_TRACE and --recipe names in WRAPT_PATCHES. test/cli.test.mjs runs
// the command itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT, path } from '../helpers.mjs';
import { cli } from './internals.mjs';

const { run } = cli.internals;

test('run: the preload is this copy of register.js, by absolute path', () => {
  assert.equal(run.REGISTER, path.join(ROOT, 'register.js'));
  assert.deepEqual(run.runEnv({ HOME: '/home/x' }), { HOME: '/home/x', NODE_OPTIONS: `--require ${path.join(ROOT, 'register.js')}` });
});

test('run: existing NODE_OPTIONS are kept, before the preload, which is added once', () => {
  const file = '/opt/wrapt-hooks/register.js';
  assert.equal(run.nodeOptionsWith(undefined, file), `--require ${file}`);
  assert.equal(run.nodeOptionsWith('  ', file), `--require ${file}`);
  assert.equal(run.nodeOptionsWith('--require ./marker.js --no-deprecation', file), `--require ./marker.js --no-deprecation --require ${file}`);
  assert.equal(run.nodeOptionsWith(`--max-old-space-size=99 --require ${file}`, file), `--max-old-space-size=99 --require ${file}`);
  const env = run.runEnv({ NODE_OPTIONS: '--no-deprecation' });
  assert.equal(env.NODE_OPTIONS, `--no-deprecation --require ${run.REGISTER}`);
});

test('run: a preload path with spaces, quotes and backslashes is quoted the way NODE_OPTIONS is read', () => {
  assert.equal(run.quoteNodeOption('/plain/path/register.js'), '/plain/path/register.js');
  assert.equal(run.quoteNodeOption('/my dir/register.js'), '"/my dir/register.js"');
  assert.equal(run.quoteNodeOption('/my "odd" dir\\with spaces/register.js'), '"/my \\"odd\\" dir\\\\with spaces/register.js"');
  assert.equal(run.nodeOptionsWith('', '/a b/register.js'), '--require "/a b/register.js"');
});

test('run --trace: entries go to WRAPT_TRACE, appended to an existing one', () => {
  assert.equal(run.runEnv({}, ['os#hostname', ' os#platform+stack ']).WRAPT_TRACE, 'os#hostname,os#platform+stack');
  assert.equal(run.runEnv({ WRAPT_TRACE: 'os#arch' }, ['os#hostname', 'os#platform+stack']).WRAPT_TRACE, 'os#arch,os#hostname,os#platform+stack');
  assert.equal(run.runEnv({ WRAPT_TRACE: ' ' }, ['os#hostname']).WRAPT_TRACE, 'os#hostname');
  assert.equal(run.runEnv({ WRAPT_TRACE: 'os#arch' }, []).WRAPT_TRACE, 'os#arch');
  assert.equal('WRAPT_TRACE' in run.runEnv({}, ['', ' ']), false);
});

test('run: --recipe names become WRAPT_PATCHES entries after existing ones; --trace options go to WRAPT_TRACE as written', () => {
  const env = run.runEnv({ WRAPT_PATCHES: 'mine', WRAPT_TRACE: 'a#b' }, ['greeter#shout+slow=5'], ['http', 'sql']);
  assert.equal(env.WRAPT_PATCHES, 'mine,wrapt-hooks/recipes/http,wrapt-hooks/recipes/sql');
  assert.equal(env.WRAPT_TRACE, 'a#b,greeter#shout+slow=5');
  assert.equal(run.runEnv({}, [], []).WRAPT_PATCHES, undefined);
});
