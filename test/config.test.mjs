// The config file (docs/config.md) in preloaded apps: one search place per loader (JSON, YAML, ES module,
// TypeScript, the package.json field), the search from a subdirectory, WRAPT_HOOKS_CONFIG, no
// config at all, `versions`, several patches per target, `enabled`, and the "#" split rule.
// test/unit/config-plan.test.mjs checks every search place, the order and the boundary in process
// (test/unit/config-search.test.mjs the .config/ places); here one place per loader, .config/
// once, and the search as the preload runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, path, lines, assertClean, runApp, sections } from './helpers.mjs';

const APP = "console.log('start'); require('os'); console.log('end');";

/** A patch module that prints `patch os <label>` when os is first required. */
function patchFile(label) {
  return `module.exports = function () { console.log(${JSON.stringify(`patch os ${label}`)}); };`;
}

const json = (label) => JSON.stringify({ patches: { os: `./patches/${label}.js` } }, null, 2);
const yaml = (label) => `# YAML config\npatches:\n  os: ./patches/${label}.js\n`;
const cjs = (label) => `module.exports = { patches: { os: './patches/${label}.js' } };\n`;
const esm = (label) => `export default { patches: { os: './patches/${label}.js' } };\n`;

// One per loader (YAML, JSON in .config/, CommonJS, ES module; TypeScript and package.json below);
// .wrapt-hooksrc.json is most other spawned suites' config.
const PLACES = [
  ['.wrapt-hooksrc (YAML)', '.wrapt-hooksrc', yaml],
  ['.wrapt-hooksrc.cjs', '.wrapt-hooksrc.cjs', cjs],
  ['wrapt-hooks.config.mjs', 'wrapt-hooks.config.mjs', esm],
  // The rest of cosmiconfig's .config/ places are held to cosmiconfig in-process (test/unit/config-search.test.mjs).
  ['.config/wrapt-hooksrc.json', '.config/wrapt-hooksrc.json', json],
];

for (const [title, file, content] of PLACES) {
  test(`config search place: ${title}`, () => {
    const label = title.replace(/[^a-z]+/gi, '-');
    // Relative paths in a config resolve against its own directory (.config/ for those places).
    const patch = path.join(path.dirname(file), 'patches', `${label}.js`);
    const app = makeApp({ files: { [file]: content(label), [patch]: patchFile(label), 'app.js': APP } });
    const result = runApp(app);
    assertClean(result);
    assert.deepEqual(lines(result.stdout), ['start', `patch os ${label}`, 'end']);
  });
}

test('config search place: the package.json field "wrapt-hooks"', () => {
  const app = makeApp({
    packageJson: { name: 'app', version: '1.0.0', private: true, 'wrapt-hooks': { patches: { os: './patches/pkg.js' } } },
    files: { 'patches/pkg.js': patchFile('package.json'), 'app.js': APP },
  });
  const result = runApp(app);
  assertClean(result);
  assert.deepEqual(lines(result.stdout), ['start', 'patch os package.json', 'end']);
});

// .wrapt-hooksrc.ts and wrapt-hooks.config.ts are read in process by test/unit/config-plan.test.mjs.
test('config search place: .config/wrapt-hooksrc.ts (Node strips its types where it can, TypeScript elsewhere)', () => {
  const files = {
    '.config/wrapt-hooksrc.ts':
      "import { defineConfig } from 'wrapt-hooks';\nconst target: string = 'os';\nexport default defineConfig({ patches: { [target]: './patches/ts.js' } });\n",
    '.config/patches/ts.js': patchFile('ts'),
    'app.js': APP,
  };
  const result = runApp(makeApp({ real: ['typescript'], files }));
  assertClean(result);
  assert.deepEqual(lines(result.stdout), ['start', 'patch os ts', 'end']);
});

test('the search starts at the working directory and goes up to the nearest package.json; WRAPT_HOOKS_DEBUG says where it looked and where it stopped', () => {
  const app = makeApp({ files: { '.config/wrapt-hooksrc.json': json('dbg'), '.config/patches/dbg.js': patchFile('dbg'), 'app.js': APP, 'sub/.keep': '' } });
  const found = runApp(path.join(app, 'sub'), { script: path.join(app, 'app.js'), env: { WRAPT_HOOKS_DEBUG: '1' } });
  assertClean(found);
  assert.deepEqual(lines(found.stdout), ['start', 'patch os dbg', 'end'], 'found from a subdirectory; the patch resolved against the config file');
  const sub = path.join(app, 'sub');
  const file = path.join(app, '.config', 'wrapt-hooksrc.json');
  assert.ok(found.stderr.includes(`wrapt-hooks: searched for a config from ${sub}: looked in ${sub}, ${app}; found ${file}`), found.stderr);
  const { app: none, debug: result } = noConfigRuns();
  assertClean(result);
  assert.ok(result.stderr.includes(`looked in ${none}; no config file. Stopped at ${path.join(none, 'package.json')}, the project boundary`), result.stderr);
});

// A config above the nearest package.json (and the same layout without it, as the control) is
// test/unit/config-plan.test.mjs's; the stop at the boundary as the preload reports it is above.

test('WRAPT_HOOKS_CONFIG names the file and skips the search', () => {
  const app = makeApp({
    files: {
      '.wrapt-hooksrc.json': json('searched'),
      'conf/custom-name.yaml': yaml('explicit'),
      'conf/patches/explicit.js': patchFile('explicit'),
      'patches/searched.js': patchFile('searched'),
      'app.js': APP,
    },
  });
  const absolute = runApp(path.join(app, 'conf'), {
    script: path.join(app, 'app.js'),
    env: { WRAPT_HOOKS_CONFIG: path.join(app, 'conf', 'custom-name.yaml') },
  });
  assertClean(absolute);
  assert.deepEqual(lines(absolute.stdout), ['start', 'patch os explicit', 'end']);
});

// An app without a config that shows whether anything was intercepted; run bare, with the
// preload, and with the preload and WRAPT_HOOKS_DEBUG (the search test above reads that run too).
let noConfig;
function noConfigRuns() {
  if (noConfig === undefined) {
    const probe = `
      const Module = require('node:module');
      const { createHash } = require('node:crypto');
      const fingerprint = (fn) => createHash('sha1').update(fn.toString()).digest('hex').slice(0, 12);
      require('os');
      console.log('require', fingerprint(Module.prototype.require));
      console.log('_load', fingerprint(Module._load));
      console.log('getBuiltinModule', fingerprint(process.getBuiltinModule));
      const loaded = Object.keys(require.cache).filter((file) => /[\\/\\\\](require|import)-in-the-middle[\\/\\\\]/.test(file));
      console.log('interception modules loaded:', loaded.length);
    `;
    const app = makeApp({ files: { 'app.js': probe } });
    noConfig = {
      app,
      without: runApp(app, { preload: false }),
      withPreload: runApp(app),
      debug: runApp(app, { env: { WRAPT_HOOKS_DEBUG: '1' } }),
    };
  }
  return noConfig;
}

test('no config file: the preload does nothing and installs no hooks', () => {
  const { without, withPreload, debug } = noConfigRuns();
  assertClean(without);
  assert.match(without.stdout, /interception modules loaded: 0/);
  assertClean(withPreload);
  assert.equal(withPreload.stdout, without.stdout, 'Module.prototype.require, Module._load and process.getBuiltinModule are untouched');
  assert.equal(withPreload.stderr, '');
  assert.equal(debug.stdout, without.stdout);
  for (const line of lines(debug.stderr)) assert.match(line, /^wrapt-hooks: /);
});

test('versions: a target inside the range is patched, outside it is skipped silently (a WRAPT_HOOKS_DEBUG line)', () => {
  const app = makeApp({
    packages: ['twin', 'twin-user'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          twin: [
            { patch: './patches/v.js#v1', versions: '^1.0.0' },
            { patch: './patches/v.js#v2', versions: '>=2 <3' },
            { patch: './patches/v.js#never', versions: '>=9' },
          ],
        },
      },
      'patches/v.js': `
        exports.v1 = (m, info) => console.log('v1 patch for', info.version);
        exports.v2 = (m, info) => console.log('v2 patch for', info.version);
        exports.never = (m, info) => console.log('never patch for', info.version);
      `,
      'app.js': "require('twin'); require('twin-user'); console.log('end');",
    },
  });
  const quiet = runApp(app);
  assertClean(quiet);
  assert.deepEqual(lines(quiet.stdout), ['v1 patch for 1.0.0', 'v2 patch for 2.0.0', 'end']);
  assert.equal(quiet.stderr, '', 'a skip is not a warning');
  const debug = runApp(app, { env: { WRAPT_HOOKS_DEBUG: '1' } });
  assertClean(debug);
  assert.equal(debug.stdout, quiet.stdout);
  const skips = lines(debug.stderr).filter((line) => /skip/.test(line));
  assert.ok(
    skips.some((line) => /^wrapt-hooks: .*twin@2\.0\.0.*v1.*\^1\.0\.0/.test(line)),
    debug.stderr,
  );
  assert.ok(
    skips.some((line) => /^wrapt-hooks: .*twin@1\.0\.0.*v2.*>=2 <3/.test(line)),
    debug.stderr,
  );
  assert.ok(skips.some((line) => /twin@1\.0\.0.*#never/.test(line)) && skips.some((line) => /twin@2\.0\.0.*#never/.test(line)), debug.stderr);
});

test('several patches for one target run in declaration order, strings and objects mixed', () => {
  const app = makeApp({
    packages: ['twin'],
    files: {
      '.wrapt-hooksrc.yaml': [
        'patches:',
        '  twin:',
        '    - ./patches/p.js#first',
        '    - patch: ./patches/p.js#second',
        '      versions: "*"',
        '    - ./patches/third.js',
        '  os:',
        '    - ./patches/p.js#os',
        '',
      ].join('\n'),
      'patches/p.js': `
        exports.first = (m) => { m.trail = ['first']; };
        exports.second = (m) => { m.trail.push('second'); };
        exports.os = () => console.log('os patch');
      `,
      'patches/third.js': "module.exports = (m) => { m.trail.push('third'); };",
      'app.js': "console.log(require('twin').trail.join(' ')); require('os');",
    },
  });
  const result = runApp(app);
  assertClean(result);
  assert.deepEqual(lines(result.stdout), ['first second third', 'os patch']);
});

// One app for the "#" rule and for "enabled" (on other targets: callable and util), in turn.
const SPEC = sections({
  '#': "require('os'); require('twin'); require('deep-pkg'); require('classy');",
  enabled: "require('callable'); require('util'); console.log('end');",
});
let specRun;
function specSection(name) {
  specRun ??= runApp(specApp());
  const section = SPEC.lines(specRun, name);
  assertClean(specRun);
  return section;
}

test('"enabled": false turns an entry off without loading it; true keeps it', () => {
  assert.deepEqual(specSection('enabled'), ['on', 'end']);
});

test('the "#" that splits off the export is the last one not at position 0', () => {
  assert.deepEqual(specSection('#'), ['a#b.js apply', 'imports map default', 'imports map named', 'package lib#x.js apply']);
});

function specApp() {
  return makeApp({
    packages: ['twin', 'deep-pkg', 'classy', 'callable'],
    packageJson: { name: 'app', version: '1.0.0', private: true, imports: { '#patches/*': './patches/*' } },
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          os: './patches/a#b.js#apply',
          twin: '#patches/imported.js',
          'deep-pkg': '#patches/imported.js#named',
          classy: 'my-patches/lib#x.js#apply',
          callable: [
            { patch: './patches/missing.js', enabled: false },
            { patch: './patches/on.js', enabled: true },
          ],
          util: { patch: './patches/off.js', enabled: false },
        },
      },
      'patches/on.js': "module.exports = () => console.log('on');",
      'patches/off.js': "console.log('off module loaded'); module.exports = () => console.log('off');",
      'patches/a#b.js': "exports.apply = () => console.log('a#b.js apply');",
      'patches/imported.js': "module.exports = () => console.log('imports map default'); module.exports.named = () => console.log('imports map named');",
      'node_modules/my-patches/package.json': { name: 'my-patches', version: '1.0.0' },
      'node_modules/my-patches/lib#x.js': "exports.apply = () => console.log('package lib#x.js apply');",
      'app.js': SPEC.script,
    },
  });
}
