// The esbuild plugin (`wrapt-hooks/esbuild`): what it adds to a build, and what a bundle built
// with it costs at start-up. The require-heavy app (1,000 generated modules in 40 packages, the
// fake `pg` and `redis` targets, the 20-target config) is bundled in this process by the
// benchmark's esbuild, alternately with and without the plugin; then the bundle built with the
// plugin and run with the preload is paired with the bundle built without it and run bare.
//
// Used by the probe lib/probes/4-bundler.mjs, and runnable on its own: `node bench/lib/bundler.mjs`
// prints the rows as JSON (after `npm run build`; the apps are generated under bench/.work/apps/).
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { comparePair, median, quartiles, runOnce } from './measure.mjs';

/** Builds `app.js` of `appDir` into `outfile`, with the plugin or without; resolves to the build's wall time (ms) and module count. */
async function buildOnce(esbuild, plugin, appDir, outfile) {
  const start = process.hrtime.bigint();
  const result = await esbuild.build({
    absWorkingDir: appDir,
    entryPoints: ['app.js'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    metafile: true,
    logLevel: 'silent',
    plugins: plugin === undefined ? [] : [plugin],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.errors.length > 0 || result.warnings.length > 0)
    throw new Error(`bundler bench: the build reported ${JSON.stringify([...result.errors, ...result.warnings])}`);
  return { ms, modules: Object.keys(result.metafile.inputs).length };
}

/**
 * Build time with the plugin against without, in alternating pairs (esbuild's service is warm
 * after the warm-up pairs). Returns the row and the two bundles' directories for the run rows.
 */
export async function measureBuild({ work, root, benchModules, apps, pairs, warmup }) {
  const esbuild = createRequire(path.join(benchModules, 'noop.js'))('esbuild');
  const { wraptHooks } = createRequire(path.join(root, 'package.json'))('./dist/esbuild.js');
  const dir = path.join(work, 'bundler');
  rmSync(dir, { recursive: true, force: true });
  const withDir = path.join(dir, 'with-plugin');
  const withoutDir = path.join(dir, 'without-plugin');
  for (const d of [withDir, withoutDir]) {
    mkdirSync(path.join(d, 'node_modules'), { recursive: true });
    symlinkSync(root, path.join(d, 'node_modules', 'wrapt-hooks'), 'dir');
  }
  const run = (plugin) => buildOnce(esbuild, plugin, apps.cjsHeavy, path.join(plugin === undefined ? withoutDir : withDir, 'app.js'));
  for (let i = 0; i < warmup; i++) {
    await run(wraptHooks());
    await run(undefined);
  }
  const deltas = [];
  const ratios = [];
  const a = [];
  const b = [];
  let modules = 0;
  for (let i = 0; i < pairs; i++) {
    // The plugin is created per build, as a build script does.
    const order = i % 2 === 0 ? [wraptHooks(), undefined] : [undefined, wraptHooks()];
    const results = [];
    for (const plugin of order) results.push({ plugin, ...(await run(plugin)) });
    const withPlugin = results.find((r) => r.plugin !== undefined);
    const without = results.find((r) => r.plugin === undefined);
    modules = without.modules;
    a.push(withPlugin.ms);
    b.push(without.ms);
    deltas.push(withPlugin.ms - without.ms);
    ratios.push(withPlugin.ms / without.ms);
  }
  return {
    row: { modules, pairs, aMs: median(a), bMs: median(b), deltaMs: median(deltas), ratio: median(ratios), ratioIqr: quartiles(ratios) },
    withDir,
    withoutDir,
  };
}

/** Start-up of the bundle built with the plugin (run with the preload) against the one built without (run bare), on `node`. */
export function measureRun({ node, cmd, withDir, withoutDir, pairs, warmup }) {
  const check = runOnce(cmd(node, withDir, ['-r', 'wrapt-hooks/register', 'app.js'], { WRAPT_HOOKS_DEBUG: '1' }));
  const summary = /summary(?: for pid \d+ \([^\n]*?\))?: (\d+) applied, (\d+) failed/.exec(check.stderr);
  if (!summary || summary[1] !== '2' || summary[2] !== '0')
    throw new Error(`${node.label}: the bundle built with the plugin did not apply its 2 patches:\n${check.stderr.slice(0, 2000)}`);
  const a = cmd(node, withDir, ['-r', 'wrapt-hooks/register', 'app.js']);
  const b = cmd(node, withoutDir, ['app.js']);
  return { a, b, ...comparePair(a, b, { pairs, warmup }) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bench = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const root = path.resolve(bench, '..');
  const work = path.join(bench, '.work');
  const { makeApps } = await import('./fixtures.mjs');
  const benchModules = path.join(bench, 'node_modules');
  const apps = makeApps({ work: path.join(work, 'apps'), root, benchModules });
  const pairs = Number(process.env.WRAPT_BENCH_PAIRS || 11);
  const { row, withDir, withoutDir } = await measureBuild({ work, root, benchModules, apps, pairs, warmup: 2 });
  const node = { bin: process.execPath, label: `Node ${process.versions.node}` };
  const cmd = (n, cwd, args, env = {}) => ({ node: n.bin, cwd, args, env: { PATH: process.env.PATH, ...env } });
  const run = measureRun({ node, cmd, withDir, withoutDir, pairs, warmup: 2 });
  process.stdout.write(`${JSON.stringify({ build: row, run: { ratio: run.ratio, ratioIqr: run.ratioIqr, aMs: run.aMs, bMs: run.bMs } }, null, 2)}\n`);
}
