// What redaction costs on hostile input (src/trace/redact.ts, docs/recipes.md "Redaction"):
// the time of one traced call's formatting, one http recipe URL, one child_process command line
// and one database error, each at 1x and 4x the input size. Work linear in the text keeps the
// ratio near 4 or below (the callers cut first, so most rows stay flat); a pattern that
// backtracks shows 16 and up.
//   node bench/lib/redaction.mjs [<wrapt-hooks root>]      prints a JSON array of rows
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
const require = createRequire(path.join(root, 'package.json'));
const { traceFormat: format, traceRedact: redact, recipeChildProcess } = require(path.join(root, 'dist', 'preload.js')).internals();
format.loadInspect();

/** Median ms of `runs` calls of `fn`, after one warm-up call. */
function time(fn, runs = 7) {
  fn();
  const all = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    all.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  all.sort((a, b) => a - b);
  return all[Math.floor(all.length / 2)];
}

/** A flat copy of `text` (String#repeat builds a tree of pieces that the first read flattens). */
const flat = (text) => Buffer.from(text).toString();

/** [label, n -> work on an input of about n bytes built beforehand] */
const CASES = [
  [
    'util.inspect alone (reference): object whose key is "token" repeated',
    (n) => {
      const value = { [flat('token'.repeat(n / 5))]: 'hunter2' };
      const { inspect } = require('node:util');
      return () => inspect(value, format.DEFAULT_LIMITS.inspect);
    },
  ],
  [
    'trace value: object whose key is "token" repeated',
    (n) => {
      const value = { [flat('token'.repeat(n / 5))]: 'hunter2' };
      return () => format.formatArgs([value]);
    },
  ],
  [
    'trace value: long string argument',
    (n) => {
      const value = flat('password='.repeat(n / 9));
      return () => format.formatArgs([value]);
    },
  ],
  [
    'trace JSON value: object with a long key',
    (n) => {
      const value = { [flat('token'.repeat(n / 5))]: 'x' };
      return () => format.jsonValue(value);
    },
  ],
  [
    'http URL: query string of n bytes',
    (n) => {
      const url = flat(`http://h/search?${'a=1&'.repeat(n / 4)}token=s`);
      return () => redact.redactUrl(url);
    },
  ],
  [
    'http URL: user info of n bytes',
    (n) => {
      const url = flat(`http://u:${'@'.repeat(n)}@h/`);
      return () => redact.redactUrl(url);
    },
  ],
  [
    'child_process: one argument of n bytes',
    (n) => {
      const arg = flat(`--password=${'a'.repeat(n)}`);
      return () => recipeChildProcess.commandLine('spawn', ['tool', [arg]]);
    },
  ],
  [
    'child_process: exec string of n bytes',
    (n) => {
      const command = flat('a=1 '.repeat(n / 4));
      return () => recipeChildProcess.commandLine('exec', [command]);
    },
  ],
  [
    'redactText, uncut (callers cut first): "a://" repeated',
    (n) => {
      const text = flat('a://'.repeat(n / 4));
      return () => redact.redactText(text);
    },
  ],
  [
    'redactText, uncut (callers cut first): "pass: " repeated',
    (n) => {
      const text = flat('pass: '.repeat(n / 6));
      return () => redact.redactText(text);
    },
  ],
  [
    'redactSqlError, uncut (callers cut first): quotes',
    (n) => {
      const text = flat('"'.repeat(n));
      return () => redact.redactSqlError(text);
    },
  ],
];

const SIZE = 256 * 1024;
const rows = CASES.map(([label, make]) => {
  const ms = time(make(SIZE));
  const ms4 = time(make(SIZE * 4));
  return { label, kb: SIZE / 1024, ms: Number(ms.toFixed(3)), ms4x: Number(ms4.toFixed(3)), ratio: Number((ms4 / ms).toFixed(1)) };
});
process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
