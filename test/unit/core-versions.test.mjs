// The start-up check of `versions` ranges (src/core/versions.ts) accepts common ranges without
// loading semver. It must never accept a range semver rejects: a bad range would then go
// unreported at start-up. Fuzzed against semver itself with a fixed seed. A plain version against
// such a range is answered without semver too (`simpleSatisfies`), fuzzed the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { internals } from './internals.mjs';

const require = createRequire(import.meta.url);
const { isRange, isSimpleRange, satisfies, simpleSatisfies } = internals().versions;
const validRange = require('semver/ranges/valid');
const semverSatisfies = require('semver/functions/satisfies');

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

/** mulberry32: the same numbers in [0, 1) on every run for one seed. */
function seeded(start) {
  let seed = start;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string of 1 to 12 pieces of `alphabet`. */
function word(random, alphabet) {
  const length = 1 + Math.floor(random() * 12);
  let text = '';
  for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

test('fuzz: no random string is accepted by the fast path that semver rejects', () => {
  const random = seeded(0x5eed);
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
    const range = word(random, alphabet);
    if (!isSimpleRange(range)) continue;
    accepted++;
    if (validRange(range) === null) wrong.push(range);
  }
  assert.deepEqual(wrong, []);
  assert.ok(accepted > 1000, `the fuzz reached the fast path (${accepted} accepted)`);
});

test('a plain version against a range of the subset is answered without semver, as semver answers it', () => {
  const cases = [
    ['24.21.0', '>=1 <100', true],
    ['1.2.3', '^1.0.0 || ^2.0.0', true],
    ['3.0.0', '^1.0.0 || ^2.0.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2', true],
    ['1.3.0', '~1.2', false],
    ['2.3.4', '1.2.3 - 2.3.4', true],
    ['2.3.5', '1.2.3 - 2.3.4', false],
    ['2.3.9', '1.2 - 2.3', true],
    ['2.0.0', '>1', true],
    ['1.9.9', '>1', false],
    ['1.2.0', '<=1.2', true],
    ['1.3.0', '<=1.2', false],
    ['v1.2.3', '=1.2', true],
    ['1.2.3+build.5', '1.2.3', true],
  ];
  for (const [version, range, expected] of cases) {
    assert.equal(simpleSatisfies(version, range), expected, `${version} ${range}`);
    assert.equal(semverSatisfies(version, range, { includePrerelease: true }), expected, `semver: ${version} ${range}`);
  }
  // Left to semver: a prerelease, a version semver would not parse, a range outside the subset.
  for (const [version, range] of [
    ['1.2.3-beta.1', '^1.0.0'],
    ['1.2', '^1.0.0'],
    ['01.2.3', '^1.0.0'],
    [' 1.2.3', '^1.0.0'],
    ['1.2.3', '>=1.0.0-rc.1'],
    ['1.2.3', '^1.0.0 ||'],
  ])
    assert.equal(simpleSatisfies(version, range), undefined, `${version} ${range}`);
  // And satisfies() asks semver for them.
  assert.equal(satisfies('1.2.3-beta.1', '^1.0.0'), true);
  assert.equal(satisfies('1.2.3', 'not a range'), undefined);
});

test('fuzz: simpleSatisfies agrees with semver on random plain versions and ranges of the subset', () => {
  const random = seeded(0xbeef);
  const rangeAlphabet = ['1', '0', '2', '3', '10', '.', 'x', '*', '^', '~', '>', '<', '=', ' ', ' - ', ' || ', 'v'];
  const number = () => ['0', '1', '2', '3', '10'][Math.floor(random() * 5)];
  let compared = 0;
  const wrong = [];
  for (let i = 0; i < 100_000; i++) {
    const range = word(random, rangeAlphabet);
    if (!isSimpleRange(range)) continue;
    for (let k = 0; k < 4; k++) {
      const version = `${random() < 0.1 ? 'v' : ''}${number()}.${number()}.${number()}${random() < 0.1 ? '+b.1' : ''}`;
      const ours = simpleSatisfies(version, range);
      compared++;
      if (ours !== semverSatisfies(version, range, { includePrerelease: true })) wrong.push(`${version} ${JSON.stringify(range)}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 20), []);
  assert.ok(compared > 10_000, `the fuzz compared enough (${compared})`);
});
