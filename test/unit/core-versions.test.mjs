// The start-up check of `versions` ranges (src/core/versions.ts) accepts common ranges without
// loading semver. It must never accept a range semver rejects: a bad range would then go
// unreported at start-up. Fuzzed against semver itself with a fixed seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { internals } from './internals.mjs';

const require = createRequire(import.meta.url);
const { isRange, isSimpleRange } = internals().versions;
const validRange = require('semver/ranges/valid');

test('common ranges take the fast path, and semver agrees', () => {
  for (const range of [
    '>=1 <100',
    '^1.0.0 || ^2.0.0',
    '>=4 <6',
    '^5.1.0',
    '1.2.3 - 2.3.4',
    '*',
    'x',
    '~1.2',
    '1.x || >=2.5.0 || 5.0.0 - 7.2.3',
    ' ^3 ',
    'v1.2.3',
    '=1.2',
    '<=2.x.x',
    '1.2.*',
    '>1  <3',
  ]) {
    assert.equal(isSimpleRange(range), true, range);
    assert.notEqual(validRange(range), null, range);
  }
});

test('ranges semver rejects are rejected (they once slipped through the fast path)', () => {
  for (const range of ['+', '1.0.0+', '9999999999999999', '10.x.10', 'x.1', '1.x.3', 'v=1.2.3', '>=1 <<2', 'not a range', '', '   ', '1 -', '||', '>=*']) {
    assert.equal(isSimpleRange(range), false, range);
    // An empty range means "any version" to semver; a config that writes one has made a mistake.
    assert.equal(isRange(range), range.trim() !== '' && validRange(range) !== null, range);
  }
});

test('fuzz: no random string is accepted by the fast path that semver rejects', () => {
  // mulberry32: the same strings on every run.
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const alphabet = [
    '1',
    '0',
    '2',
    '10',
    '.',
    'x',
    'X',
    '*',
    '^',
    '~',
    '>',
    '<',
    '=',
    ' ',
    '-',
    '||',
    'v',
    'a',
    '01',
    '|',
    '+',
    '9999999999999999',
    '-beta',
    '.0',
    '\t',
  ];
  let accepted = 0;
  const wrong = [];
  for (let i = 0; i < 200_000; i++) {
    const length = 1 + Math.floor(random() * 12);
    let range = '';
    for (let j = 0; j < length; j++) range += alphabet[Math.floor(random() * alphabet.length)];
    if (!isSimpleRange(range)) continue;
    accepted++;
    if (validRange(range) === null) wrong.push(range);
  }
  assert.deepEqual(wrong, []);
  assert.ok(accepted > 1000, `the fuzz reached the fast path (${accepted} accepted)`);
});
