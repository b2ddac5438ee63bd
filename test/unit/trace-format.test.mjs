// In-process: how a trace line shows values (src/trace/format.ts): one short line per value,
// long strings cut by inspect before redaction sees them, secret-looking keys and URL passwords
// redacted, nesting and arrays bounded, errors as "Name: message", durations in ms, promise
// states. test/trace.test.mjs checks the lines traced apps print.
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { traceFormat: f } = internals();
f.loadInspect();

test('long strings are cut; secret-looking keys and URL passwords are redacted; nesting and arrays bounded', () => {
  const token = 'sk_live_' + 'A'.repeat(40) + 'SECRETTAIL' + 'B'.repeat(10);
  const args = f.formatArgs([token, { user: 'bob', password: 'hunter2', headers: { authorization: 'Bearer abc' } }, 'postgres://bob:pw123@db/app']);
  for (const secret of ['SECRETTAIL', 'hunter2', 'Bearer abc', 'pw123']) assert.ok(!args.includes(secret), `${secret} leaked: ${args}`);
  assert.equal(
    args,
    `'sk_live_${'A'.repeat(40)}'... 20 more characters, { user: 'bob', password: '[redacted]', headers: { authorization: '[redacted]' } }, 'postgres://bob:[redacted]@db/app'`,
  );
  assert.equal(f.format('L'.repeat(70)), `'${'L'.repeat(f.MAX_STRING)}'... 22 more characters`);
  assert.equal(
    f.formatArgs(['one\ntwo', [1, 2, 3, 4, 5, 6, 7], { a: { b: { c: { d: 1 } } } }]),
    "'one\\ntwo', [ 1, 2, 3, 4, 5, ... 2 more items ], { a: { b: [Object] } }",
  );
  for (const key of ['accessToken', 'x-api-key', 'client_secret', 'cookie', 'passphrase'])
    assert.doesNotMatch(f.format({ [key]: 'visible-value' }), /visible-value/, key);
  assert.ok(f.format({ value: 'x'.repeat(500) }).length <= f.MAX_VALUE + 40, 'one value stays short');
});

test('errors as "Name: message"; durations in ms; promise states, without the async ids Node keeps on promises while async hooks are on', async () => {
  // An AsyncLocalStorage in use (as under the http recipe or an APM agent) turns the async hooks on.
  new AsyncLocalStorage().enterWith({});
  assert.equal(f.describeError(new TypeError('bad thing')), 'TypeError: bad thing');
  assert.equal(f.isError(new RangeError('r')), true);
  assert.equal(f.isError({ name: 'Error', message: 'not one' }), false);
  assert.equal(f.elapsed(0n, 1_500_000n), '1.50ms');
  assert.equal(f.elapsed(0n, 2_500_000_000n), '2500.0ms');
  const resolved = Promise.resolve(1);
  const pending = new Promise(() => {});
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(f.promiseState(resolved), 'resolved 1');
  const rejected = Promise.reject(new Error('boom'));
  rejected.catch(() => {});
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(f.promiseState(rejected), 'rejected Error: boom');
  assert.equal(f.promiseState(pending), undefined);
  assert.equal(f.isPromise(resolved), true);
  assert.equal(f.isPromise({ then() {} }), false, 'a thenable is not traced as a promise');
});
