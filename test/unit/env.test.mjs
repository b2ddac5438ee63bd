// In-process: the one parser of wrapt-hooks' environment variables (src/env.ts): flags, lists,
// WRAPT_TRACE_PREFIX, and WRAPT_HOOKS_DISABLE as target keys (src/core/disable.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { env, disable } = internals();

test('flag: unset, empty, 0, false, no and off are off; anything else is on', () => {
  for (const value of [undefined, '', ' ', '0', 'false', 'FALSE', ' no ', 'off', 'Off']) assert.equal(env.flag(value), false, String(value));
  for (const value of ['1', 'true', 'yes', 'on', 'all', 'fs', ' 2 ']) assert.equal(env.flag(value), true, value);
});

test('list: items trimmed, empty ones dropped', () => {
  assert.deepEqual(env.list(undefined), []);
  assert.deepEqual(env.list(''), []);
  assert.deepEqual(env.list(' a, ,b ,, c '), ['a', 'b', 'c']);
});

test('WRAPT_HOOKS_DISABLE: all, a list of targets as canonical keys, or nothing', () => {
  assert.equal(disable.disabledTargets(undefined, '/app'), undefined);
  assert.equal(disable.disabledTargets('0', '/app'), undefined);
  for (const value of ['1', 'all', 'ALL', 'true', '*']) assert.equal(disable.disabledTargets(value, '/app'), 'all', value);
  const keys = disable.disabledTargets('node:fs, express ,./src/db.js,express/lib/router/index.js', '/app');
  assert.deepEqual([...keys], ['fs', 'express', '/app/src/db.js', 'express/lib/router']);
});

test('WRAPT_TRACE_PREFIX: any subset of time, pid, tid, shown in that order; other items reported', () => {
  assert.deepEqual(env.prefixSetting(undefined), { fields: [], unknown: [] });
  assert.deepEqual(env.prefixSetting('tid, PID ,time'), { fields: ['time', 'pid', 'tid'], unknown: [] });
  assert.deepEqual(env.prefixSetting('pid,host,,date'), { fields: ['pid'], unknown: ['host', 'date'] });
});
