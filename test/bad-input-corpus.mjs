// The bad-input corpus (docs/troubleshooting.md): malformed configs and patch specifiers, and files another user
// could have planted. test/unit/bootstrap-bad-input.test.mjs runs every case in process (the plan, patch
// package discovery and the registry, as the preload calls them); test/bad-input.test.mjs runs
// representatives of each stage as users do, with the preload flags and in strict mode.
import { makeApp } from './helpers.mjs';

// The application: loads its target (a small package) and a builtin, prints what it sees of
// the prototypes, and sets its own exit code.
export const APP = `'use strict';
const victim = require('victim');
const probe = {};
console.log(victim.hello('app'), typeof require('node:os').hostname);
console.log('polluted:', probe.polluted, Object.prototype.polluted, typeof Object.prototype.constructor, Object.getOwnPropertyNames(Object.prototype).sort().join(','));
console.log('array/function prototypes:', Object.getOwnPropertyNames(Array.prototype).length, Object.getOwnPropertyNames(Function.prototype).length);
process.exitCode = 3;
`;

export const VICTIM = {
  'package.json': { name: 'victim', version: '1.2.3', main: 'index.js' },
  'index.js': "exports.hello = (who) => 'hello ' + who;\n",
};

// A valid patch that the app cannot see in its output (so that stdout stays that of the bare app).
export const PATCH =
  'module.exports = function patchVictim(exports) { const original = exports.hello; exports.hello = function hello(who) { return original(who); }; };\n';

export const RC = '.wrapt-hooksrc.json';
export const json = (value) => JSON.stringify(value, null, 2);
/** A config whose only problem is `extra` (merged at the top level). */
export const withPatch = (extra = {}) => json({ patches: { victim: './patch.js' }, ...extra });

// Hints that tell the user what to do (strict mode's message must contain one).
export const FIX = {
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
export const CASES = [
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
    // A bad option value drops the option, not the entry (docs/tracing.md).
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
    // The entry still applies with its known keys (docs/config.md).
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
  // Named explicitly: cosmiconfig's search takes a file holding null as no config and goes on (test/unit/config-search.test.mjs).
  {
    name: 'config is JSON null',
    files: { [RC]: 'null' },
    env: { WRAPT_HOOKS_CONFIG: RC },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    names: [`$DIR/${RC}`, 'null'],
    fix: FIX.expected,
  },
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

// ---- files another user could have planted (docs/troubleshooting.md) ----------------------------------------------
// A config file (any format: it decides which code runs) or patch module that is world-writable,
// or owned by a user other than this process's or root, is refused with one warning naming it.
// The patch here is visible in the output: "refused" means the output is the bare app's.

export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
export const NOBODY = 65534;
export const VISIBLE_PATCH =
  "module.exports = function visible(exports) { const original = exports.hello; exports.hello = (who) => 'PATCHED ' + original(who); };\n";

export const PLANTED = [
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

/** The application directory of a case: app.js, patch.js (or `patch`) and the victim package, plus the case's files. */
export function setupCase(testCase, { patch = PATCH } = {}) {
  return makeApp({
    packages: { victim: VICTIM },
    files: { 'app.js': APP, 'patch.js': patch, ...testCase.files },
    ...(testCase.packageJson ? { packageJson: testCase.packageJson } : {}),
  });
}

/** `$DIR` in a case's expected names is the application directory. */
export const expand = (text, dir) => text.replaceAll('$DIR', dir);

// ---- files refused before a byte of them is read (§8) -----------------------------------------
// Every file the config search or cosmiconfig would read: cosmiconfig's meta config places
// (package.json or package.yaml with a "cosmiconfig" field, .config/config.*), files named by
// `$import`, and config places that are not regular files (a FIFO blocks whoever opens it for
// reading; a device such as /dev/zero never ends). JavaScript among them writes MARKER when it runs: a refused
// file must not have run. `how`: 'chown' (to nobody), 'chmod' (world-writable), 'fifo' (the
// planted path becomes a FIFO), 'device' (a symlink to /dev/null: a character device, read as empty), or 'none' (refused as written).
// A case with a control (`how` other than 'none') first shows the same files, trusted, patch the app.

export const MARKER = 'ran.marker';
// In the working directory: the application's directory, in a child process and in process alike.
const marks = `require('node:fs').writeFileSync(${JSON.stringify(MARKER)}, 'ran');\n`;
const META = json({ cosmiconfig: { searchPlaces: ['custom.json'] } });
const CUSTOM = { 'custom.json': json({ patches: { victim: './patch.js' } }) };

export const UNREAD = [
  {
    name: 'a JavaScript meta config .config/config.js, even one this user owns',
    files: { '.config/config.js': `${marks}module.exports = { cosmiconfig: { searchPlaces: ['custom.json'] } };\n`, ...CUSTOM },
    planted: '.config/config.js',
    how: 'none',
    reason: /cosmiconfig meta config written in JavaScript/,
  },
  {
    name: 'a TypeScript meta config .config/config.ts',
    files: {
      '.config/config.ts': `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(MARKER)}, 'ran');\nexport default { cosmiconfig: { searchPlaces: ['custom.json'] } };\n`,
      ...CUSTOM,
    },
    planted: '.config/config.ts',
    how: 'none',
    reason: /cosmiconfig meta config written in JavaScript/,
  },
  {
    name: 'a meta config .config/config.json owned by another user',
    files: { '.config/config.json': META, ...CUSTOM },
    planted: '.config/config.json',
    how: 'chown',
    reason: new RegExp(`owned by uid ${65534}`),
  },
  {
    name: 'a world-writable meta config .config/config.yaml',
    files: { '.config/config.yaml': 'cosmiconfig:\n  searchPlaces: [custom.json]\n', ...CUSTOM },
    planted: '.config/config.yaml',
    how: 'chmod',
    reason: /world-writable/,
  },
  {
    name: 'package.json with a "cosmiconfig" field, owned by another user',
    packageJson: { name: 'app', private: true, cosmiconfig: { searchPlaces: ['custom.json'] }, 'wrapt-hooks': { patches: { victim: './patch.js' } } },
    files: {},
    planted: 'package.json',
    how: 'chown',
    reason: /owned by uid/,
  },
  {
    name: 'a meta config whose $import names a JavaScript file',
    files: {
      '.config/config.json': json({ $import: '../meta.js', cosmiconfig: { searchPlaces: ['custom.json'] } }),
      'meta.js': `${marks}module.exports = {};\n`,
      ...CUSTOM,
    },
    planted: 'meta.js',
    how: 'none',
    reason: /named by "\$import".*cosmiconfig would run it/,
  },
  {
    name: '$import naming a JavaScript file owned by another user',
    files: { [RC]: json({ $import: './base.js' }), 'base.js': `${marks}module.exports = { patches: { victim: './patch.js' } };\n` },
    planted: 'base.js',
    how: 'chown',
    reason: /named by "\$import".*owned by uid/,
  },
  {
    name: '$import naming a world-writable JSON file',
    files: { [RC]: json({ $import: ['./base.json'], strict: false }), 'base.json': json({ patches: { victim: './patch.js' } }) },
    planted: 'base.json',
    how: 'chmod',
    reason: /named by "\$import".*world-writable/,
  },
  {
    name: 'a FIFO at .wrapt-hooksrc.json',
    files: { [RC]: withPatch() },
    planted: RC,
    how: 'fifo',
    reason: /a FIFO \(named pipe\), not a regular file/,
  },
  {
    name: 'a FIFO at package.json',
    packageJson: { name: 'app', private: true, 'wrapt-hooks': { patches: { victim: './patch.js' } } },
    files: {},
    planted: 'package.json',
    how: 'fifo',
    reason: /a FIFO/,
  },
  {
    name: 'a FIFO at the meta config place .config/config.json',
    files: { '.config/config.json': META, ...CUSTOM },
    planted: '.config/config.json',
    how: 'fifo',
    reason: /a FIFO/,
  },
  {
    name: 'a FIFO at a search place a meta config adds',
    files: { '.config/config.json': META, ...CUSTOM },
    planted: 'custom.json',
    how: 'fifo',
    reason: /a FIFO/,
  },
  {
    name: 'a FIFO named by $import',
    files: { [RC]: json({ $import: './base.json' }), 'base.json': json({ patches: { victim: './patch.js' } }) },
    planted: 'base.json',
    how: 'fifo',
    reason: /named by "\$import".*a FIFO/,
  },
  {
    name: 'a FIFO named by WRAPT_HOOKS_CONFIG',
    files: { 'conf/hooks.json': json({ patches: { victim: '../patch.js' } }) },
    env: { WRAPT_HOOKS_CONFIG: 'conf/hooks.json' },
    planted: 'conf/hooks.json',
    how: 'fifo',
    reason: /a FIFO/,
  },
  {
    name: '.wrapt-hooksrc.yaml that is a symlink to a device (/dev/null)',
    files: { '.wrapt-hooksrc.yaml': 'patches:\n  victim: ./patch.js\n' },
    planted: '.wrapt-hooksrc.yaml',
    how: 'device',
    reason: /a character device, not a regular file/,
  },
];
