// The applications `doctor` is tried on, shared by its in-process tests (test/unit/cli-doctor.test.mjs)
// and the command's spawned tests (test/cli.test.mjs): a healthy setup and a broken one.
import { chmodSync, cpSync, realpathSync } from 'node:fs';
import { FIXTURES, makeApp, path } from './helpers.mjs';

/**
 * A new user's application with mistakes to find (test/unit/bootstrap-mistakes.test.mjs, and
 * doctor's static checks in test/unit/cli-doctor.test.mjs): the application file and the patch
 * module write a file when they run, so a check that runs them is seen.
 */
export const MISTAKES_APP = {
  'package.json': { name: 'app', version: '1.0.0' },
  'node_modules/express/package.json': { name: 'express', version: '4.18.0', main: 'index.js' },
  'node_modules/express/index.js': 'exports.Router = function Router() {};\n',
  'src/work.js': "require('fs').writeFileSync(__dirname + '/../APP-RAN', 'x');\nexports.query = function query() {};\n",
  'patches/p.js': "require('fs').writeFileSync(__dirname + '/../PATCH-RAN', 'x');\nmodule.exports = function patch() {};\n",
};

export const LAZY_TARGET = {
  'package.json': { name: 'lazy-target', version: '1.2.3', main: 'index.js' },
  'index.js': "'use strict';\nexports.hello = (name) => `hello ${name}`;\n",
};

export function healthyApp() {
  const dir = makeApp({
    packages: { 'lazy-target': LAZY_TARGET },
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          fs: './patches/fs.js#patchFs',
          'lazy-target': [
            { patch: './patches/target.js', versions: '^1.2.0' },
            { patch: './patches/target.js#forTwo', versions: '>=2' },
          ],
          './src/db.js': './patches/db.mjs',
        },
        packages: ['wrapt-patches-lazy'],
        trace: ['lazy-target#hello', { fn: 'fs#mkdtempSync', stack: true }],
      },
      'patches/fs.js': "console.log('fs patch module: loaded');\nexports.patchFs = () => console.log('PATCH CALLED');\n",
      'patches/target.js': "module.exports = () => console.log('PATCH CALLED');\nmodule.exports.forTwo = () => console.log('PATCH CALLED');\n",
      'patches/db.mjs': "export default function patchDb() { console.log('PATCH CALLED'); }\n",
      'src/db.js': 'exports.query = () => [];\n',
    },
  });
  cpSync(path.join(FIXTURES, 'node_modules', 'wrapt-patches-lazy'), path.join(dir, 'node_modules', 'wrapt-patches-lazy'), { recursive: true });
  return realpathSync(dir);
}

/** A broken setup: one of each problem doctor finds. */
export function brokenApp() {
  const dir = makeApp({
    packages: { 'lazy-target': LAZY_TARGET },
    files: {
      '.wrapt-hooksrc.json': {
        patches: {
          'lazy-target': ['./patches/missing.js', './patches/target.js#nope', './patches/untrusted.js'],
          './src/missing.js': './patches/target.js',
        },
        packages: ['wrapt-patches-missing', 'wrapt-patches-nofield', 'wrapt-patches-malformed'],
        trace: ['lazy-target#goodbye'],
        bogus: true,
      },
      'patches/target.js': 'module.exports = () => {};\n',
      'patches/untrusted.js': 'module.exports = () => {};\n',
    },
  });
  chmodSync(path.join(dir, 'patches', 'untrusted.js'), 0o666);
  for (const name of ['wrapt-patches-nofield', 'wrapt-patches-malformed'])
    cpSync(path.join(FIXTURES, 'node_modules', name), path.join(dir, 'node_modules', name), { recursive: true });
  return realpathSync(dir);
}

export const BROKEN_CODES = [
  'WRAPT_HOOKS_CONFIG_UNKNOWN_KEY',
  // A missing application file is found by the config's validation, right after its keys.
  'WRAPT_HOOKS_TARGET_NOT_FOUND',
  'WRAPT_HOOKS_PACKAGE_NOT_FOUND',
  'WRAPT_HOOKS_PACKAGE_INVALID',
  'WRAPT_HOOKS_CONFIG_INVALID',
  'WRAPT_HOOKS_PATCH_NOT_FOUND',
  'WRAPT_HOOKS_PATCH_EXPORT',
  'WRAPT_HOOKS_UNTRUSTED_FILE',
  'WRAPT_HOOKS_TRACE_PATH',
];
