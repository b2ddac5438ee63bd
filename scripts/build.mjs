// Build: TypeScript to dist/ (the library, the CLI, the loader), then the preload bundled into
// one file, dist/preload.js, so that `--require wrapt-hooks/register` reads one file instead of
// twenty. It keeps import-in-the-middle (its generated wrappers import its lib/register.js by
// URL: there must be one copy), semver and cosmiconfig as packages; they load lazily, when needed.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

const esbuild = require('esbuild');
await esbuild.build({
  entryPoints: [path.join(root, 'dist', 'bootstrap.js')],
  outfile: path.join(root, 'dist', 'preload.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['import-in-the-middle', 'import-in-the-middle/*', 'semver', 'semver/*', 'cosmiconfig', 'cosmiconfig/*', 'typescript'],
  define: { WRAPT_HOOKS_BUNDLED: 'true' },
  // Only what every start needs: tracing and patch-package discovery load from dist/ when a
  // config uses them. Whitespace and syntax are minified; names stay, for readable stacks.
  plugins: [
    {
      name: 'on-demand',
      setup(build) {
        build.onResolve({ filter: /^\.\/(trace|discovery)$/ }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// The off-thread loader (Node 20 and older 22/24 lines: module.register) runs in a thread of its
// own, which loads it and its imports before the first module of the application: one ES module
// file, import-in-the-middle left outside (its hook code loads at the first target import).
await esbuild.build({
  entryPoints: [path.join(root, 'src', 'hooks', 'loader.ts')],
  outfile: path.join(root, 'dist', 'hooks', 'loader.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['import-in-the-middle', 'import-in-the-middle/*'],
  // The TypeScript sources call require() (lazily, for import-in-the-middle and resolution).
  banner: { js: "import { createRequire as __wraptHooksCreateRequire } from 'node:module';\nconst require = __wraptHooksCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
