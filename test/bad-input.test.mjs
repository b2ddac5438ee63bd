// Bad input (§8): malformed configs and patch specifiers. For each case, with --require and
// with --import, the application's stdout and exit code are exactly those of the same app run
// without the preload, its stderr gains nothing but one WraptHooksWarning (with a
// WRAPT_HOOKS_ code) naming the file and the key (or the target / specifier); in strict mode
// (WRAPT_HOOKS_STRICT=1) the process fails with a WraptHooksError that says what to fix.
// No case may pollute Object.prototype (the app prints what it sees of it).
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { childEnv, makeApp, parseWarnings, runNode, path, writeFiles } from './helpers.mjs';

/** runNode, without blocking: the cases run two at a time. */
function runNodeAsync(cwd, args, { env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, warnings: parseWarnings(stderr) });
    });
  });
}

// The application: loads its target (a small package) and a builtin, prints what it sees of
// the prototypes, and sets its own exit code.
const APP = `'use strict';
const victim = require('victim');
const probe = {};
console.log(victim.hello('app'), typeof require('node:os').hostname);
console.log('polluted:', probe.polluted, Object.prototype.polluted, typeof Object.prototype.constructor, Object.getOwnPropertyNames(Object.prototype).sort().join(','));
console.log('array/function prototypes:', Object.getOwnPropertyNames(Array.prototype).length, Object.getOwnPropertyNames(Function.prototype).length);
process.exitCode = 3;
`;

const VICTIM = {
  'package.json': { name: 'victim', version: '1.2.3', main: 'index.js' },
  'index.js': "exports.hello = (who) => 'hello ' + who;\n",
};

// A valid patch that the app cannot see in its output (so that stdout stays that of the bare app).
const PATCH =
  'module.exports = function patchVictim(exports) { const original = exports.hello; exports.hello = function hello(who) { return original(who); }; };\n';

const RC = '.wrapt-hooksrc.json';
const json = (value) => JSON.stringify(value, null, 2);
/** A config whose only problem is `extra` (merged at the top level). */
const withPatch = (extra = {}) => json({ patches: { victim: './patch.js' }, ...extra });

// Hints that tell the user what to do (strict mode's message must contain one).
const FIX = {
  unknownKey: /Remove it or fix its spelling/,
  expected: /expected .+, got /,
  range: /Write one like/,
  parse: /Fix the (file|JSON)|remove it/,
  path: /Check the path|install the package/,
  exportFix: /Fix the name after "#"|Export a default function/,
  target: /not a package name|is empty|leading or trailing|not a Node\.js builtin/,
  spec: /names no export|is empty|names no module/,
};

/**
 * The corpus. Each case: `files` (added to the app, next to app.js, patch.js and the victim
 * package), `env`, the expected warning `code`, `names` (strings the message must contain;
 * `$DIR` is the app directory) and `fix` (what strict mode's error must say).
 */
const CASES = [
  // ---- wrong types at every key ------------------------------------------------------------
  {
    name: 'patches is an array',
    files: { [RC]: json({ patches: [] }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches'],
    fix: FIX.expected,
  },
  {
    name: 'patches is a string',
    files: { [RC]: json({ patches: './patch.js' }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches'],
    fix: FIX.expected,
  },
  {
    name: 'patches is a number',
    files: { [RC]: json({ patches: 7 }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches'],
    fix: FIX.expected,
  },
  {
    name: 'patches is null',
    files: { [RC]: json({ patches: null }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches'],
    fix: FIX.expected,
  },
  {
    name: 'entry is a number',
    files: { [RC]: json({ patches: { victim: 42 } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim'],
    fix: FIX.expected,
  },
  {
    name: 'entry is null',
    files: { [RC]: json({ patches: { victim: null } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim'],
    fix: FIX.expected,
  },
  {
    name: 'entry is an array of numbers',
    files: { [RC]: json({ patches: { victim: [1] } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim[0]'],
    fix: FIX.expected,
  },
  {
    name: 'entry is an empty array',
    files: { [RC]: json({ patches: { victim: [] } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim'],
    fix: /Add a patch or remove the key/,
  },
  {
    name: 'entry object: patch is a number',
    files: { [RC]: json({ patches: { victim: { patch: 5 } } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim.patch'],
    fix: /must be a string like/,
  },
  {
    name: 'versions is a number',
    files: { [RC]: json({ patches: { victim: { patch: './patch.js', versions: 1 } } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim.versions'],
    fix: FIX.range,
  },
  {
    name: 'enabled is a string',
    files: { [RC]: json({ patches: { victim: { patch: './patch.js', enabled: 'no' } } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim.enabled'],
    fix: /expected true or false/,
  },
  {
    name: 'packages is a string',
    files: { [RC]: withPatch({ packages: 'wrapt-patches-x' }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key packages'],
    fix: FIX.expected,
  },
  {
    name: 'packages contains a number',
    files: { [RC]: withPatch({ packages: [3] }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key packages[0]'],
    fix: FIX.expected,
  },
  {
    name: 'strict is "yes"',
    files: { [RC]: withPatch({ strict: 'yes' }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key strict'],
    fix: /expected true or false/,
  },
  {
    name: 'trace is an object',
    files: { [RC]: withPatch({ trace: { victim: 'hello' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key trace'],
    fix: FIX.expected,
  },
  {
    name: 'trace entry without "#"',
    files: { [RC]: withPatch({ trace: ['victim'] }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key trace[0]'],
    fix: /is not "<target>#<function path>"/,
  },
  {
    name: 'trace stack is a string',
    files: { [RC]: withPatch({ trace: [{ fn: 'victim#hello', stack: 'yes' }] }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key trace[0].stack'],
    fix: /expected true, false or a number of frames/,
    // A bad option value drops the option, not the entry (CONTRACT §9).
    stillTraced: true,
  },
  {
    name: 'config field in package.json is a string',
    packageJson: { name: 'app', version: '1.0.0', private: true, 'wrapt-hooks': './patch.js' },
    files: {},
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: ['$DIR/package.json', 'wrapt-hooks'],
    fix: FIX.expected,
  },

  // ---- unknown keys -------------------------------------------------------------------------
  {
    name: 'unknown top-level key (typo "patch")',
    files: { [RC]: json({ patch: { victim: './patch.js' } }) },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    names: [`$DIR/${RC}`, 'key patch', 'known keys: patches'],
    fix: FIX.unknownKey,
  },
  {
    name: 'unknown key in an entry (typo "version")',
    files: { [RC]: json({ patches: { victim: { patch: './patch.js', version: '^1' } } }) },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    names: [`$DIR/${RC}`, 'key patches.victim.version', 'versions'],
    fix: FIX.unknownKey,
  },
  {
    name: 'unknown key in a trace entry',
    files: { [RC]: withPatch({ trace: [{ fn: 'victim#hello', stak: true }] }) },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    names: [`$DIR/${RC}`, 'key trace[0].stak'],
    fix: FIX.unknownKey,
    // The entry still applies with its known keys (CONTRACT §3).
    stillTraced: true,
  },

  // ---- empty strings and malformed targets / specifiers ---------------------------------------
  {
    name: 'target ""',
    files: { [RC]: json({ patches: { '': './patch.js' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches[""]'],
    fix: FIX.target,
  },
  {
    name: 'target with spaces',
    files: { [RC]: json({ patches: { ' victim': './patch.js' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches[" victim"]'],
    fix: FIX.target,
  },
  {
    name: 'target "node:nope"',
    files: { [RC]: json({ patches: { 'node:nope': './patch.js' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'node:nope'],
    fix: FIX.target,
  },
  {
    name: 'target that is no package name',
    files: { [RC]: json({ patches: { 'Not A Package!': './patch.js' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'Not A Package!'],
    fix: FIX.target,
  },
  {
    name: 'patch ""',
    files: { [RC]: json({ patches: { victim: '' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim'],
    fix: FIX.spec,
  },
  {
    name: 'patch "mod#"',
    files: { [RC]: json({ patches: { victim: './patch.js#' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim', './patch.js#'],
    fix: FIX.spec,
  },
  {
    name: 'patch "  #fn" (no module)',
    files: { [RC]: json({ patches: { victim: '  #fn' } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim'],
    fix: FIX.spec,
  },

  // ---- invalid semver ranges ------------------------------------------------------------------
  {
    name: 'versions "not a range"',
    files: { [RC]: json({ patches: { victim: { patch: './patch.js', versions: 'not a range' } } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim.versions', 'not a range'],
    fix: FIX.range,
  },
  {
    name: 'versions ""',
    files: { [RC]: json({ patches: { victim: { patch: './patch.js', versions: '' } } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim.versions'],
    fix: FIX.range,
  },
  {
    name: 'versions ">=1 <<2"',
    files: { [RC]: json({ patches: { victim: [{ patch: './patch.js', versions: '>=1 <<2' }] } }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key patches.victim[0].versions'],
    fix: FIX.range,
  },

  // ---- unparsable files ---------------------------------------------------------------------
  {
    name: 'unparsable JSON',
    files: { [RC]: '{"patches": {"victim": "./patch.js",' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: [`$DIR/${RC}`, 'cannot parse'],
    fix: FIX.parse,
  },
  {
    name: 'unparsable YAML (.yaml)',
    files: { '.wrapt-hooksrc.yaml': 'patches:\n  victim: [./patch.js\n  other: {\n' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: ['$DIR/.wrapt-hooksrc.yaml', 'cannot parse'],
    fix: FIX.parse,
  },
  {
    name: 'unparsable .wrapt-hooksrc (neither JSON nor YAML)',
    files: { '.wrapt-hooksrc': 'patches:\n\tvictim: ./patch.js\n' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: ['$DIR/.wrapt-hooksrc'],
    fix: FIX.parse,
  },
  {
    name: 'JavaScript config that throws',
    files: { '.wrapt-hooksrc.js': "throw new Error('config exploded');\n" },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: ['$DIR/.wrapt-hooksrc.js', 'config exploded'],
    fix: FIX.parse,
  },
  {
    name: 'CommonJS config with a TypeError',
    files: { 'wrapt-hooks.config.cjs': 'module.exports = { patches: null.victim };\n' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: ['$DIR/wrapt-hooks.config.cjs', 'TypeError'],
    fix: FIX.parse,
  },
  {
    name: 'ES module config that throws',
    files: { 'wrapt-hooks.config.mjs': "throw new RangeError('esm config exploded');\nexport default {};\n" },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: ['$DIR/wrapt-hooks.config.mjs', 'esm config exploded'],
    fix: FIX.parse,
  },
  {
    name: 'ES module config with top-level await',
    files: { 'wrapt-hooks.config.mjs': "await Promise.resolve();\nexport default { patches: { victim: './patch.js' } };\n" },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: ['$DIR/wrapt-hooks.config.mjs', 'top-level await'],
    fix: /synchronously/,
  },
  {
    name: 'JavaScript config exporting a function',
    files: { '.wrapt-hooksrc.cjs': "module.exports = () => ({ patches: { victim: './patch.js' } });\n" },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: ['$DIR/.wrapt-hooksrc.cjs', 'a function'],
    fix: FIX.expected,
  },

  // ---- configs that are not objects ----------------------------------------------------------
  {
    name: 'config is a JSON array',
    files: { [RC]: '[{"patches": {"victim": "./patch.js"}}]' },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'an array'],
    fix: FIX.expected,
  },
  { name: 'config is a JSON string', files: { [RC]: '"./patch.js"' }, code: 'WRAPT_HOOKS_CONFIG_INVALID', names: [`$DIR/${RC}`, 'string'], fix: FIX.expected },
  { name: 'config is JSON null', files: { [RC]: 'null' }, code: 'WRAPT_HOOKS_CONFIG_INVALID', names: [`$DIR/${RC}`, 'null'], fix: FIX.expected },
  { name: 'config is a JSON number', files: { [RC]: '42' }, code: 'WRAPT_HOOKS_CONFIG_INVALID', names: [`$DIR/${RC}`, '42'], fix: FIX.expected },

  // ---- __proto__ and constructor --------------------------------------------------------------
  {
    name: '"__proto__" top-level key',
    files: { [RC]: '{"patches": {"victim": "./patch.js"}, "__proto__": {"polluted": "yes", "patches": {"os": "./patch.js"}}}' },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    names: [`$DIR/${RC}`, 'key __proto__'],
    fix: FIX.unknownKey,
  },
  {
    name: '"constructor" top-level key',
    files: { [RC]: withPatch({ constructor: { prototype: { polluted: 'yes' } } }) },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    names: [`$DIR/${RC}`, 'key constructor'],
    fix: FIX.unknownKey,
  },
  {
    name: '"__proto__" key in an entry',
    files: { [RC]: '{"patches": {"victim": {"patch": "./patch.js", "__proto__": {"polluted": "yes", "enabled": false}}}}' },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    names: [`$DIR/${RC}`, 'key patches.victim.__proto__'],
    fix: FIX.unknownKey,
  },
  {
    name: '"__proto__" as a target',
    files: { [RC]: '{"patches": {"__proto__": {"polluted": "yes"}}}' },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, '__proto__'],
    fix: FIX.target,
  },
  {
    name: '"__proto__" in YAML',
    files: { '.wrapt-hooksrc.yaml': 'patches:\n  victim: ./patch.js\n__proto__:\n  polluted: yes\n' },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    names: ['$DIR/.wrapt-hooksrc.yaml', '__proto__'],
    fix: FIX.unknownKey,
  },
  {
    name: 'trace path through __proto__',
    files: { [RC]: withPatch({ trace: ['victim#__proto__.polluted'] }) },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'key trace[0]', '__proto__'],
    fix: /is not a property path/,
  },
  {
    name: 'patch export "#__proto__"',
    files: { [RC]: json({ patches: { victim: './patch.js#__proto__' } }) },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    names: ['$DIR/patch.js', 'key patches.victim', '"__proto__"'],
    fix: FIX.exportFix,
  },
  {
    name: 'patch export "#constructor"',
    files: { [RC]: json({ patches: { victim: './named.js#constructor' } }), 'named.js': 'exports.apply = () => {};\n' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    names: ['$DIR/named.js', 'key patches.victim', '"constructor"'],
    fix: FIX.exportFix,
  },

  // ---- directories where files are expected ---------------------------------------------------
  {
    name: 'WRAPT_HOOKS_CONFIG names a directory',
    files: { 'conf/.keep': '' },
    env: { WRAPT_HOOKS_CONFIG: 'conf' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    names: ['$DIR/conf', 'not a file'],
    fix: /Name a config file/,
  },
  { name: '.wrapt-hooksrc.json is a directory', files: { [`${RC}/.keep`]: '' }, code: 'WRAPT_HOOKS_CONFIG_PARSE', names: [`$DIR/${RC}`], fix: FIX.parse },
  {
    name: 'patch path is a directory',
    files: { [RC]: json({ patches: { victim: './patches-dir' } }), 'patches-dir/README': 'no index.js here\n' },
    code: 'WRAPT_HOOKS_PATCH_NOT_FOUND',
    names: ['./patches-dir', 'key patches.victim', `$DIR/${RC}`],
    fix: FIX.path,
  },

  // ---- things that do not exist ---------------------------------------------------------------
  {
    name: 'WRAPT_HOOKS_CONFIG names a missing file',
    files: {},
    env: { WRAPT_HOOKS_CONFIG: 'missing.json' },
    code: 'WRAPT_HOOKS_CONFIG_NOT_FOUND',
    names: ['$DIR/missing.json', 'WRAPT_HOOKS_CONFIG'],
    fix: /Fix the path or unset WRAPT_HOOKS_CONFIG/,
  },
  {
    name: 'patch module does not exist',
    files: { [RC]: json({ patches: { victim: './nope.js' } }) },
    code: 'WRAPT_HOOKS_PATCH_NOT_FOUND',
    names: ['./nope.js', 'key patches.victim', `$DIR/${RC}`],
    fix: FIX.path,
  },
  {
    name: 'patch package is not installed',
    files: { [RC]: json({ patches: { victim: 'no-such-patch-pkg#apply' } }) },
    code: 'WRAPT_HOOKS_PATCH_NOT_FOUND',
    names: ['no-such-patch-pkg', 'key patches.victim'],
    fix: FIX.path,
  },
  {
    name: 'patch specifier "#imports" that the app does not define',
    files: { [RC]: json({ patches: { victim: '#patch' } }) },
    code: 'WRAPT_HOOKS_PATCH_NOT_FOUND',
    names: ['#patch', 'key patches.victim'],
    fix: FIX.path,
  },
  {
    name: 'packages: a patch package that is not installed',
    files: { [RC]: withPatch({ packages: ['wrapt-patches-nope'] }) },
    code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND',
    names: ['wrapt-patches-nope', 'key packages[0]'],
    fix: /install/i,
  },
  {
    name: 'WRAPT_PATCHES names a package that is not installed',
    files: { [RC]: withPatch() },
    env: { WRAPT_PATCHES: 'wrapt-patches-nope' },
    code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND',
    names: ['wrapt-patches-nope', 'WRAPT_PATCHES'],
    fix: /install/i,
  },
  {
    name: 'WRAPT_TRACE entry that is not "<target>#<path>"',
    files: {},
    env: { WRAPT_TRACE: 'victim' },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: ['WRAPT_TRACE', 'victim'],
    fix: /is not "<target>#<function path>"/,
  },

  // ---- patch modules whose exports are not functions -------------------------------------------
  {
    name: 'named export is a number',
    files: { [RC]: json({ patches: { victim: './named.js#notFn' } }), 'named.js': 'exports.notFn = 42;\n' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    names: ['$DIR/named.js', '"notFn"', 'key patches.victim'],
    fix: FIX.exportFix,
  },
  {
    name: 'named export is missing',
    files: { [RC]: json({ patches: { victim: './named.js#missing' } }), 'named.js': 'exports.apply = () => {};\n' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    names: ['$DIR/named.js', '"missing"', 'it exports apply'],
    fix: FIX.exportFix,
  },
  {
    name: 'module.exports is an object without a function',
    files: { [RC]: json({ patches: { victim: './obj.js' } }), 'obj.js': 'module.exports = { notAFunction: 1 };\n' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    names: ['$DIR/obj.js', 'key patches.victim'],
    fix: FIX.exportFix,
  },
  {
    name: 'module.exports is a number',
    files: { [RC]: json({ patches: { victim: './num.js' } }), 'num.js': 'module.exports = 42;\n' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    names: ['$DIR/num.js', 'key patches.victim'],
    fix: FIX.exportFix,
  },
  {
    name: 'ES module patch whose default is not a function',
    files: { [RC]: json({ patches: { victim: './esm-patch.mjs' } }), 'esm-patch.mjs': 'export default 42;\nexport const other = 1;\n' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    names: ['$DIR/esm-patch.mjs', 'key patches.victim'],
    fix: FIX.exportFix,
  },
  {
    name: 'patch module that throws while loading',
    files: { [RC]: json({ patches: { victim: './boom.js' } }), 'boom.js': "throw new Error('patch module exploded');\n" },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    names: ['$DIR/boom.js', 'key patches.victim', 'patch module exploded'],
    fix: /threw while loading/,
  },
  {
    name: 'patch module with a syntax error',
    files: { [RC]: json({ patches: { victim: './syntax.js' } }), 'syntax.js': 'module.exports = function (exports {\n' },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    names: ['$DIR/syntax.js', 'key patches.victim', 'SyntaxError'],
    fix: /threw while loading/,
  },
  {
    name: 'ES module patch with top-level await',
    files: { [RC]: json({ patches: { victim: './tla.mjs' } }), 'tla.mjs': 'await Promise.resolve();\nexport default function patch() {}\n' },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    names: ['$DIR/tla.mjs', 'key patches.victim', 'top-level await'],
    fix: /Move the await/,
  },
];

const FLAGS = [['--require'], ['--import']];

/** stderr without the one warning (its line, detail lines, and Node's "--trace-warnings" hint). */
function otherStderr(stderr) {
  const lines = stderr.split('\n');
  const out = [];
  let inWarning = false;
  for (const line of lines) {
    if (/^\(node:\d+\) \[WRAPT_HOOKS_[A-Z_]+\] WraptHooksWarning: /.test(line)) {
      inWarning = true;
      continue;
    }
    if (line.startsWith('(Use `node --trace-warnings')) {
      inWarning = false;
      continue;
    }
    if (!inWarning) out.push(line);
  }
  return out.join('\n');
}

function setup(testCase) {
  const dir = makeApp({
    packages: { victim: VICTIM },
    files: { 'app.js': APP, 'patch.js': PATCH, ...testCase.files },
    ...(testCase.packageJson ? { packageJson: testCase.packageJson } : {}),
  });
  for (const sub of testCase.dirs ?? []) mkdirSync(path.join(dir, sub), { recursive: true });
  return dir;
}

const expand = (text, dir) => text.replaceAll('$DIR', dir);

test('the corpus has at least 30 cases, each with a distinct name', () => {
  assert.ok(CASES.length >= 30, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
});

describe('bad input: fail-open, one coded warning, strict mode explains', { concurrency: 2 }, () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const dir = setup(testCase);
      const env = testCase.env ?? {};
      const [baseline, strict, ...results] = await Promise.all([
        runNodeAsync(dir, ['app.js'], { env }),
        runNodeAsync(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { ...env, WRAPT_HOOKS_STRICT: '1' } }),
        ...FLAGS.map((flag) => runNodeAsync(dir, [...flag, 'wrapt-hooks/register', 'app.js'], { env })),
      ]);
      assert.equal(baseline.code, 3, `the app itself must run: ${baseline.stderr}`);
      assert.match(baseline.stdout, /^hello app function\npolluted: undefined undefined function /);

      for (const [index, flag] of FLAGS.entries()) {
        const label = `${flag[0]}:`;
        const result = results[index];
        assert.equal(result.stdout, baseline.stdout, `${label} stdout differs; stderr:\n${result.stderr}`);
        assert.equal(result.code, baseline.code, `${label} exit code; stderr:\n${result.stderr}`);
        assert.equal(result.warnings.length, 1, `${label} exactly one WraptHooksWarning expected; stderr:\n${result.stderr}`);
        const [warning] = result.warnings;
        assert.equal(warning.code, testCase.code, `${label} ${warning.message}`);
        for (const name of testCase.names)
          assert.ok(warning.message.includes(expand(name, dir)), `${label} the warning should name ${expand(name, dir)}: ${warning.message}`);
        let rest = otherStderr(result.stderr);
        if (testCase.stillTraced) {
          assert.match(rest, /^wrapt-hooks: trace victim#hello\('app'\)/m, `${label} the entry still applies`);
          rest = rest
            .split('\n')
            .filter((line) => !line.startsWith('wrapt-hooks: trace '))
            .join('\n');
        }
        assert.equal(rest, baseline.stderr, `${label} nothing else on stderr`);
      }

      assert.notEqual(strict.code, 0, `strict mode must fail; stdout:\n${strict.stdout}`);
      assert.notEqual(strict.code, baseline.code);
      assert.match(strict.stderr, /WraptHooksError: /, strict.stderr);
      assert.match(strict.stderr, new RegExp(`code: '${testCase.code}'`), strict.stderr);
      const message = strict.stderr.slice(strict.stderr.indexOf('WraptHooksError: '));
      for (const name of testCase.names)
        assert.ok(message.includes(expand(name, dir)), `strict: the error should name ${expand(name, dir)}:\n${strict.stderr}`);
      assert.match(message, testCase.fix, 'strict: the error says what to fix');
      assert.deepEqual(strict.warnings, [], 'strict mode throws instead of warning');
    });
  }
});

// Targets whose names are Object.prototype properties are ordinary package names: the registry
// must not find a "hook" on the prototype, and the patch must fire for the real package.
test('targets named like Object.prototype members are plain package names', () => {
  const names = ['constructor', 'hasownproperty', 'tostring', 'valueof'];
  const packages = { victim: VICTIM };
  const patches = {};
  for (const name of names) {
    packages[name] = { 'package.json': { name, version: '1.0.0', main: 'index.js' }, 'index.js': `exports.name = ${JSON.stringify(name)};\n` };
    patches[name] = './mark.js';
  }
  const dir = makeApp({
    packages,
    files: {
      [RC]: json({ patches }),
      'mark.js': 'module.exports = (exports, info) => { exports.name += " patched(" + info.target + ")"; };\n',
      'app.js': `${names.map((name) => `console.log(require(${JSON.stringify(name)}).name);`).join('\n')}\nconsole.log(({}).polluted, typeof ({}).constructor);\n`,
    },
  });
  for (const flag of FLAGS) {
    const result = runNode(dir, [...flag, 'wrapt-hooks/register', 'app.js']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.stdout, `${names.map((name) => `${name} patched(${name})`).join('\n')}\nundefined function\n`);
  }
});

// ---- files another user could have planted (§8) ----------------------------------------------
// A config file (any format: it decides which code runs) or patch module that is world-writable,
// or owned by a user other than this process's or root, is refused with one warning naming it.
// The patch here is visible in the output: "refused" means the output is the bare app's.

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = 65534;
const VISIBLE_PATCH = "module.exports = function visible(exports) { const original = exports.hello; exports.hello = (who) => 'PATCHED ' + original(who); };\n";

const PLANTED = [
  { name: 'world-writable .wrapt-hooksrc.json', files: { [RC]: json({ patches: { victim: './patch.js' } }) }, planted: RC, how: 'chmod', phase: 'config' },
  {
    name: 'world-writable .wrapt-hooksrc.js',
    files: { '.wrapt-hooksrc.js': "module.exports = { patches: { victim: './patch.js' } };\n" },
    planted: '.wrapt-hooksrc.js',
    how: 'chmod',
    phase: 'config',
  },
  {
    name: 'world-writable config named by WRAPT_HOOKS_CONFIG',
    files: { 'conf/hooks.json': json({ patches: { victim: '../patch.js' } }) },
    env: { WRAPT_HOOKS_CONFIG: 'conf/hooks.json' },
    planted: 'conf/hooks.json',
    how: 'chmod',
    phase: 'config',
  },
  {
    name: '.wrapt-hooksrc.cjs owned by another user',
    files: { '.wrapt-hooksrc.cjs': "module.exports = { patches: { victim: './patch.js' } };\n" },
    planted: '.wrapt-hooksrc.cjs',
    how: 'chown',
    phase: 'config',
  },
  {
    name: 'wrapt-hooks.config.mjs owned by another user',
    files: { 'wrapt-hooks.config.mjs': "export default { patches: { victim: './patch.js' } };\n" },
    planted: 'wrapt-hooks.config.mjs',
    how: 'chown',
    phase: 'config',
  },
  {
    name: '.wrapt-hooksrc.yaml owned by another user',
    files: { '.wrapt-hooksrc.yaml': 'patches:\n  victim: ./patch.js\n' },
    planted: '.wrapt-hooksrc.yaml',
    how: 'chown',
    phase: 'config',
  },
  {
    name: 'package.json with a "wrapt-hooks" field owned by another user',
    packageJson: { name: 'app', private: true, 'wrapt-hooks': { patches: { victim: './patch.js' } } },
    files: {},
    planted: 'package.json',
    how: 'chown',
    phase: 'config',
  },
  { name: 'world-writable patch module', files: { [RC]: json({ patches: { victim: './patch.js' } }) }, planted: 'patch.js', how: 'chmod', phase: 'patch' },
  {
    name: 'patch module owned by another user',
    files: { [RC]: json({ patches: { victim: './patch.js' } }) },
    planted: 'patch.js',
    how: 'chown',
    phase: 'patch',
  },
  {
    name: 'ES module patch owned by another user',
    files: {
      [RC]: json({ patches: { victim: './patch.mjs#default' } }),
      'patch.mjs': "export default function visible(exports) { const original = exports.hello; exports.hello = (who) => 'PATCHED ' + original(who); }\n",
    },
    planted: 'patch.mjs',
    how: 'chown',
    phase: 'patch',
  },
  {
    name: 'patch package installed by another user',
    files: {
      [RC]: json({ patches: { victim: 'planted-patches#apply' } }),
      'node_modules/planted-patches/package.json': json({ name: 'planted-patches', version: '1.0.0', main: 'index.js' }),
      'node_modules/planted-patches/index.js': `exports.apply = ${VISIBLE_PATCH.replace('module.exports = ', '').trim()}\n`,
    },
    planted: 'node_modules/planted-patches/index.js',
    how: 'chown',
    phase: 'patch',
  },
];

describe('planted files are refused', { concurrency: 2 }, () => {
  for (const testCase of PLANTED) {
    const skip = testCase.how === 'chown' && !IS_ROOT ? 'chown needs root (CI runs as root)' : false;
    it(testCase.name, { skip }, async () => {
      const dir = makeApp({
        packages: { victim: VICTIM },
        files: { 'app.js': APP, 'patch.js': VISIBLE_PATCH, ...testCase.files },
        ...(testCase.packageJson ? { packageJson: testCase.packageJson } : {}),
      });
      const env = testCase.env ?? {};
      const file = path.join(dir, testCase.planted);
      const trusted = await runNodeAsync(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env });
      // Control: the same files, trusted, are used (so a refusal below is the check's doing).
      assert.match(trusted.stdout, /^PATCHED hello app/, `control run: ${trusted.stderr}`);
      assert.deepEqual(trusted.warnings, []);

      if (testCase.how === 'chmod') chmodSync(file, 0o666);
      else chownSync(file, NOBODY, NOBODY);

      const [baseline, strict, ...results] = await Promise.all([
        runNodeAsync(dir, ['app.js'], { env }),
        runNodeAsync(dir, ['--require', 'wrapt-hooks/register', 'app.js'], { env: { ...env, WRAPT_HOOKS_STRICT: '1' } }),
        ...FLAGS.map((flag) => runNodeAsync(dir, [...flag, 'wrapt-hooks/register', 'app.js'], { env })),
      ]);
      for (const [index, result] of results.entries()) {
        const label = `${FLAGS[index][0]}:`;
        assert.equal(result.stdout, baseline.stdout, `${label} the planted file must not run; stderr:\n${result.stderr}`);
        assert.equal(result.code, baseline.code, label);
        assert.equal(result.warnings.length, 1, `${label} ${result.stderr}`);
        const [warning] = result.warnings;
        assert.equal(warning.code, 'WRAPT_HOOKS_UNTRUSTED_FILE');
        assert.ok(warning.message.includes(file), `${label} the warning names ${file}: ${warning.message}`);
        assert.match(warning.message, testCase.how === 'chmod' ? /world-writable.*chmod o-w/ : new RegExp(`owned by uid ${NOBODY}.*chown`));
        assert.match(warning.message, testCase.phase === 'config' ? /refusing to load config file/ : /refusing to load patch module/);
        assert.equal(otherStderr(result.stderr), baseline.stderr, label);
      }
      assert.notEqual(strict.code, 0, strict.stdout);
      assert.match(strict.stderr, /WraptHooksError: .*refusing to load/);
      assert.match(strict.stderr, /code: 'WRAPT_HOOKS_UNTRUSTED_FILE'/);
    });
  }
});

describe('the config search never leaves the project', () => {
  it('a config above the nearest package.json is ignored', () => {
    const outer = makeApp({
      packageJson: false,
      packages: { victim: VICTIM },
      files: { [RC]: json({ patches: { victim: './patch.js' } }), 'patch.js': VISIBLE_PATCH },
    });
    const project = path.join(outer, 'project');
    writeFiles(project, { 'package.json': json({ name: 'inner', private: true }), 'src/app.js': APP });
    for (const flag of FLAGS) {
      const result = runNode(path.join(project, 'src'), [...flag, 'wrapt-hooks/register', 'app.js']);
      assert.equal(result.code, 3, result.stderr);
      assert.deepEqual(result.warnings, [], result.stderr);
      assert.match(result.stdout, /^hello app function\n/, `${flag[0]}: the outer config must not apply`);
    }
    // Control: the same config inside the project (above cwd, below package.json) applies.
    writeFiles(project, { [RC]: json({ patches: { victim: './patch.js' } }), 'patch.js': VISIBLE_PATCH });
    const inside = runNode(path.join(project, 'src'), ['--require', 'wrapt-hooks/register', 'app.js']);
    assert.match(inside.stdout, /^PATCHED hello app function\n/, inside.stderr);
  });

  it('without any package.json, only the working directory is searched', () => {
    const dir = makeApp({
      packageJson: false,
      packages: { victim: VICTIM },
      files: { [RC]: json({ patches: { victim: './patch.js' } }), 'patch.js': VISIBLE_PATCH, 'sub/app.js': APP },
    });
    for (const flag of FLAGS) {
      const result = runNode(path.join(dir, 'sub'), [...flag, 'wrapt-hooks/register', 'app.js']);
      assert.equal(result.code, 3, result.stderr);
      assert.deepEqual(result.warnings, []);
      assert.match(result.stdout, /^hello app function\n/, `${flag[0]}: a config in a parent directory must not apply`);
    }
    const here = runNode(dir, ['--require', 'wrapt-hooks/register', 'sub/app.js']);
    assert.match(here.stdout, /^PATCHED hello app function\n/, `control: the config in the working directory applies; ${here.stderr}`);
  });
});
