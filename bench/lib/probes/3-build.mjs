// Does the shape of dist/preload.js cost start-up? Variants of the preload bundle, built from src/
// with scripts/build.mjs's esbuild options plus one change each, into copies of the package under
// bench/.work/variants/, each measured against the shipped build (both preloads given by path).
import { cpSync, existsSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const title = 'Does the bundle’s form cost start-up? (variants of dist/preload.js)';
export const about =
  "Each variant is dist/preload.js rebuilt from src/ with scripts/build.mjs's options and one change, in a copy of the package (bench/.work/variants/), measured against the shipped build: `node -r <variant>/register.js app.js` against `node -r <repository>/register.js app.js`, 15 pairs. A ratio under 1 is what the change would save. Sizes are of dist/preload.js.";

// scripts/build.mjs's options for the preload bundle (keep in step with it).
const SHIPPED = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['import-in-the-middle', 'import-in-the-middle/*', 'semver', 'semver/*', 'cosmiconfig', 'cosmiconfig/*', 'typescript'],
};

export const VARIANTS = {
  'shipped options (control)': {},
  minifySyntax: { minifySyntax: true },
  'minified (whitespace + syntax, as before the reshape)': { minifySyntax: true, minifyWhitespace: true, sourcemap: false },
};

let built;
async function buildVariants(root, work) {
  if (built) return built;
  const esbuild = createRequire(path.join(root, 'package.json'))('esbuild');
  built = {};
  for (const [name, change] of Object.entries(VARIANTS)) {
    const dir = path.join(work, 'variants', name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, ''));
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const file of ['package.json', 'register.js', 'register.mjs']) cpSync(path.join(root, file), path.join(dir, file));
    cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
    rmSync(path.join(dir, 'dist', 'preload.js.map'), { force: true });
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    await esbuild.build({ ...SHIPPED, ...change, entryPoints: [path.join(root, 'src', 'preload.ts')], outfile: path.join(dir, 'dist', 'preload.js') });
    built[name] = { dir, bytes: statSync(path.join(dir, 'dist', 'preload.js')).size };
  }
  return built;
}

export default async function build(ctx) {
  const variants = await buildVariants(ctx.root, ctx.work);
  const shipped = statSync(path.join(ctx.root, 'dist', 'preload.js')).size;
  return Object.entries(variants).map(([name, v]) => ({
    ...ctx.pair({
      id: `bundle: ${name}`,
      what: `${(v.bytes / 1024).toFixed(0)} KiB (shipped: ${(shipped / 1024).toFixed(0)} KiB)`,
      args: ['-r', path.join(v.dir, 'register.js')],
      versus: ['-r', path.join(ctx.root, 'register.js')],
      pairs: 15,
    }),
    bytes: v.bytes,
  }));
}
