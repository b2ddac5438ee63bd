// In-process: wildcard trace entries (src/trace/wildcard.ts, docs/tracing.md): "*" only as the
// last name of the path, and the functions it stands for: own data properties, no getter
// called, no constructor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internals } from './internals.mjs';

const { validate, traceWildcard } = internals();

test('wildcards: "*" only as the last name; own data properties that are functions, no getter called, no constructor', () => {
  assert.equal(validate.parseTraceSpec('./src/db.js#*', '/app').path, '*');
  assert.equal(validate.parseTraceSpec('pg#Client.prototype.*', '/app').path, 'Client.prototype.*');
  for (const bad of ['pg#*.query', 'pg#Client.proto*', 'pg#Client.**'])
    assert.match(validate.parseTraceSpec(bad, '/app'), /"\*" stands only for the last name of the path/, bad);
  assert.deepEqual(
    ['*', 'Client.prototype.*', 'query', 'star*'].map((p) => traceWildcard.isWildcard(p)),
    [true, true, false, false],
  );
  assert.equal(traceWildcard.wildcardParent('*'), '');
  assert.equal(traceWildcard.wildcardParent('Client.prototype.*'), 'Client.prototype');
  let called = false;
  class Client {
    query() {}
    get state() {
      called = true;
      return () => {};
    }
    static create() {}
  }
  const exports = { Client, limit: 5, 'a.b': () => {}, [Symbol('s')]: () => {} };
  Object.defineProperty(exports, 'lazy', { enumerable: true, get: () => ((called = true), () => {}) });
  assert.deepEqual(traceWildcard.functionsOf(exports), ['Client']);
  assert.deepEqual(traceWildcard.functionsOf(Client.prototype), ['query']);
  assert.deepEqual(traceWildcard.functionsOf(Object.create({ inherited() {} })), []);
  assert.deepEqual(traceWildcard.functionsOf(null), []);
  assert.deepEqual(
    traceWildcard.functionsOf(
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('no');
          },
        },
      ),
    ),
    [],
  );
  assert.equal(called, false, 'no getter was called');
});
