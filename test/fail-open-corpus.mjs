// The fail-open scenarios (docs/config.md, docs/troubleshooting.md): a problem in the config, a patch package or a patch module,
// and the one coded problem it gives. Each app has the `twin` fixture and a valid `os` patch,
// ./patches/good.js, which the test writes (what it does differs by test); `applied`: that
// patch still applies. test/unit/bootstrap-fail-open.test.mjs runs every scenario in process;
// test/fail-open-and-strict.test.mjs runs representatives in preloaded apps.
export const FAIL_OPEN = [
  {
    title: 'unparsable JSON config',
    files: { '.wrapt-hooksrc.json': '{ "patches": { "twin": ' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    message: [/\.wrapt-hooksrc\.json/],
  },
  {
    title: 'unparsable YAML config',
    files: { '.wrapt-hooksrc.yaml': 'patches:\n  twin: [unclosed\n' },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    message: [/\.wrapt-hooksrc\.yaml/],
  },
  {
    title: 'a JavaScript config that throws',
    files: { 'wrapt-hooks.config.js': "throw new Error('config boom');" },
    code: 'WRAPT_HOOKS_CONFIG_PARSE',
    message: [/wrapt-hooks\.config\.js/, /config boom/],
  },
  {
    title: 'a config that is not an object',
    files: { '.wrapt-hooksrc.json': '["twin"]' },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/],
  },
  {
    title: 'an unknown top-level key (the rest of the config still applies)',
    files: { '.wrapt-hooksrc.json': { patchez: {}, patches: { os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    message: [/\.wrapt-hooksrc\.json/, /patchez/],
    applied: true,
  },
  {
    title: 'a patch entry of the wrong type',
    files: { '.wrapt-hooksrc.json': { patches: { twin: 42, os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /patches\.twin/],
    applied: true,
  },
  {
    title: 'an unknown key in a patch entry',
    files: { '.wrapt-hooksrc.json': { patches: { twin: { patch: './patches/good.js', version: '1' }, os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
    message: [/\.wrapt-hooksrc\.json/, /patches\.twin\.version/],
    applied: true,
    // The entry itself still applies with its known keys (docs/config.md).
    alsoApplied: ['twin undefined'],
  },
  {
    title: 'a versions value that is not a semver range',
    files: { '.wrapt-hooksrc.json': { patches: { twin: { patch: './patches/good.js', versions: 'banana' }, os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /patches\.twin\.versions/, /banana/],
    applied: true,
  },
  {
    title: 'a target that can never match',
    files: { '.wrapt-hooksrc.json': { patches: { 'node:nope': './patches/good.js', os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /node:nope/],
    applied: true,
  },
  {
    title: 'strict that is not a boolean',
    files: { '.wrapt-hooksrc.json': { strict: 'yes', patches: { os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_CONFIG_INVALID',
    message: [/\.wrapt-hooksrc\.json/, /strict/],
    applied: true,
  },
  {
    title: 'WRAPT_HOOKS_CONFIG naming a missing file',
    env: { WRAPT_HOOKS_CONFIG: 'conf/missing.json' },
    code: 'WRAPT_HOOKS_CONFIG_NOT_FOUND',
    message: [/conf[/\\]missing\.json/, /WRAPT_HOOKS_CONFIG/],
  },
  {
    title: 'a patch package that is not installed',
    files: { '.wrapt-hooksrc.json': { packages: ['not-installed-patches'], patches: { os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND',
    message: [/not-installed-patches/],
    applied: true,
  },
  {
    title: 'a missing patch module',
    files: { '.wrapt-hooksrc.json': { patches: { twin: './patches/nope.js', os: './patches/good.js' } } },
    code: 'WRAPT_HOOKS_PATCH_NOT_FOUND',
    // Never the placeholder module the patch is resolved from, a file that does not exist.
    message: [/\.\/patches\/nope\.js/, /"twin"/, /\.wrapt-hooksrc\.json/, /^(?![\s\S]*__wrapt_hooks__)(?![\s\S]*Require stack)/],
    applied: true,
  },
  {
    title: 'a missing export',
    files: { '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#nope', os: './patches/good.js' } }, 'patches/p.js': 'exports.yes = () => {};' },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    message: [/patches[/\\]p\.js/, /"nope"/, /"twin"/, /yes/],
    applied: true,
  },
  {
    title: 'a named export asked of a patch module whose module.exports is a function',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#apply', os: './patches/good.js' } },
      'patches/p.js': 'module.exports = function patchTwin() {};',
    },
    code: 'WRAPT_HOOKS_PATCH_EXPORT',
    message: [/patches[/\\]p\.js/, /"apply"/, /module\.exports is function patchTwin/],
    applied: true,
  },
  {
    title: 'a patch module that throws while loading',
    files: { '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js', os: './patches/good.js' } }, 'patches/p.js': "throw new Error('load boom');" },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    message: [/patches[/\\]p\.js/, /load boom/, /"twin"/],
    applied: true,
  },
  {
    title: 'an ESM patch module with top-level await',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.mjs', os: './patches/good.js' } },
      'patches/p.mjs': 'await null;\nexport default () => {};\n',
    },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    message: [/patches[/\\]p\.mjs/, /top-level await/],
    applied: true,
  },
  {
    title: 'a patch that throws',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#broken', os: './patches/good.js' } },
      'patches/p.js': "exports.broken = function broken(twin) { twin.half = true; throw new Error('patch boom'); };",
    },
    code: 'WRAPT_HOOKS_PATCH_FAILED',
    // Where it threw: the first stack frame inside the patch module.
    message: [/"twin"/, /patch boom/, /p\.js#broken/, /threw Error: patch boom at \/\S+[/\\]patches[/\\]p\.js:1:\d+\./],
    applied: true,
  },
  {
    title: 'an ES module patch that throws, named by the file and line where it threw',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.mjs', os: './patches/good.js' } },
      'patches/p.mjs': 'export default function patch(twin) {\n  const missing = undefined;\n  missing.half = true;\n}\n',
    },
    code: 'WRAPT_HOOKS_PATCH_FAILED',
    message: [/"twin"/, /TypeError: Cannot set properties of undefined/, /at \/\S+[/\\]patches[/\\]p\.mjs:3:\d+\./],
    applied: true,
  },
  // Values that cannot be printed: describing them must not throw inside the catch.
  {
    title: 'a patch that throws Object.create(null)',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#broken', os: './patches/good.js' } },
      'patches/p.js': 'exports.broken = () => { throw Object.create(null); };',
    },
    code: 'WRAPT_HOOKS_PATCH_FAILED',
    message: [/"twin"/, /threw \[object that cannot be printed\]/],
    applied: true,
  },
  {
    title: 'a patch that throws an object whose toString throws',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#broken', os: './patches/good.js' } },
      'patches/p.js': "exports.broken = () => { throw { toString() { throw new Error('no'); } }; };",
    },
    code: 'WRAPT_HOOKS_PATCH_FAILED',
    message: [/"twin"/, /cannot be printed/],
    applied: true,
  },
  {
    title: 'a patch that throws an error whose message getter throws',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#broken', os: './patches/good.js' } },
      'patches/p.js':
        "exports.broken = () => { const error = new TypeError('x'); Object.defineProperty(error, 'message', { get() { throw new Error('getter'); } }); throw error; };",
    },
    code: 'WRAPT_HOOKS_PATCH_FAILED',
    message: [/"twin"/, /threw TypeError: undefined/],
    applied: true,
  },
  {
    title: 'a patch that throws a SyntaxError whose stack getter throws',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js#broken', os: './patches/good.js' } },
      'patches/p.js':
        "exports.broken = () => { const error = new SyntaxError('bad'); Object.defineProperty(error, 'stack', { get() { throw new Error('stack getter'); } }); throw error; };",
    },
    code: 'WRAPT_HOOKS_PATCH_FAILED',
    message: [/"twin"/, /threw SyntaxError: bad/],
    applied: true,
  },
  {
    title: 'a patch module that throws, while loading, an error whose message getter throws',
    files: {
      '.wrapt-hooksrc.json': { patches: { twin: './patches/p.js', os: './patches/good.js' } },
      'patches/p.js': "const error = new Error('x'); Object.defineProperty(error, 'message', { get() { throw new Error('getter'); } }); throw error;",
    },
    code: 'WRAPT_HOOKS_PATCH_LOAD',
    message: [/patches[/\\]p\.js/, /threw while loading: Error: undefined/],
    applied: true,
  },
];
