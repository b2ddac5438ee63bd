// Real npm packages (test/compat's dependencies) under the preload: the same matrix as
// real-packages.mjs (which writes REAL-PACKAGES.md). For each package and each way
// the app loads it, with --require and --import: the export keys and their types are those of
// a run without the preload, and the counting patch fired exactly once.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS, FLAGS, checkPackage, formatsOf, makeApp, makeWorkspace, run } from './real-packages.mjs';
import { makeApp as makeHelperApp, runNode } from '../helpers.mjs';
import { MAJORS } from './nodes.mjs';

const workspace = makeWorkspace();
after(() => {
  if (!process.env.WRAPT_TEST_KEEP) rmSync(workspace, { recursive: true, force: true });
});

// On each Node that CI names (WRAPT_HOOKS_NODE_20/22/24/26); one not named is skipped, saying so.
// Run by hand without any of them, the matrix runs on this Node.
const NODES = MAJORS.map((major) => ({ major, bin: process.env[`WRAPT_HOOKS_NODE_${major}`] }));
const named = NODES.some((node) => node.bin);
const THIS_MAJOR = process.versions.node.split('.')[0];

for (const { major, bin } of NODES) {
  const node = bin || (!named && major === THIS_MAJOR ? process.execPath : undefined);
  const skip = node === undefined ? `WRAPT_HOOKS_NODE_${major} is not set` : false;
  describe(`real packages on Node ${major}: exports identical and the patch fires once`, { concurrency: 3, skip }, () => {
    for (const entry of CORPUS) {
      for (const format of formatsOf(entry)) {
        it(`${entry.specifier ?? entry.name} (${format === 'import' ? 'ESM import' : 'require'}; ${FLAGS.join(', ')})`, async () => {
          const rows = await checkPackage(workspace, entry, format, { node });
          assert.equal(rows.length, FLAGS.length);
          for (const row of rows) {
            const label = `${row.name}@${row.version} ${row.format} ${row.flag} node ${row.node}`;
            assert.equal(row.node.split('.')[0], major, `${label}: ran on the wrong Node`);
            assert.equal(row.problem, undefined, `${label}: ${row.problem}`);
            assert.deepEqual(row.diff, [], `${label}: exports differ from a run without the preload`);
            assert.equal(row.fired.length, 1, `${label}: the patch fired ${row.fired.length} times: ${JSON.stringify(row.fired)}`);
            // The patch saw the module the app loaded: ESM for an ES module import of an ESM build.
            const expectedFormat = format === 'require' ? 'commonjs' : undefined;
            if (expectedFormat !== undefined) assert.equal(row.fired[0].format, expectedFormat, label);
          }
        });
      }
    }
  });
}

// import-in-the-middle used to drop `longFormatters` from its wrapper of date-fns (two `export *`
// reaching one binding): a named import of it failed to link and the app did not start.
describe('date-fns as an ESM target (import-in-the-middle wrapper completeness)', { concurrency: 2 }, () => {
  const dateFns = CORPUS.find((entry) => entry.name === 'date-fns');
  const dir = makeApp(workspace, dateFns);
  writeFileSync(
    path.join(dir, 'named.mjs'),
    `import { longFormatters, format, addDays } from 'date-fns';
console.log(typeof longFormatters, Object.keys(longFormatters).join(','), format(addDays(new Date(0), 1), 'yyyy-MM-dd'), JSON.stringify(globalThis.__wraptHooksFired ?? []));
`,
  );
  // A patch that rebinds an export: the live binding changes for named importers.
  writeFileSync(
    path.join(dir, 'rebind.cjs'),
    `module.exports = (ns) => { const original = ns.format; ns.format = function format(...args) { return 'patched:' + original.apply(this, args); }; };\n`,
  );
  writeFileSync(path.join(dir, 'rebind.json'), JSON.stringify({ patches: { 'date-fns': './rebind.cjs' } }));

  for (const flag of FLAGS) {
    it(`import { longFormatters } from 'date-fns' links and works (${flag})`, async () => {
      const base = await run(dir, ['named.mjs']);
      assert.equal(base.code, 0, base.stderr);
      const result = await run(dir, [flag, 'wrapt-hooks/register', 'named.mjs']);
      assert.equal(result.code, 0, result.stderr);
      const [kind, keys, formatted, fired] = result.stdout.trim().split(' ');
      const [baseKind, baseKeys, baseFormatted] = base.stdout.trim().split(' ');
      assert.deepEqual([kind, keys, formatted], [baseKind, baseKeys, baseFormatted]);
      assert.equal(kind, 'object');
      assert.equal(JSON.parse(fired).length, 1, `the patch fired ${fired}`);
    });

    it(`a patch can still rebind date-fns exports (${flag})`, async () => {
      const result = await run(dir, [flag, 'wrapt-hooks/register', 'named.mjs'], { env: { WRAPT_HOOKS_CONFIG: 'rebind.json' } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^object [\w,]+ patched:1970-01-02 \[\]\n$/);
    });
  }
});

// The same fault reduced to four files: two modules re-export one binding and the target's
// `export *` reaches both. Without the fix in src/hooks/esm-wrapper.ts the app fails to link
// under the preload (import-in-the-middle 3.6 treats the name as ambiguous and drops it).
describe('a name reached through two `export *` of one binding stays exported', () => {
  const STAR = {
    'package.json': { name: 'star-twice', version: '1.0.0', type: 'module', exports: './index.js' },
    'shared.js': 'export const shared = { ok: true };\nexport const other = 1;\n',
    'left.js': "import { shared } from './shared.js';\nexport { shared };\nexport const left = 'left';\n",
    'right.js': "import { shared } from './shared.js';\nexport { shared };\nexport const right = 'right';\n",
    'index.js': "export * from './left.js';\nexport * from './right.js';\nexport const own = 'own';\n",
  };
  const dir = makeHelperApp({
    packages: { 'star-twice': STAR },
    files: {
      '.wrapt-hooksrc.json': JSON.stringify({ patches: { 'star-twice': './patch.cjs' } }),
      'patch.cjs': "module.exports = (ns) => { ns.own = 'patched ' + ns.own; globalThis.fired = (globalThis.fired || 0) + 1; };\n",
      'app.mjs':
        "import { shared, left, right, own } from 'star-twice';\nimport * as ns from 'star-twice';\nconsole.log(JSON.stringify(shared), left, right, own, Object.keys(ns).join(','), globalThis.fired);\n",
    },
  });
  for (const flag of FLAGS) {
    it(`links, keeps every name, and the patch still rebinds the wrapper's names (${flag})`, () => {
      const result = runNode(dir, [flag, 'wrapt-hooks/register', 'app.mjs']);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.warnings, []);
      assert.equal(result.stdout, '{"ok":true} left right patched own left,own,right,shared 1\n');
    });
  }
});
