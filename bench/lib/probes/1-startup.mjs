// Where the start-up time goes: the preload in parts, and the floors and references around it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const title = 'Where the start-up time goes: component probes';
export const about =
  'Each row is a preload that does one part of what the shipped preload does (or a reference it is judged against), run alternately with the bare app (`node app.js` or `node app.mjs`) unless a baseline is named. Δ ms is the median added wall time per pair.';

export default function startup(ctx) {
  const { root, targets, syncHooks } = ctx;
  const from = JSON.stringify(path.join(root, 'package.json'));
  const head = `'use strict';\nconst req = require('node:module').createRequire(${from});\n`;
  const list = JSON.stringify(targets);
  const emptyConfig = ctx.file('empty-config.json', '{}\n');
  const byPath = path.join(root, 'register.js');
  const plain = { patches: Object.fromEntries(targets.map((t) => [t, `./patches/${ctx.loaded.includes(t) ? t : 'unused'}.js#patch`])) };
  const plainConfig = path.join(ctx.apps.startup, 'no-ranges.wrapt-hooksrc.json');
  writeFileSync(plainConfig, JSON.stringify(plain, null, 2));

  const rows = [
    ctx.pair({
      id: 'preload (as shipped)',
      what: '`-r wrapt-hooks/register`: the goal row again, with the probes’ pairs',
      args: ['-r', 'wrapt-hooks/register'],
    }),
    ctx.pair({
      id: 'preload, config with nothing to patch',
      what: '`-r wrapt-hooks/register` with `WRAPT_HOOKS_CONFIG` naming `{}`: the fixed cost of the preload without hooks',
      args: ['-r', 'wrapt-hooks/register'],
      env: { WRAPT_HOOKS_CONFIG: emptyConfig },
    }),
    ctx.pair({
      id: 'preload, config without ranges',
      what: '`-r wrapt-hooks/register` with the config minus its `versions` ranges',
      args: ['-r', 'wrapt-hooks/register'],
      env: { WRAPT_HOOKS_CONFIG: plainConfig },
    }),
    ctx.pair({
      id: 'preload by path',
      what: "`-r <repository>/register.js`: the same preload without resolving `wrapt-hooks/register` through the package's `exports` map",
      args: ['-r', byPath],
    }),
    ctx.pair({
      id: 'exports map resolution',
      what: "`-r wrapt-hooks/register` against `-r <repository>/register.js`: Node's `exports` resolution of the specifier, before any preload code runs",
      args: ['-r', 'wrapt-hooks/register'],
      versus: ['-r', byPath],
      pairs: 21,
    }),
    ctx.pair({
      id: 'cosmiconfig search (reference)',
      what: "`require('cosmiconfig')` + `cosmiconfigSync('wrapt-hooks').search()`",
      args: [
        '-r',
        ctx.file(
          'cosmiconfig.cjs',
          `${head}const { cosmiconfigSync } = req('cosmiconfig');\nif (!cosmiconfigSync('wrapt-hooks').search()) throw new Error('cosmiconfig probe found nothing');\n`,
        ),
      ],
    }),
    ctx.pair({
      id: 'empty module.register loader',
      what: '`--import ./empty-register.mjs`: an off-thread loader whose hooks module exports nothing (what Node 20 pays for any ESM hook)',
      args: ['--import', './empty-register.mjs'],
      esm: true,
    }),
  ];
  if (syncHooks) {
    rows.push(
      ctx.pair({
        id: 'empty module.registerHooks',
        what: 'a pass-through `module.registerHooks({ resolve, load })`: the floor of any in-thread ESM hook',
        args: [
          '-r',
          ctx.file('empty-register-hooks.cjs', "require('node:module').registerHooks({ resolve: (s, c, n) => n(s, c), load: (u, c, n) => n(u, c) });\n"),
        ],
      }),
      ctx.pair({
        id: 'iitm sync hooks at start-up (reference)',
        what: "import-in-the-middle's `register-hooks.mjs` loaded and `register({ include: 20 targets })` at start-up: what loading it at the first import of a target avoids",
        args: ['-r', ctx.file('iitm-register-hooks.cjs', `${head}req('import-in-the-middle/register-hooks.mjs').register({ include: ${list} });\n`)],
      }),
    );
  } else {
    rows.push(
      ctx.pair({
        id: 'iitm async loader (reference)',
        what: "`module.register('import-in-the-middle/hook.mjs', { data: { include: 20 targets } })`",
        args: [
          '--import',
          ctx.file(
            'iitm-async.mjs',
            `import { createRequire, register } from 'node:module';\nconst req = createRequire(${from});\nregister(req.resolve('import-in-the-middle/hook.mjs'), import.meta.url, { data: { include: ${list} } });\n`,
          ),
        ],
        esm: true,
      }),
    );
  }
  return rows;
}
