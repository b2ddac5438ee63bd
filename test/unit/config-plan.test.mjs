// In-process: finding and reading the config (docs/config.md) with loadPlan(cwd, env), as the preload does
// at start-up: every search place and format, the search order, the search from a subdirectory
// up to the nearest package.json and not beyond, and WRAPT_HOOKS_CONFIG. test/config.test.mjs
// runs representatives as users do (the patch applied in a preloaded app).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { makeApp, path } from '../helpers.mjs';
import { cli, internals } from './internals.mjs';

const { plan: planModule } = internals();

const json = (label) => JSON.stringify({ patches: { os: `./patches/${label}.js` } }, null, 2);
const yaml = (label) => `# YAML config\npatches:\n  os: ./patches/${label}.js\n`;
const cjs = (label) => `module.exports = { patches: { os: './patches/${label}.js' } };\n`;
const esm = (label) => `export default { patches: { os: './patches/${label}.js' } };\n`;
const ts = (label) =>
  `import { defineConfig } from 'wrapt-hooks';\nconst target: string = 'os';\nexport default defineConfig({ patches: { [target]: './patches/${label}.js' } });\n`;

/** The plan's config file and patches, [target, spec, baseDir] each, and its problems. */
function planOf(cwd, env = {}) {
  const plan = planModule.loadPlan(cwd, env);
  return { file: plan.file, patches: plan.patches.map((patch) => [patch.target, patch.spec, patch.baseDir]), problems: plan.problems };
}

const PLACES = [
  ['.wrapt-hooksrc (JSON)', '.wrapt-hooksrc', json],
  ['.wrapt-hooksrc (YAML)', '.wrapt-hooksrc', yaml],
  ['.wrapt-hooksrc.json', '.wrapt-hooksrc.json', json],
  ['.wrapt-hooksrc.yaml', '.wrapt-hooksrc.yaml', yaml],
  ['.wrapt-hooksrc.yml', '.wrapt-hooksrc.yml', yaml],
  ['.wrapt-hooksrc.js', '.wrapt-hooksrc.js', cjs],
  ['.wrapt-hooksrc.cjs', '.wrapt-hooksrc.cjs', cjs],
  ['.wrapt-hooksrc.mjs', '.wrapt-hooksrc.mjs', esm],
  ['wrapt-hooks.config.js', 'wrapt-hooks.config.js', cjs],
  ['wrapt-hooks.config.cjs', 'wrapt-hooks.config.cjs', cjs],
  ['wrapt-hooks.config.mjs', 'wrapt-hooks.config.mjs', esm],
];

test('every search place is found and read', () => {
  for (const [title, file, content] of PLACES) {
    const label = title.replace(/[^a-z]+/gi, '-');
    const dir = makeApp({ files: { [file]: content(label) } });
    assert.deepEqual(planOf(dir), { file: path.join(dir, file), patches: [['os', `./patches/${label}.js`, dir]], problems: [] }, title);
  }
});

test('the package.json field "wrapt-hooks"', () => {
  const dir = makeApp({ packageJson: { name: 'app', version: '1.0.0', private: true, 'wrapt-hooks': { patches: { os: './patches/pkg.js' } } } });
  assert.deepEqual(planOf(dir), { file: path.join(dir, 'package.json'), patches: [['os', './patches/pkg.js', dir]], problems: [] });
});

for (const file of ['.wrapt-hooksrc.ts', 'wrapt-hooks.config.ts']) {
  // Without TypeScript installed (Node 20: a warning; 22.18+/24: Node strips the types): test/config-ts.test.mjs.
  test(`${file}: read (by Node where it strips types, with TypeScript elsewhere)`, () => {
    const withTs = makeApp({ real: ['typescript'], files: { [file]: ts('ts') } });
    assert.deepEqual(planOf(withTs), { file: path.join(withTs, file), patches: [['os', './patches/ts.js', withTs]], problems: [] });
  });
}

// The README's config (ES import/export, defineConfig, a type annotation) in each kind of package:
// Node loads a .ts file by the package's "type", and `npm init -y` writes "commonjs".
for (const type of ['commonjs', 'module', undefined]) {
  test(`wrapt-hooks.config.ts with import/export loads in a package with ${type === undefined ? 'no "type"' : `"type": "${type}"`}`, () => {
    const dir = makeApp({
      real: ['typescript'],
      packageJson: { name: 'app', version: '1.0.0', private: true, ...(type === undefined ? {} : { type }) },
      files: { 'wrapt-hooks.config.ts': ts(`type-${type ?? 'none'}`) },
    });
    assert.deepEqual(planOf(dir), {
      file: path.join(dir, 'wrapt-hooks.config.ts'),
      patches: [['os', `./patches/type-${type ?? 'none'}.js`, dir]],
      problems: [],
    });
  });
}

test('a .ts config where Node does not strip types, with typescript 7 (no JavaScript compiler API): the warning names the version needed', () => {
  // typescript 7's package entry holds only its version (the compiler is a native binary).
  const dir = makeApp({
    files: {
      'wrapt-hooks.config.ts': ts('seven'),
      'node_modules/typescript/package.json': { name: 'typescript', version: '7.0.2', main: 'lib/version.cjs' },
      'node_modules/typescript/lib/version.cjs': "exports.version = '7.0.2';\nexports.versionMajorMinor = '7.0';\n",
    },
  });
  const plan = planOf(dir);
  if (typeof process.features.typescript === 'string') {
    // Node strips the types itself: no typescript package is used.
    assert.deepEqual(plan.problems, []);
    assert.deepEqual(plan.patches, [['os', './patches/seven.js', dir]]);
    return;
  }
  assert.equal(plan.problems.length, 1, JSON.stringify(plan.problems));
  const [problem] = plan.problems;
  assert.equal(problem.code, 'WRAPT_HOOKS_CONFIG_PARSE');
  assert.ok(problem.message.includes(path.join(dir, 'wrapt-hooks.config.ts')), problem.message);
  assert.match(problem.message, /typescript package installed \(7\.0\.2\) has no JavaScript compiler API.*npm i -D typescript@5/);
});

test('a config place that holds only null, or nothing, is passed over with a warning naming it', () => {
  const dir = makeApp({ files: { '.wrapt-hooksrc.json': 'null\n', '.wrapt-hooksrc.yaml': '# nothing yet\n', 'wrapt-hooks.config.js': cjs('used') } });
  const plan = planOf(dir);
  assert.equal(plan.file, path.join(dir, 'wrapt-hooks.config.js'), 'the search goes on, as cosmiconfig does');
  assert.deepEqual(
    plan.problems.map((problem) => [problem.code, problem.message.split(' holds ')[0]]),
    [
      ['WRAPT_HOOKS_CONFIG_EMPTY', path.join(dir, '.wrapt-hooksrc.json')],
      ['WRAPT_HOOKS_CONFIG_EMPTY', path.join(dir, '.wrapt-hooksrc.yaml')],
    ],
  );
  assert.match(plan.problems[0].message, /holds only null, so it configures nothing/);
  const alone = makeApp({ files: { '.wrapt-hooksrc': '  \n' } });
  assert.deepEqual(
    planOf(alone).problems.map((problem) => problem.message),
    [
      `${path.join(alone, '.wrapt-hooksrc')} holds no value (it is empty), so it configures nothing and the search went on past it. Write the config in it, or delete it.`,
    ],
  );
});

test("a config file shadowed by the one that won is named: in the plan and in doctor's report", () => {
  const dir = makeApp({
    packageJson: { name: 'app', version: '1.0.0', private: true, 'wrapt-hooks': { patches: { os: './patches/pkg.js' } } },
    files: { '.wrapt-hooksrc.yml': yaml('shadowed'), '.config/wrapt-hooksrc.json': json('shadowed-too') },
  });
  const plan = planModule.loadPlan(dir, {});
  assert.equal(plan.file, path.join(dir, 'package.json'));
  assert.deepEqual(plan.shadowed, [path.join(dir, '.wrapt-hooksrc.yml'), path.join(dir, '.config/wrapt-hooksrc.json')]);
  const report = cli.internals.doctor.diagnose(dir, {});
  assert.deepEqual(report.config.shadowed, plan.shadowed);
  assert.equal(planModule.loadPlan(makeApp({ files: { '.wrapt-hooksrc.yml': yaml('alone') } }), {}).shadowed, undefined, 'control: nothing shadowed');
});

test('a .js config in a "type": "module" package is ESM, and defineConfig can be used in it', () => {
  const dir = makeApp({
    packageJson: { name: 'app', version: '1.0.0', private: true, type: 'module' },
    files: { 'wrapt-hooks.config.js': "import { defineConfig } from 'wrapt-hooks';\nexport default defineConfig({ patches: { os: './patches/esm.cjs' } });\n" },
  });
  assert.deepEqual(planOf(dir).patches, [['os', './patches/esm.cjs', dir]]);
});

test('search order: package.json field, then .wrapt-hooksrc*, then wrapt-hooks.config.*', () => {
  const files = { '.wrapt-hooksrc.json': json('rc'), 'wrapt-hooks.config.js': cjs('config') };
  const withField = makeApp({ packageJson: { name: 'app', 'wrapt-hooks': { patches: { os: './patches/pkg.js' } } }, files });
  assert.deepEqual(planOf(withField).patches, [['os', './patches/pkg.js', withField]]);
  const withoutField = makeApp({ files });
  assert.deepEqual(planOf(withoutField).patches, [['os', './patches/rc.js', withoutField]]);
  rmSync(path.join(withoutField, '.wrapt-hooksrc.json'));
  assert.deepEqual(planOf(withoutField).patches, [['os', './patches/config.js', withoutField]]);
});

test('the search starts at the working directory and goes up to the nearest package.json; patches resolve against the config file', () => {
  const dir = makeApp({ files: { '.wrapt-hooksrc.json': json('root') } });
  const deeper = path.join(dir, 'src', 'deeper');
  mkdirSync(deeper, { recursive: true });
  assert.deepEqual(planOf(deeper), { file: path.join(dir, '.wrapt-hooksrc.json'), patches: [['os', './patches/root.js', dir]], problems: [] });
});

test('a config above the nearest package.json is not used', () => {
  const dir = makeApp({
    files: { '.wrapt-hooksrc.json': json('outer'), 'packages/inner/package.json': { name: 'inner', version: '1.0.0' }, 'packages/inner/lib/.keep': '' },
  });
  const inner = path.join(dir, 'packages', 'inner');
  assert.deepEqual(planOf(path.join(inner, 'lib')), { file: undefined, patches: [], problems: [] }, 'the search stopped at packages/inner/package.json');
  // The same layout without the inner package.json finds the outer config: the stop was the reason.
  rmSync(path.join(inner, 'package.json'));
  assert.equal(planOf(path.join(inner, 'lib')).file, path.join(dir, '.wrapt-hooksrc.json'));
});

test('WRAPT_HOOKS_CONFIG names the file (relative to the working directory, or absolute) and skips the search', () => {
  const dir = makeApp({ files: { '.wrapt-hooksrc.json': json('searched'), 'conf/custom-name.yaml': yaml('explicit') } });
  const conf = path.join(dir, 'conf');
  const expected = { file: path.join(conf, 'custom-name.yaml'), patches: [['os', './patches/explicit.js', conf]], problems: [] };
  assert.deepEqual(planOf(dir, { WRAPT_HOOKS_CONFIG: 'conf/custom-name.yaml' }), expected);
  assert.deepEqual(planOf(conf, { WRAPT_HOOKS_CONFIG: path.join(conf, 'custom-name.yaml') }), expected);
  assert.deepEqual(planOf(dir).patches, [['os', './patches/searched.js', dir]], 'control: without it, the search finds the other file');
});

test('no config file: an empty plan', () => {
  const dir = makeApp();
  const plan = planModule.loadPlan(dir, {});
  assert.deepEqual([plan.file, plan.patches, plan.packages, plan.trace, plan.problems, plan.strict], [undefined, [], [], [], [], false]);
});
