// The esbuild plugin (`wrapt-hooks/esbuild`): what it adds to a build of the require-heavy app,
// and what the bundle it makes costs at start-up with the preload (bench/lib/bundler.mjs).
import { measureBuild } from '../bundler.mjs';

export const title = 'Bundled applications: the esbuild plugin';
export const about =
  'The require-heavy app (1,000 generated modules, the fake `pg` and `redis` targets, the 20-target config) bundled by esbuild in the benchmark process, alternately with and without `wrapt-hooks/esbuild` (11 pairs after 2 warm-up pairs; the same on every Node line: esbuild runs in the benchmark process). Then the bundle built with the plugin, run with `-r wrapt-hooks/register` from a directory holding only it and wrapt-hooks (both patches applied, no config file), against the same bundle run bare.';

let build;

export default async function rows(ctx) {
  build ??= await measureBuild({
    work: ctx.work,
    root: ctx.root,
    benchModules: ctx.benchModules,
    apps: ctx.apps,
    pairs: ctx.quick ? 4 : 11,
    warmup: ctx.quick ? 1 : 2,
  });
  const { row } = build;
  ctx.apps.bundledWithPlugin = build.withDir;
  return [
    {
      id: 'build time added by the plugin',
      what: `\`esbuild.build\` of app.js (${row.modules} modules): ${row.aMs.toFixed(1)} ms with the plugin, ${row.bMs.toFixed(1)} ms without; ratio ${row.ratio.toFixed(2)}`,
      value: row.deltaMs,
      unit: 'ms (median per-pair difference)',
      range: row.ratioIqr,
    },
    ctx.pair({
      id: 'bundle with baked patches, preload',
      what: 'the bundle built with the plugin: `-r wrapt-hooks/register` against bare (where it warns that the preload is missing)',
      app: 'bundledWithPlugin',
      args: ['-r', 'wrapt-hooks/register'],
    }),
  ];
}
