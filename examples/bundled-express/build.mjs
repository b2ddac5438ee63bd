// Bundles server.js, express and the patch into dist/server.js (or `node build.mjs <dir>`).
// The config (.wrapt-hooksrc.json, found from this directory) is baked into the bundle.
import * as esbuild from 'esbuild';
import { wraptHooks } from 'wrapt-hooks/esbuild';

const outdir = process.argv[2] ?? 'dist';
await esbuild.build({
  entryPoints: ['server.js'],
  outfile: `${outdir}/server.js`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  plugins: [wraptHooks()],
});
