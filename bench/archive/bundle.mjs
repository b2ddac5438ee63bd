// Prototype, for the benchmark only: wrapt-hooks with its preload (dist/bootstrap.js and every
// module it requires) bundled by esbuild into one file, as a build step could ship it (and
// scripts/build.mjs now does, with the library in the same bundle). Written to
// bench/.work/pkg-bundled*/ as a copy of the package; the repository itself is not changed.
//
// Kept external (not bundled; the copy of dist/ still has them):
//   import-in-the-middle (index, register-hooks.mjs, hook.mjs) — its lib/register.js is shared
//     state that the wrapper modules it generates import by file URL: a second, bundled copy
//     would never see their registrations;
//   cosmiconfig/dist/loaders.js — only loaded for YAML / TypeScript config files;
//   semver — only loaded for unusual `versions` ranges and when a versioned target is imported;
//   dist/trace.js, dist/patches.js — only loaded when traces are configured or a patch wraps.
// import-in-the-middle/supports-sync-hooks.mjs (import-free, stateless) is bundled: it saves a
// require(esm) on Node 22/24.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const NOOP_DEBUG = `'use strict';
// No-op stand-in for the "debug" package inside the bundle (require-in-the-middle's only use).
function noop() {}
noop.enabled = false;
module.exports = function createDebug() { return noop; };
module.exports.enabled = () => false;
`;

/**
 * A copy of the package whose preload entries load dist/bootstrap.js (the tsc output, whatever
 * the shipped register.js loads), with node_modules linked to the repository's.
 */
function copyPackage(root, dir) {
  cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  writeFileSync(path.join(dir, 'register.js'), "'use strict';\nrequire('./dist/bootstrap.js').bootstrap('require');\n");
  writeFileSync(
    path.join(dir, 'register.mjs'),
    "import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./dist/bootstrap.js').bootstrap('import');\n",
  );
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

/** The unbundled preload (tsc output, one file per module), for comparison with the shipped one. */
export function buildUnbundledPackage({ root, work }) {
  const dir = path.join(work, 'pkg-unbundled');
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyPackage(root, dir);
  return dir;
}

/** A file named `base` somewhere below `top`, not directly in it. */
function findFile(top, base, root = top) {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(top, base, full);
      if (found !== undefined) return found;
    } else if (entry.name === base && root !== top) {
      return full;
    }
  }
  return undefined;
}

/** Builds the bundled copy of the package; returns its directory. */
export async function buildBundledPackage({ root, work, benchModules, minify = false }) {
  const require = createRequire(path.join(benchModules, 'noop.js'));
  const esbuild = require('esbuild');
  const dir = path.join(work, minify ? 'pkg-bundled-min' : 'pkg-bundled');
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyPackage(root, dir);
  const noop = path.join(work, 'noop-debug.cjs');
  writeFileSync(noop, NOOP_DEBUG);
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'dist', 'bootstrap.js')],
    outfile: path.join(dir, 'dist', 'bootstrap.js'),
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    alias: { debug: noop },
    // src/hooks/*.ts find their sibling files through __dirname differently when bundled.
    define: { WRAPT_HOOKS_BUNDLED: 'true' },
    external: ['cosmiconfig', 'cosmiconfig/*', 'semver', 'semver/*'],
    plugins: [
      {
        name: 'start-up-only',
        setup(build) {
          // Everything of import-in-the-middle stays external except the import-free version check.
          build.onResolve({ filter: /^import-in-the-middle(\/|$)/ }, (args) =>
            args.path.endsWith('/supports-sync-hooks.mjs') ? undefined : { path: args.path, external: true },
          );
          // What start-up never runs stays a file of its own, required when needed: tracing and
          // the wrapper helpers it uses (semver and cosmiconfig above likewise).
          build.onResolve({ filter: /^\.\/(trace|patches)$/ }, (args) => {
            const target = path.join(path.dirname(args.importer), args.path);
            return { path: `./${path.relative(path.join(root, 'dist'), target)}`, external: true };
          });
        },
      },
    ],
  });
  // A relative `require.resolve('./x')` kept in the bundle (a file handed to module.register, which
  // must stay a file of its own) now resolves from dist/: point it at the original, still in the copy.
  const out = readFileSync(path.join(dir, 'dist', 'bootstrap.js'), 'utf8');
  for (const [, rel] of out.matchAll(/require\.resolve\("(\.\/[^"]+)"\)/g)) {
    const name = rel.replace(/^\.\//, '').replace(/\.js$/, '');
    const original = findFile(path.join(dir, 'dist'), `${path.basename(name)}.js`);
    const shim = path.join(dir, 'dist', `${name}.js`);
    if (original === undefined || original === shim || existsSync(shim)) continue;
    writeFileSync(
      shim,
      `'use strict';\n// bench shim: the bundle resolves ${rel} from dist/\nmodule.exports = require(${JSON.stringify(`./${path.relative(path.join(dir, 'dist'), original)}`)});\n`,
    );
  }
  const inputs = Object.keys(result.metafile.inputs);
  const bytes = Object.values(result.metafile.outputs)[0].bytes;
  return { dir, inputs, bytes };
}

/** Bundles bench/lib/floor-preload.cjs (with require-in-the-middle, `debug` a no-op) into work/floor/. */
export async function buildFloor({ work, benchModules, root }) {
  const require = createRequire(path.join(benchModules, 'noop.js'));
  const esbuild = require('esbuild');
  const dir = path.join(work, 'floor');
  mkdirSync(dir, { recursive: true });
  const noop = path.join(work, 'noop-debug.cjs');
  writeFileSync(noop, NOOP_DEBUG);
  const here = path.dirname(new URL(import.meta.url).pathname);
  await esbuild.build({
    entryPoints: [path.join(here, 'floor-preload.cjs')],
    outfile: path.join(dir, 'floor.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    alias: { debug: noop },
    nodePaths: [path.join(root, 'node_modules')],
  });
  cpSync(path.join(here, 'floor-loader.mjs'), path.join(dir, 'floor-loader.mjs'));
  return path.join(dir, 'floor.cjs');
}
