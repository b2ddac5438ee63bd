// ES modules (docs/esm.md, docs/patches-and-api.md), seen from spawned applications on the running Node:
// ESM packages (named, default and namespace imports, live bindings, import()), CommonJS
// packages imported from ESM, require(esm), builtins in every load order, both preload flags
// and NODE_OPTIONS, dual packages, modules import-in-the-middle would break when they are not
// targets, `node -e`/`-p`, ESM patch modules (synchronous; top-level await refused), and the app's
// own ES module as a target.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, runNodeAsync, pool, PRELOADS, path, lines, assertClean, count } from './helpers.mjs';
import { supportsSyncHooks } from 'import-in-the-middle/supports-sync-hooks.mjs';

const run = runNodeAsync;

/** Runs `script` with a preload from PRELOADS (or none: preload null). */
function runWith(app, preload, script, { env = {}, args = [] } = {}) {
  if (preload === null) return run(app, [...args, script], { env });
  const { args: flags, env: preloadEnv } = PRELOADS[preload]({ ...env });
  return run(app, [...flags, ...args, script], { env: preloadEnv });
}

// Each flag and NODE_OPTIONS, with ESM and CommonJS apps, is the concern of 'preload flags'
// below (and of the non-target modules); the other scenarios run with one flavour each, spread
// over the three.

// A patch for the ESM fixture package: wraps a named export in place (wrapFunctionWrapper on
// the namespace), reassigns the default export and a `let` binding.
const GREETER_PATCH = `
  import { wrapFunctionWrapper } from 'wrapt-hooks';
  export default function patchGreeter(ns, info) {
    console.log(\`patch \${info.name}@\${info.version} \${info.format} \${info.target}\`);
    wrapFunctionWrapper(ns, 'shout', (wrapped, instance, args) => \`[\${wrapped(...args)}]\`);
    const whisper = ns.default;
    ns.default = function whisper2(text) { return \`(\${whisper(text)})\`; };
    ns.greeting = 'hi';
  }
`;

describe('ESM package targets', () => {
  const app = makeApp({
    packages: ['esm-greeter'],
    files: {
      '.wrapt-hooksrc.json': { patches: { 'esm-greeter': './patches/greeter.mjs' } },
      'patches/greeter.mjs': GREETER_PATCH,
      'app.mjs': `
        import whisper, { shout, greeting } from 'esm-greeter';
        import * as ns from 'esm-greeter';
        import { isWrapped } from 'wrapt-hooks';
        const dynamic = await import('esm-greeter');
        console.log(JSON.stringify({
          named: shout('a'), namespace: ns.shout('b'), dynamic: dynamic.shout('c'),
          wrapped: isWrapped(shout), same: shout === ns.shout && ns.shout === dynamic.shout,
          default: whisper('X'), nsDefault: ns.default('Y'),
          greeting, nsGreeting: ns.greeting, sameNamespace: dynamic === ns,
        }));
      `,
      'app.cjs': `
        import('esm-greeter').then((ns) => console.log('cjs import()', ns.shout('a'), ns.default('B'), ns.greeting));
      `,
      'require-first.cjs': `
        const { isWrapped } = require('wrapt-hooks');
        const required = require('esm-greeter');
        console.log('require(esm)', required.shout('a'), isWrapped(required.shout), required.default('B'), required.greeting);
        import('esm-greeter').then((ns) => console.log('then import()', ns.shout('b'), ns.default('C'), ns.greeting));
      `,
      'import-first.mjs': `
        import { shout } from 'esm-greeter';
        import { createRequire } from 'node:module';
        const required = createRequire(import.meta.url)('esm-greeter');
        console.log('import', shout('a'), 'then require(esm)', required.shout('b'), required.default('C'), required.greeting);
      `,
    },
  });
  const expected = {
    named: '[A!]',
    namespace: '[B!]',
    dynamic: '[C!]',
    wrapped: true,
    same: true,
    default: '(x)',
    nsDefault: '(y)',
    greeting: 'hi',
    nsGreeting: 'hi',
    sameNamespace: true,
  };

  test('named, default and namespace imports and import() see the patch; live bindings update; fires once', async () => {
    const result = await runWith(app, 'require', 'app.mjs');
    assertClean(result);
    assert.deepEqual(lines(result.stdout), ['patch esm-greeter@2.1.0 module esm-greeter', JSON.stringify(expected)]);
  });

  test('without a preload the same app is unpatched (the assertions above can fail)', async () => {
    const result = await runWith(app, null, 'app.mjs');
    assertClean(result);
    const seen = JSON.parse(lines(result.stdout)[0]);
    assert.equal(seen.named, 'A!');
    assert.equal(seen.wrapped, false);
    assert.equal(seen.greeting, 'hello');
  });

  test('the patch gets ModuleInfo for an ES module and a namespace with its exports', async () => {
    const infoApp = makeApp({
      packages: ['esm-greeter'],
      files: {
        '.wrapt-hooksrc.json': { patches: { 'esm-greeter': './info.mjs' } },
        'info.mjs': `
          export default function patch(ns, info) {
            console.log(JSON.stringify({
              ...info,
              baseDir: path(info.baseDir), filename: path(info.filename),
              keys: Object.keys(ns).sort(),
            }));
          }
          const path = (p) => p.split('/').slice(-2).join('/');
        `,
        'app.mjs': `import 'esm-greeter';`,
      },
    });
    const result = await runWith(infoApp, 'import', 'app.mjs');
    assertClean(result);
    assert.deepEqual(JSON.parse(result.stdout), {
      target: 'esm-greeter',
      name: 'esm-greeter',
      format: 'module',
      version: '2.1.0',
      baseDir: 'node_modules/esm-greeter',
      filename: 'esm-greeter/index.js',
      keys: ['default', 'greet', 'greeting', 'shout'],
    });
  });

  test('import() from a CommonJS app', async () => {
    const result = await runWith(app, 'NODE_OPTIONS', 'app.cjs');
    assertClean(result);
    assert.deepEqual(lines(result.stdout), ['patch esm-greeter@2.1.0 module esm-greeter', 'cjs import() [A!] (b) hi']);
  });

  test('require(esm) of an ES module target: the caller gets the patched exports; once across require and import', async () => {
    const [requireFirst, importFirst] = await pool([() => runWith(app, 'require', 'require-first.cjs'), () => runWith(app, 'import', 'import-first.mjs')]);
    assertClean(requireFirst, 'require first');
    assert.deepEqual(lines(requireFirst.stdout), ['patch esm-greeter@2.1.0 module esm-greeter', 'require(esm) [A!] true (b) hi', 'then import() [B!] (c) hi']);
    assertClean(importFirst, 'import first');
    assert.deepEqual(lines(importFirst.stdout), ['patch esm-greeter@2.1.0 module esm-greeter', 'import [A!] then require(esm) [B!] (c) hi']);
  });

  test('an ES module namespace cannot be replaced wholesale: a returned value warns and changes nothing', async () => {
    const returning = makeApp({
      packages: ['esm-greeter'],
      files: {
        '.wrapt-hooksrc.json': { patches: { 'esm-greeter': './patches/replace.mjs' } },
        'patches/replace.mjs': `export default (ns) => ({ shout: () => 'replaced' });`,
        'app.mjs': `import { shout } from 'esm-greeter'; console.log(shout('a'));`,
      },
    });
    const result = await runWith(returning, 'import', 'app.mjs');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'A!\n');
    assert.deepEqual(
      result.warnings.map((w) => w.code),
      ['WRAPT_HOOKS_PATCH_RETURN'],
    );
    assert.match(result.warnings[0].message, /esm-greeter.*ns\.name = wrapped/);
  });
});

describe('CommonJS packages imported from ES modules', () => {
  const app = makeApp({
    packages: ['esm-cjs-counter'],
    files: {
      '.wrapt-hooksrc.json': { patches: { 'esm-cjs-counter': './patches/counter.js' } },
      // Written once against module.exports; returns replacement exports.
      'patches/counter.js': `
        module.exports = function patchCounter(exports, info) {
          console.log('patch', info.name, info.version, info.format, typeof exports.increment, exports.label);
          const increment = exports.increment;
          return { ...exports, increment: () => increment() + 100, replaced: true };
        };
      `,
      'import-first.mjs': `
        import counter, { increment, label } from 'esm-cjs-counter';
        import { createRequire } from 'node:module';
        const required = createRequire(import.meta.url)('esm-cjs-counter');
        console.log('import first', counter === required, counter.replaced, increment(), required.increment(), label);
      `,
      'require-first.mjs': `
        import { createRequire } from 'node:module';
        const required = createRequire(import.meta.url)('esm-cjs-counter');
        const ns = await import('esm-cjs-counter');
        console.log('require first', ns.default === required, required.replaced, ns.increment(), required.increment(), ns.label);
      `,
    },
  });

  test('the patch receives module.exports and fires once; replacement exports are seen by import and require, in both orders', async () => {
    const runs = [
      ['import first', 'import', 'import-first.mjs'],
      ['require first', 'require', 'require-first.mjs'],
    ];
    const results = await pool(
      runs.map(
        ([, preload, script]) =>
          () =>
            runWith(app, preload, script),
      ),
    );
    results.forEach((result, i) => {
      const [label] = runs[i];
      assertClean(result, label);
      assert.deepEqual(lines(result.stdout), ['patch esm-cjs-counter 1.4.0 commonjs function counter', `${label} true true 101 102 counter`], label);
    });
  });
});

describe('builtins', () => {
  // Each form in its own module, so that the app can put any of them first.
  const FORMS = {
    named: `import { mkdtempSync } from 'node:fs'; record('named', mkdtempSync);`,
    default: `import fs from 'fs'; record('default', fs.mkdtempSync);`,
    require: `import { createRequire } from 'node:module'; record('require', createRequire(import.meta.url)('fs').mkdtempSync);`,
    getBuiltinModule: `record('getBuiltinModule', process.getBuiltinModule('node:fs').mkdtempSync);`,
    dynamic: `const ns = await import('node:fs'); record('import()', ns.mkdtempSync);`,
  };
  const files = {
    '.wrapt-hooksrc.json': { patches: { fs: './patches/fs.js#patchFs' } },
    'patches/fs.js': `
      const { wrapFunctionWrapper } = require('wrapt-hooks');
      exports.patchFs = (fs, info) => {
        console.log('patch', info.name, info.format);
        wrapFunctionWrapper(fs, 'mkdtempSync', (wrapped, instance, args) => {
          globalThis.mkdtempCalls = (globalThis.mkdtempCalls ?? 0) + 1;
          return wrapped(...args);
        });
      };
    `,
    'record.mjs': `
      import { rmSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      globalThis.seen = [];
      globalThis.record = (form, fn) => {
        rmSync(fn(join(tmpdir(), 'wrapt-hooks-esm-')), { recursive: true });
        globalThis.seen.push([form, fn]);
      };
    `,
    'report.mjs': `
      import { isWrapped } from 'wrapt-hooks';
      export function report() {
        const fns = globalThis.seen.map(([, fn]) => fn);
        console.log(globalThis.seen.map(([form, fn]) => \`\${form}=\${isWrapped(fn)}\`).join(' '));
        console.log('same function', new Set(fns).size === 1, 'calls', globalThis.mkdtempCalls);
      }
    `,
    'app.cjs': `
      // CommonJS app: getBuiltinModule first, then require, then import().
      const a = process.getBuiltinModule('fs').mkdtempSync;
      const b = require('node:fs').mkdtempSync;
      import('fs').then((ns) => {
        const { isWrapped } = require('wrapt-hooks');
        console.log(isWrapped(a), a === b, b === ns.mkdtempSync, ns.default.mkdtempSync === a);
      });
    `,
  };
  // The usual way of mocking fs for ES code: change the CommonJS exports, then sync the facades.
  files['sync.mjs'] = `
    import fs, { readFileSync, mkdtempSync } from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const wrapped = mkdtempSync;
    fs.readFileSync = () => 'mocked';
    syncBuiltinESMExports();
    console.log(readFileSync('package.json', 'utf8'), mkdtempSync === wrapped);
  `;
  const names = Object.keys(FORMS);
  for (const name of names) files[`forms/${name}.mjs`] = FORMS[name];
  // Every form first once (rotations), plus the reverse order.
  const orders = names.map((_, i) => [...names.slice(i), ...names.slice(0, i)]);
  orders.push([...names].reverse());
  orders.forEach((order, i) => {
    files[`order${i}.mjs`] =
      `import './record.mjs';\n${order.map((name) => `import './forms/${name}.mjs';`).join('\n')}\nimport { report } from './report.mjs';\n// The body runs after every import, including the one awaiting import().\nreport();\n`;
  });
  const app = makeApp({ files });

  test('import { mkdtempSync } from "node:fs", import fs from "fs", require, getBuiltinModule and import() all see the patch, in every order; fires once', async () => {
    // Every order with --import; with --require, the reversed one.
    const runs = orders.map((order, i) => ['import', order, i]);
    runs.push(['require', orders.at(-1), orders.length - 1]);
    const results = await pool(
      runs.map(
        ([preload, , i]) =>
          () =>
            runWith(app, preload, `order${i}.mjs`),
      ),
    );
    results.forEach((result, j) => {
      const [preload, order] = runs[j];
      const label = `--${preload} ${order.join(', ')}`;
      assertClean(result, label);
      const out = lines(result.stdout);
      assert.equal(out[0], 'patch fs builtin', label);
      // import() is awaited at top level, so it records after the static forms.
      const recorded = out[1].split(' ');
      assert.deepEqual([...recorded].sort(), names.map((name) => `${name === 'dynamic' ? 'import()' : name}=true`).sort(), label);
      assert.equal(out[2], 'same function true calls 5', label);
      assert.equal(out.length, 3, `${label}: the patch fired more than once?\n${result.stdout}`);
    });
  });

  test('a CommonJS app: getBuiltinModule, then require, then import() see one patched function', async () => {
    const result = await runWith(app, 'require', 'app.cjs');
    assertClean(result);
    assert.deepEqual(lines(result.stdout), ['patch fs builtin', 'true true true true']);
  });

  test('module.syncBuiltinESMExports() reaches named imports of a patched builtin (--import)', async () => {
    const result = await runWith(app, 'import', 'sync.mjs');
    assertClean(result);
    assert.deepEqual(lines(result.stdout), ['patch fs builtin', 'mocked true']);
  });

  test('a patch that requires wrapt-hooks works when the app (or another patch) loads wrapt-hooks before the builtin', async () => {
    // Regression: loading the library after the hooks were installed required 'node:fs'
    // inside it, which fired the fs patch while 'wrapt-hooks' was half loaded.
    const early = makeApp({
      packages: ['esm-greeter'],
      files: {
        '.wrapt-hooksrc.json': { patches: { fs: './patches/fs.js#patchFs', 'esm-greeter': './patches/greeter.mjs' } },
        'patches/fs.js': files['patches/fs.js'],
        'patches/greeter.mjs': GREETER_PATCH,
        'app.cjs': `
          const { isWrapped } = require('wrapt-hooks');
          console.log('fs', isWrapped(require('fs').mkdtempSync));
        `,
        'app.mjs': `
          import { shout } from 'esm-greeter';
          import { mkdtempSync } from 'node:fs';
          import { isWrapped } from 'wrapt-hooks';
          console.log(shout('a'), isWrapped(mkdtempSync));
        `,
      },
    });
    const [cjs, esm] = await pool([() => runWith(early, 'require', 'app.cjs'), () => runWith(early, 'import', 'app.mjs')]);
    assertClean(cjs, 'cjs');
    assert.deepEqual(lines(cjs.stdout), ['patch fs builtin', 'fs true']);
    assertClean(esm, 'esm');
    assert.deepEqual(lines(esm.stdout).sort(), ['[A!] true', 'patch esm-greeter@2.1.0 module esm-greeter', 'patch fs builtin']);
  });
});

describe('preload flags', () => {
  const app = makeApp({
    packages: ['esm-greeter', 'esm-cjs-counter'],
    files: {
      '.wrapt-hooksrc.json': { patches: { 'esm-greeter': './patches/greeter.mjs', 'esm-cjs-counter': './patches/counter.js', os: './patches/os.js' } },
      'patches/greeter.mjs': GREETER_PATCH,
      'patches/counter.js': `module.exports = (exports) => { console.log('patch counter'); exports.label = 'patched'; };`,
      'patches/os.js': `module.exports = (os) => { console.log('patch os'); const platform = os.platform; os.platform = () => 'patched-' + platform(); };`,
      'app.mjs': `
        import { shout } from 'esm-greeter';
        import { platform } from 'node:os';
        console.log(shout('esm'), platform().startsWith('patched-'));
      `,
      'app.cjs': `
        const counter = require('esm-cjs-counter');
        const greeter = require('esm-greeter');
        console.log(counter.label, greeter.shout('cjs'), require('os').platform().startsWith('patched-'));
      `,
    },
  });
  const ESM_OUT = ['patch esm-greeter@2.1.0 module esm-greeter', 'patch os', '[ESM!] true'];
  const CJS_OUT = ['patch counter', 'patch esm-greeter@2.1.0 module esm-greeter', 'patch os', 'patched [CJS!] true'];
  const DEBUG = { WRAPT_HOOKS_DEBUG: '1' };
  const cases = [
    ['--require alone, ESM app', ['--require', 'wrapt-hooks/register', 'app.mjs'], {}, ESM_OUT],
    ['--import alone, ESM app', ['--import', 'wrapt-hooks/register', 'app.mjs'], {}, ESM_OUT],
    ['--import alone, CommonJS app', ['--import', 'wrapt-hooks/register', 'app.cjs'], {}, CJS_OUT],
    ['--require alone, CommonJS app', ['--require', 'wrapt-hooks/register', 'app.cjs'], {}, CJS_OUT],
    ['both flags, ESM app', ['--require', 'wrapt-hooks/register', '--import', 'wrapt-hooks/register', 'app.mjs'], {}, ESM_OUT, 'import'],
    ['both flags, CommonJS app', ['--import', 'wrapt-hooks/register', '--require', 'wrapt-hooks/register', 'app.cjs'], {}, CJS_OUT, 'import'],
    ['NODE_OPTIONS=--require, ESM app', ['app.mjs'], { NODE_OPTIONS: '--require wrapt-hooks/register' }, ESM_OUT],
    ['NODE_OPTIONS=--import, CommonJS app', ['app.cjs'], { NODE_OPTIONS: '--import wrapt-hooks/register' }, CJS_OUT],
    [
      'NODE_OPTIONS plus the other flag',
      ['--import', 'wrapt-hooks/register', 'app.mjs'],
      { NODE_OPTIONS: '--require wrapt-hooks/register' },
      ESM_OUT,
      'import',
    ],
  ];

  test('either flag patches ESM and CommonJS apps; both flags (or a flag plus NODE_OPTIONS) install once', async () => {
    const results = await pool(
      cases.map(
        ([, args, env]) =>
          () =>
            run(app, args, { env: { ...env, ...DEBUG } }),
      ),
    );
    cases.forEach(([label, , , out, skipped], i) => {
      const result = results[i];
      assertClean(result, label);
      // ESM hooks fire in evaluation order, CommonJS ones in require order: compare as sets of lines.
      assert.deepEqual(lines(result.stdout).sort(), [...out].sort(), label);
      assert.equal(count(result.stderr, 'wrapt-hooks: hooks installed:'), 1, `${label}:\n${result.stderr}`);
      assert.equal(count(result.stderr, 'wrapt-hooks: config '), 1, `${label}:\n${result.stderr}`);
      if (skipped) assert.match(result.stderr, new RegExp(`already installed; --${skipped} preload skipped`), label);
      assert.doesNotMatch(result.stderr, /already been initialized/, label);
    });
  });

  test('without a preload nothing is patched', async () => {
    const [esm, cjs] = await pool([() => run(app, ['app.mjs']), () => run(app, ['app.cjs'])]);
    assertClean(esm);
    assert.deepEqual(lines(esm.stdout), ['ESM! false']);
    assertClean(cjs);
    assert.deepEqual(lines(cjs.stdout), ['counter CJS! false']);
  });
});

describe('a package with separate ESM and CommonJS builds', () => {
  test('loaded both ways, each build is patched once', async () => {
    const app = makeApp({
      packages: ['esm-dual'],
      files: {
        '.wrapt-hooksrc.json': { patches: { 'esm-dual': './patches/dual.js' } },
        'patches/dual.js': `
          const { wrapFunctionWrapper } = require('wrapt-hooks');
          module.exports = (exports, info) => {
            console.log('patch', info.format, exports.build, info.version, info.filename.split('/').slice(-2).join('/'));
            wrapFunctionWrapper(exports, 'describe', (wrapped) => \`patched \${wrapped()}\`);
          };
        `,
        'app.mjs': `
          import { describe } from 'esm-dual';
          import { createRequire } from 'node:module';
          const require = createRequire(import.meta.url);
          const cjs = require('esm-dual');
          const again = await import('esm-dual');
          require('esm-dual');
          console.log(describe(), '|', cjs.describe(), '|', again.describe());
        `,
        'app.cjs': `
          const cjs = require('esm-dual');
          import('esm-dual').then((esm) => console.log(cjs.describe(), '|', esm.describe()));
        `,
      },
    });
    const results = await pool([() => runWith(app, 'import', 'app.mjs'), () => runWith(app, 'require', 'app.cjs')]);
    results.forEach((result, i) => {
      assertClean(result, String(i));
      const out = lines(result.stdout);
      assert.deepEqual(out.slice(0, 2).sort(), ['patch commonjs cjs 3.0.0 cjs/index.cjs', 'patch module esm 3.0.0 esm/index.mjs'], result.stdout);
      assert.equal(out[2], i % 2 === 0 ? 'patched dual (esm) | patched dual (cjs) | patched dual (esm)' : 'patched dual (cjs) | patched dual (esm)');
      assert.equal(out.length, 3);
    });
  });
});

describe('a package reached by path or file: URL (vitest imports every dependency so)', () => {
  test('fires at its entry point for this import, once per instance; another file of the package does not', async () => {
    const app = makeApp({
      packages: ['esm-dual', 'esm-greeter', 'deep-pkg'],
      files: {
        '.wrapt-hooksrc.json': { patches: { 'esm-dual': './patches/log.js', 'esm-greeter': './patches/log.js', 'deep-pkg': './patches/log.js' } },
        'patches/log.js': `module.exports = (exports, info) => { console.log('patch', info.target, info.format, info.filename.split('/node_modules/')[1]); };`,
        'app.mjs': `
          import { createRequire } from 'node:module';
          import { pathToFileURL } from 'node:url';
          const require = createRequire(import.meta.url);
          const at = (file) => new URL('./node_modules/' + file, import.meta.url);
          await import(at('esm-dual/dist/esm/index.mjs').pathname);
          await import(at('esm-greeter/index.js').href);
          await import(at('deep-pkg/lib/file.js').pathname);
          require(at('esm-dual/dist/cjs/index.cjs').pathname);
          await import('esm-greeter');
          console.log('done');
        `,
      },
    });
    const result = await runWith(app, 'require', 'app.mjs');
    assertClean(result, 'by path');
    assert.deepEqual(lines(result.stdout), [
      'patch esm-dual module esm-dual/dist/esm/index.mjs',
      'patch esm-greeter module esm-greeter/index.js',
      'patch esm-dual commonjs esm-dual/dist/cjs/index.cjs',
      'done',
    ]);
  });
});

describe('modules that are not targets', () => {
  // Modules import-in-the-middle changes when it wraps them: esm-selfref (imports its own
  // namespace, iitm #82) sees a different namespace than its importers; esm-star (`export *`
  // of one binding through two files, iitm #60/#171, the date-fns 4 shape) loses an export
  // unless src/hooks/esm-wrapper.ts repairs the wrapper. As non-targets they must load
  // exactly as without the preload, with targets of every kind configured around them.
  const app = makeApp({
    packages: ['esm-star', 'esm-selfref', 'esm-greeter', 'esm-cjs-counter'],
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          fs: './patches/log.js',
          'esm-greeter': './patches/log.js',
          'esm-cjs-counter/lib/never.js': './patches/log.js',
          './src/db.mjs': './patches/log.js',
        },
      },
      'patches/log.js': `module.exports = (exports, info) => { console.log('patch', info.target); };`,
      'src/db.mjs': `export const db = 'db';`,
      'app.mjs': `
        import * as star from 'esm-star';
        import * as self from 'esm-selfref';
        import { shout } from 'esm-greeter';
        import { db } from './src/db.mjs';
        import 'node:fs';
        const dynamic = await import('esm-star');
        console.log(JSON.stringify({
          star: Object.keys(star), longFormatters: star.longFormatters, same: dynamic === star,
          self: self.exportNames(), isSelf: self.isSelf(self), label: self.label,
          wrapped: import.meta.resolve('esm-selfref').includes('iitm='),
        }));
      `,
      'wrapped.json': { patches: { 'esm-star': './patches/log.js', 'esm-selfref': './patches/log.js' } },
    },
  });

  test('load untouched, their exports identical to a run without the preload', async () => {
    const flavours = ['require', 'import'];
    const [bare, ...preloaded] = await pool([() => runWith(app, null, 'app.mjs'), ...flavours.map((preload) => () => runWith(app, preload, 'app.mjs'))]);
    assertClean(bare, 'no preload');
    const expected = JSON.parse(lines(bare.stdout).at(-1));
    assert.deepEqual(expected.star, ['format', 'longFormatters', 'parse']);
    assert.equal(expected.isSelf, true);
    preloaded.forEach((result, i) => {
      assertClean(result, flavours[i]);
      const out = lines(result.stdout);
      assert.deepEqual(JSON.parse(out.at(-1)), expected, flavours[i]);
      assert.deepEqual(out.slice(0, -1).sort(), ['patch ./src/db.mjs', 'patch esm-greeter', 'patch fs'], flavours[i]);
    });
  });

  test('(control) the same modules as targets are changed by import-in-the-middle, so the test above can fail', async () => {
    const result = await runWith(app, 'import', 'app.mjs', { env: { WRAPT_HOOKS_CONFIG: 'wrapped.json' } });
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(lines(result.stdout).at(-1));
    // A target resolves to import-in-the-middle's wrapper (and reaches itself through it);
    // the test above sees the module itself, or wrapping had reached a non-target.
    assert.equal(seen.wrapped, true, `expected esm-selfref to be wrapped: ${result.stdout}`);
  });
});

describe('node -e and node -p with the ESM hooks active', () => {
  const app = makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
      'patches/os.js': `module.exports = (os) => { console.log('patch os'); const platform = os.platform; os.platform = () => 'patched-' + platform(); };`,
    },
  });
  const cases = [
    ['-e', ['-e', "console.log(require('os').platform())"]],
    ['-p', ['-p', "require('node:os').platform()"]],
    ['-p getBuiltinModule', ['-p', "process.getBuiltinModule('os').platform()"]],
    ['-e import()', ['-e', "import('node:os').then((os) => console.log(os.platform()))"]],
    [
      '--input-type=module -e',
      [
        '--input-type=module',
        '-e',
        "import os from 'os'; import { platform } from 'node:os'; console.log(os.platform() === platform() ? platform() : 'differ')",
      ],
    ],
  ];

  test('keep working on every flag and patch the builtin', async () => {
    // Every form with --import; with --require, the two that load ES modules (-e and -p with
    // --require are also test/fail-open-and-strict.test.mjs's).
    const runs = cases.map(([label, args]) => [`--import ${label}`, ['--import', 'wrapt-hooks/register', ...args]]);
    for (const [label, args] of cases.filter(([label]) => /import\(\)|--input-type/.test(label)))
      runs.push([`--require ${label}`, ['--require', 'wrapt-hooks/register', ...args]]);
    assert.equal(runs.length, cases.length + 2);
    const results = await pool(
      runs.map(
        ([, args]) =>
          () =>
            run(app, args),
      ),
    );
    results.forEach((result, i) => {
      const [label] = runs[i];
      assertClean(result, label);
      assert.deepEqual(lines(result.stdout), ['patch os', `patched-${process.platform}`], label);
    });
  });
});

// The in-thread hooks are registered before the first ES module graph links, not at start-up
// (src/hooks/esm-first.ts): an import, or a require() of an ES module. The imports of an ES
// module that require() loads must reach their targets patched whichever way Node learns it is
// one: by its extension, or by parsing a file whose package.json gives no "type".
describe('ES modules loaded by require() from a CommonJS app', () => {
  const IMPORTS = `import { hostname } from 'node:os';\nimport counter from 'esm-cjs-counter';\n`;
  const SEEN = 'export const seen = [hostname(), counter.replaced];\n';
  const app = makeApp({
    packages: ['esm-cjs-counter'],
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js', 'esm-cjs-counter': './patches/counter.js' } },
      'patches/os.js': `
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        module.exports = (os) => wrapFunctionWrapper(os, 'hostname', () => 'patched-host');
      `,
      'patches/counter.js': 'module.exports = (exports) => ({ ...exports, replaced: true });',
      // The app's package.json gives no "type": Node parses these .js files to find out.
      'lib/typeless.js': `/* An ES module without a "type" */\n${IMPORTS}${SEEN}`,
      'lib/minified.js': 'const a=1;import{hostname}from"node:os";import counter from"esm-cjs-counter";export const seen=[hostname(),counter.replaced];',
      'lib/module.mjs': `${IMPORTS}${SEEN}`,
      'lib/plain.js': `exports.seen = [require('node:os').hostname(), require('esm-cjs-counter').replaced];`,
      'app.cjs': 'console.log(require(process.argv[2]).seen.join(" "));',
    },
  });

  // Node's off-thread loader (module.register) does not see the graph a require() links (docs/esm.md).
  const skip = supportsSyncHooks() ? false : 'the off-thread loader of this Node does not see the imports of an ES module that require() loads';

  test('their imports of a builtin and of a CommonJS package get the patched module; a CommonJS-only run registers no ES hooks', { skip }, async () => {
    const files = ['./lib/typeless.js', './lib/minified.js', './lib/module.mjs', './lib/plain.js'];
    const results = await pool(
      files.map((file) => () => run(app, ['--require', 'wrapt-hooks/register', 'app.cjs', file], { env: { WRAPT_HOOKS_DEBUG: '1' } })),
    );
    results.forEach((result, i) => {
      assert.equal(result.code, 0, `${files[i]}: ${result.stderr}`);
      assert.deepEqual(lines(result.stdout), ['patched-host true'], files[i]);
      const registered = /ES module hooks registered: require\(\) of \S+lib\/([^\s,]+),/.exec(result.stderr)?.[1];
      assert.equal(registered, files[i] === './lib/plain.js' ? undefined : files[i].slice('./lib/'.length), `${files[i]}: ${result.stderr}`);
    });
  });
});

// Once registered, the in-thread hooks are deregistered while an outermost require() runs, and
// registered again when it ends, or at once when the require() starts an ES module graph: by
// requiring an ES module (by extension, or a typeless file Node parses as one) or by import().
// Another registerHooks() caller after ours keeps its place before ours, and ours stay registered
// from then on (src/hooks/esm-first.ts). `--expose-internals` lets the app count Node's resolve
// hooks where it stands.
describe('the in-thread ES module hooks while a require() runs', () => {
  const OS = `import { hostname } from 'node:os';\nexport const seen = hostname();\n`;
  const app = makeApp({
    files: {
      '.wrapt-hooksrc.json': { patches: { os: './patches/os.js' } },
      'patches/os.js': `
        const { wrapFunctionWrapper } = require('wrapt-hooks');
        module.exports = (os) => {
          wrapFunctionWrapper(os, 'hostname', () => 'patched-host');
        };
      `,
      'count.cjs': "const { resolveHooks } = require('internal/modules/customization_hooks');\nmodule.exports = () => resolveHooks.length;\n",
      'inside.cjs': "module.exports = require('./count.cjs')();\n",
      'inside-again.cjs': "module.exports = require('./count.cjs')();\n",
      // The app's package.json gives no "type": Node parses this .js file to find out.
      'typeless.js': `/* An ES module without a "type" */\n${OS}`,
      'module.mjs': OS,
      'dynamic.mjs': OS,
      'dynamic.cjs': "module.exports = { imported: import('./dynamic.mjs') };\n",
      'later.mjs': OS,
      'theirs.cjs': `
        const seen = [];
        require('node:module').registerHooks({
          resolve(specifier, context, next) {
            const result = next(specifier, context);
            if (specifier === 'node:os') seen.push(result.url);
            return result;
          },
        });
        module.exports = seen;
      `,
      'app.mjs': `
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        const count = require('./count.cjs');
        console.log('outside', count());
        console.log('inside a require()', require('./inside.cjs'));
        console.log('require() of a typeless ES module', require('./typeless.js').seen);
        console.log('require() of an .mjs', require('./module.mjs').seen);
        console.log('import() inside a require()', (await require('./dynamic.cjs').imported).seen);
        console.log('outside, after them', count());
        const theirs = require('./theirs.cjs');
        console.log('theirs, then an import', (await import('./later.mjs')).seen, theirs.map((url) => (url.includes('iitm') ? 'ours first' : 'theirs alone')).join(' '));
        console.log('inside a require(), after theirs', require('./inside-again.cjs'));
      `,
    },
  });

  const skip = supportsSyncHooks() ? false : 'this Node runs the ES module hooks off-thread';

  test('step aside for it, come back for an ES module graph it starts, and keep the order of hooks registered after them', { skip }, async () => {
    const result = await run(app, ['--expose-internals', '--import', 'wrapt-hooks/register', 'app.mjs'], { env: { WRAPT_HOOKS_DEBUG: '1' } });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), [
      'outside 1',
      'inside a require() 0',
      'require() of a typeless ES module patched-host',
      'require() of an .mjs patched-host',
      'import() inside a require() patched-host',
      'outside, after them 1',
      'theirs, then an import patched-host ours first',
      'inside a require(), after theirs 2',
    ]);
    assert.match(result.stderr, /another module\.registerHooks\(\) call after ours: the ES module hooks stay registered during require\(\) from now on/);
  });
});

describe('patch modules written as ES modules', () => {
  const app = makeApp({
    packages: ['esm-cjs-counter', 'esm-greeter'],
    files: {
      '.wrapt-hooksrc.json': { patches: { 'esm-cjs-counter': './patches/counter.mjs#patchCounter' } },
      'patches/helper.mjs': `export const suffix = ' (patched by an ES module)';`,
      'patches/counter.mjs': `
        import { suffix } from './helper.mjs';
        export function patchCounter(exports) {
          exports.label += suffix;
        }
        export default function notThisOne() { throw new Error('the named export should be used'); }
      `,
      'app.cjs': `console.log(require('esm-cjs-counter').label);`,
      'app.mjs': `import { label } from 'esm-cjs-counter'; import counter from 'esm-cjs-counter'; console.log(label, '|', counter.label);`,
      'tla.json': { patches: { 'esm-greeter': './patches/tla.mjs' } },
      'patches/tla.mjs': `
        const value = await Promise.resolve('late');
        export default function patch(ns) { ns.shout = () => value; }
      `,
      'greeter.mjs': `import { shout } from 'esm-greeter'; console.log(shout('still works'));`,
      'greeter.cjs': `console.log(require('esm-greeter').shout('still works'));`,
    },
  });

  test('are loaded synchronously: the first require of the target already returns patched exports', async () => {
    const [cjs, esm] = await pool([() => runWith(app, 'require', 'app.cjs'), () => runWith(app, 'import', 'app.mjs')]);
    assertClean(cjs, 'app.cjs');
    assert.equal(cjs.stdout, 'counter (patched by an ES module)\n');
    assertClean(esm, 'app.mjs');
    assert.equal(esm.stdout, 'counter (patched by an ES module) | counter (patched by an ES module)\n');
  });

  test('with top-level await: a warning naming the file, and the app runs on unpatched', async () => {
    const env = { WRAPT_HOOKS_CONFIG: 'tla.json' };
    const results = await pool([() => runWith(app, 'import', 'greeter.mjs', { env }), () => runWith(app, 'require', 'greeter.cjs', { env })]);
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'STILL WORKS!\n');
      assert.deepEqual(
        result.warnings.map((w) => w.code),
        ['WRAPT_HOOKS_PATCH_LOAD'],
      );
      assert.ok(result.warnings[0].message.includes(path.join(app, 'patches', 'tla.mjs')), result.warnings[0].message);
      assert.match(result.warnings[0].message, /top-level await/);
    }
  });

  test('with top-level await in strict mode: a WraptHooksError at the target import', async () => {
    const env = { WRAPT_HOOKS_CONFIG: 'tla.json', WRAPT_HOOKS_STRICT: '1' };
    const results = await pool([() => runWith(app, 'import', 'greeter.mjs', { env }), () => runWith(app, 'require', 'greeter.cjs', { env })]);
    for (const result of results) {
      assert.notEqual(result.code, 0, result.stdout);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /WraptHooksError: patch module .*tla\.mjs .*top-level await/);
      assert.match(result.stderr, /code: 'WRAPT_HOOKS_PATCH_LOAD'/);
    }
  });
});

describe("the application's own ES module as a target", () => {
  test('"./src/db.mjs" resolves against the config file, whatever the working directory', async () => {
    const app = makeApp({
      files: {
        '.wrapt-hooksrc.json': { patches: { './src/db.mjs': './patches/db.mjs#traceQueries' } },
        'patches/db.mjs': `
          import { wrapFunctionWrapper } from 'wrapt-hooks';
          export function traceQueries(ns, info) {
            console.log('patch', info.target, info.format, info.filename.endsWith('/src/db.mjs'));
            wrapFunctionWrapper(ns, 'query', (wrapped, instance, args) => \`traced \${wrapped(...args)}\`);
          }
        `,
        'src/db.mjs': `export function query(sql) { return \`rows for \${sql}\`; }`,
        'src/repo.mjs': `import { query } from './db.mjs'; export const all = () => query('select *');`,
        'app.mjs': `
          import { all } from './src/repo.mjs';
          const db = await import('./src/db.mjs');
          console.log(all(), '|', db.query('select 1'));
        `,
      },
    });
    const results = await pool([() => runWith(app, 'NODE_OPTIONS', 'app.mjs'), () => runWith(path.join(app, 'src'), 'import', '../app.mjs')]);
    results.forEach((result, i) => {
      assertClean(result, String(i));
      assert.deepEqual(lines(result.stdout), ['patch ./src/db.mjs module true', 'traced rows for select * | traced rows for select 1']);
    });
  });
});
