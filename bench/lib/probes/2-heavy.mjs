// The require-heavy app (1,000 modules): what each hook costs per module load.
import { createRequire } from 'node:module';
import path from 'node:path';

export const title = 'The require-heavy app: cost per module load';
export const about =
  'Rows in the require-heavy app (1,000 generated CommonJS modules, `pg` and `redis` patched), 7 pairs after 1 warm-up pair: differences under about 5 % are noise here.';

export default function heavy(ctx) {
  const rows = [];
  const opts = { app: 'cjsHeavy', pairs: 7, warmup: 1 };
  if (ctx.syncHooks) {
    const resolveOnly = ctx.file('resolve-only-hooks.cjs', "require('node:module').registerHooks({ resolve: (s, c, n) => n(s, c) });\n");
    rows.push(
      ctx.pair({
        ...opts,
        id: 'heavy: resolve-only registerHooks',
        what: 'a pass-through in-thread resolve hook (Node runs it for every `require()` too; the ESM side needs one)',
        args: ['-r', resolveOnly],
      }),
      ctx.pair({
        ...opts,
        id: 'heavy: preload vs resolve-only hook',
        what: 'the shipped preload against that resolve hook alone: what the preload adds beyond it',
        args: ['-r', 'wrapt-hooks/register'],
        versus: ['-r', resolveOnly],
      }),
    );
  }
  // require-in-the-middle as the reference CommonJS hook (bench/package.json has it).
  let ritm;
  try {
    ritm = createRequire(path.join(ctx.benchModules, 'noop.js')).resolve('require-in-the-middle');
  } catch {
    ritm = undefined; // not installed (WRAPT_BENCH_SKIP_INSTALL): the row is left out
  }
  if (ritm) {
    rows.push(
      ctx.pair({
        ...opts,
        id: 'heavy: ritm Hook (reference)',
        what: `one require-in-the-middle \`Hook\` on the ${ctx.targets.length} target names, nothing else (it resolves every \`require()\` again)`,
        args: [
          '-r',
          ctx.file(
            'ritm-hook.cjs',
            `const { Hook } = require(${JSON.stringify(ritm)});\nnew Hook(${JSON.stringify(ctx.targets)}, { internals: false }, (e) => e);\n`,
          ),
        ],
      }),
    );
  }
  return rows;
}
