'use strict';
// The fast path for `versions` ranges (src/versions.ts isSimpleRange) fuzzed against semver, and
// against the regular expression it replaced (same grammar; V8 took ~5 ms to compile it at
// start-up). `isSimpleRange(r)` must be true only for ranges semver accepts.
//
//   npm run build && node bench/lib/semver-fast-path.cjs [runs]
const path = require('node:path');
const N = '(?:0|[1-9]\\d{0,14})';
const XX = '[xX*]';
const V = `v?${N}(?:\\.(?:${N}(?:\\.(?:${N}|${XX}))?|${XX}(?:\\.${XX})?))?`;
const C = `(?:\\^|~|>=|<=|>|<|=)?${V}`;
const SET = `(?:${C}(?: +${C})*|${V} - ${V}|\\*|[xX])`;
const SIMPLE = new RegExp(`^ *${SET}(?: *\\|\\| *${SET})* *$`);

module.exports = { SIMPLE };

if (require.main === module) {
  const valid = require(path.join(__dirname, '..', '..', 'node_modules', 'semver', 'ranges', 'valid'));
  const { isSimpleRange } = require(path.join(__dirname, '..', '..', 'dist', 'versions.js'));
  let differ = 0;
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
  ];
  let accepted = 0;
  let wrong = 0;
  const runs = Number(process.argv[2] || 1_000_000);
  for (let i = 0; i < runs; i++) {
    const len = 1 + Math.floor(Math.random() * 12);
    let s = '';
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
    const simple = isSimpleRange(s);
    if (simple !== SIMPLE.test(s)) {
      differ++;
      if (differ <= 10) console.log('differs from the regular expression:', JSON.stringify(s), simple);
    }
    if (simple) {
      accepted++;
      if (valid(s) === null) {
        wrong++;
        console.log('accepted but invalid for semver:', JSON.stringify(s));
      }
    }
  }
  const samples = ['>=1 <100', '^1.0.0 || ^2.0.0', '>=4 <6', '^5.1.0', '1.2.3 - 2.3.4', '*', '~1.2', '1.x || >=2.5.0 || 5.0.0 - 7.2.3'];
  for (const s of samples)
    if (!isSimpleRange(s)) {
      wrong++;
      console.log('common range not on the fast path:', s);
    }
  console.log(`${runs} random strings, ${accepted} accepted by the fast path, ${wrong} wrong, ${differ} differ from the regular expression`);
  process.exitCode = wrong === 0 && differ === 0 ? 0 : 1;
}
