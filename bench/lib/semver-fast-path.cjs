'use strict';
// Prototype (bench only): accept the common `versions` ranges without loading semver at start-up.
// `isSimpleRange(r)` is true only for ranges built from this subset of semver's grammar:
//   comparators  [^ ~ >= <= > < =]version, space-separated;  hyphen ranges `a - b`;  `*`, `x`;
//   alternatives joined by `||`;  versions `v?N[.N|.x[.N|.x]]` (no prerelease or build part).
// Everything else still goes to `require('semver/ranges/valid')`, so the answer is semver's for
// every range: this only skips loading semver when the range is plainly valid.
//
//   node bench/lib/semver-fast-path.cjs   -> fuzzes the regex against semver (no false accept)
const N = '(?:0|[1-9]\\d{0,14})';
const XX = '[xX*]';
const V = `v?${N}(?:\\.(?:${N}(?:\\.(?:${N}|${XX}))?|${XX}(?:\\.${XX})?))?`;
const C = `(?:\\^|~|>=|<=|>|<|=)?${V}`;
const SET = `(?:${C}(?: +${C})*|${V} - ${V}|\\*|[xX])`;
const SIMPLE = new RegExp(`^ *${SET}(?: *\\|\\| *${SET})* *$`);

function isSimpleRange(range) {
  return range.length <= 256 && SIMPLE.test(range);
}

module.exports = { isSimpleRange, SIMPLE };

if (require.main === module) {
  const valid = require(require('node:path').join(__dirname, '..', '..', 'node_modules', 'semver', 'ranges', 'valid'));
  const alphabet = ['1', '0', '2', '10', '.', 'x', 'X', '*', '^', '~', '>', '<', '=', ' ', '-', '||', 'v', 'a', '01', '|', '+', '9999999999999999', '-beta', '.0'];
  let accepted = 0;
  let wrong = 0;
  const runs = Number(process.argv[2] || 1_000_000);
  for (let i = 0; i < runs; i++) {
    const len = 1 + Math.floor(Math.random() * 12);
    let s = '';
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
    if (isSimpleRange(s)) {
      accepted++;
      if (valid(s) === null) {
        wrong++;
        console.log('accepted but invalid for semver:', JSON.stringify(s));
      }
    }
  }
  const samples = ['>=1 <100', '^1.0.0 || ^2.0.0', '>=4 <6', '^5.1.0', '1.2.3 - 2.3.4', '*', '~1.2', '1.x || >=2.5.0 || 5.0.0 - 7.2.3'];
  for (const s of samples) if (!isSimpleRange(s)) { wrong++; console.log('common range not on the fast path:', s); }
  console.log(`${runs} random strings, ${accepted} accepted by the fast path, ${wrong} wrong`);
  process.exitCode = wrong === 0 ? 0 : 1;
}
