// Build: TypeScript to dist/ (the library, the CLI, the loader), then the preload bundled into
// one file, dist/preload.js, so that `--require wrapt-hooks/register` reads one file instead of
// fifteen. The bundle keeps import-in-the-middle (its generated wrappers import its lib/register.js
// by URL: there must be one copy), require-in-the-middle, semver and cosmiconfig as packages;
// they load lazily, when needed.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

const esbuild = require('esbuild');
esbuild.buildSync({
  entryPoints: [path.join(root, 'dist', 'bootstrap.js')],
  outfile: path.join(root, 'dist', 'preload.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['import-in-the-middle', 'import-in-the-middle/*', 'require-in-the-middle', 'semver', 'semver/*', 'cosmiconfig', 'cosmiconfig/*', 'typescript'],
  define: { WRAPT_HOOKS_BUNDLED: 'true' },
  legalComments: 'none',
  logLevel: 'warning',
});
