// Bundled applications (docs/bundling.md), the way users build and run them: test/fixtures/bundle-app
// built by esbuild with `wrapt-hooks/esbuild` (CommonJS and ES module output), each bundle copied
// into a directory that holds only it and wrapt-hooks, and run there with and without the
// preload. Targets: a CommonJS package with a deep file, an ES-module-only package with a deep
// file, a dual package, an application file, a builtin and a trace; one bundled package is never
// evaluated. The same application run unbundled gives the ModuleInfo the bundles must match.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { FIXTURES, lines, makeApp, path, PRELOAD, ROOT, runNode } from './helpers.mjs';

const esbuild = createRequire(path.join(ROOT, 'package.json'))('esbuild');

const deployDirs = [];
after(() => {
  if (process.env.WRAPT_TEST_KEEP) return;
  for (const dir of deployDirs) rmSync(dir, { recursive: true, force: true });
});

/** A directory with only `node_modules/wrapt-hooks` (this repository) and what the test puts there. */
function deployDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-deploy-'));
  deployDirs.push(dir);
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'wrapt-hooks'), 'dir');
  return dir;
}

let app;
const bundles = {};

before(async () => {
  app = makeApp({ packages: ['bundle-cjs', 'bundle-esm', 'bundle-lazy', 'esm-dual'] });
  cpSync(path.join(FIXTURES, 'bundle-app'), app, { recursive: true });
  // The plugin as users get it: through the package's exports map.
  const { wraptHooks } = createRequire(path.join(app, 'build.js'))('wrapt-hooks/esbuild');
  for (const format of ['cjs', 'esm']) {
    const dir = deployDir();
    const file = path.join(dir, format === 'esm' ? 'bundle.mjs' : 'bundle.cjs');
    // CommonJS packages in ES module output call require() for builtins: the usual banner.
    const banner = format === 'esm' ? { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } : undefined;
    const result = await esbuild.build({
      absWorkingDir: app,
      entryPoints: ['src/main.mjs'],
      outfile: file,
      bundle: true,
      platform: 'node',
      format,
      banner,
      plugins: [wraptHooks()],
      logLevel: 'silent',
    });
    assert.deepEqual([...result.errors, ...result.warnings], [], `${format} build`);
    bundles[format] = { dir, file: path.basename(file) };
  }
});

const EXPECTED_APP = [
  '[app] start',
  '[app] cjs hello ada (patched) | deep (greet is function) (patched) | this is exports: true',
  // import-in-the-middle's wrapper, like the bundle's proxy, exports a copy of a `let` binding
  // taken when the module is evaluated: `increment()` changes the module's own `count` only.
  '[app] esm HI! (patched) NS! (patched) quiet (patched) count=0 bundle-esm default',
  '[app] dual dual (esm) (patched) | dual (cjs) (patched)',
  '[app] db rows for select 1 (patched)',
  '[app] fs false (patched)',
];

/** The ModuleInfo each patch gets, unbundled and bundled alike, sorted as `applied()` sorts them. */
function expectedInfo() {
  const pkg = (name, version, file, format, target = name) => ({
    target,
    name,
    format,
    version,
    baseDir: path.join(app, 'node_modules', name),
    filename: path.join(app, 'node_modules', name, file),
  });
  return [
    ['./src/db.js', { target: './src/db.js', name: './src/db.js', format: 'commonjs', baseDir: app, filename: path.join(app, 'src', 'db.js') }],
    ['bundle-cjs', pkg('bundle-cjs', '1.4.2', 'index.js', 'commonjs')],
    ['bundle-cjs/lib/deep.js', pkg('bundle-cjs', '1.4.2', 'lib/deep.js', 'commonjs', 'bundle-cjs/lib/deep.js')],
    ['bundle-esm', pkg('bundle-esm', '2.0.1', 'index.js', 'module')],
    ['bundle-esm/lib/util.js', pkg('bundle-esm', '2.0.1', 'lib/util.js', 'module', 'bundle-esm/lib/util.js')],
    ['esm-dual', pkg('esm-dual', '3.0.0', 'dist/cjs/index.cjs', 'commonjs')],
    ['esm-dual', pkg('esm-dual', '3.0.0', 'dist/esm/index.mjs', 'module')],
    ['fs', { target: 'fs', name: 'fs', format: 'builtin' }],
  ];
}

/** The `[patch] <name> {ModuleInfo}` lines, parsed and sorted. */
function applied(stdout) {
  return lines(stdout)
    .filter((line) => line.startsWith('[patch] ') && line.endsWith('}'))
    .map((line) => {
      const at = line.indexOf(' {');
      return [line.slice('[patch] '.length, at), JSON.parse(line.slice(at + 1))];
    })
    .sort(([a, x], [b, y]) => a.localeCompare(b) || String(x.filename).localeCompare(String(y.filename)));
}

const appLines = (stdout) => lines(stdout).filter((line) => line.startsWith('[app]'));

function assertPatchedLikeUnbundled(result, label) {
  assert.equal(result.code, 0, `${label}: ${result.stderr}`);
  assert.deepEqual(result.warnings, [], `${label}: ${result.stderr}`);
  assert.deepEqual(appLines(result.stdout), EXPECTED_APP, label);
  assert.deepEqual(applied(result.stdout), expectedInfo(), `${label}: the same patches, each once, with the same ModuleInfo`);
  // An ES module target: a namespace of its exports (`export *` ones too), whose reassigned
  // exports reach named and namespace importers alike ("[app] esm" above); other keys are ignored.
  assert.ok(result.stdout.includes('[patch] bundle-esm exports count,default,increment,shout,whisper [object Module]\n'), `${label}:\n${result.stdout}`);
  assert.match(result.stderr, /^wrapt-hooks: trace \.\/src\/db\.js#query\('select 1'\) -> 'rows for select 1 \(patched\)'/m, label);
  const out = lines(result.stdout);
  // Lazy: a patch module is evaluated only when its target first is (bundle-cjs is required after "start").
  assert.ok(out.indexOf('[patch module] cjs.js evaluated') > out.indexOf('[app] start'), `${label}:\n${result.stdout}`);
  assert.ok(!result.stdout.includes('SHOULD NOT'), `${label}: a target never evaluated never loads its patch`);
}

test('the reference: the application unbundled, with the preload, prints what the bundles must', (t) => {
  const result = runNode(app, [...PRELOAD, 'src/main.mjs']);
  if (/import-in-the-middle' failed to wrap .*bundle-esm/.test(result.stderr)) {
    t.skip(
      `import-in-the-middle cannot wrap bundle-esm unbundled on Node ${process.versions.node}: ${result.stderr.split('\n').find((line) => line.includes('failed to wrap'))}`,
    );
    return;
  }
  assertPatchedLikeUnbundled(result, 'unbundled');
});

test('CommonJS output, node --require wrapt-hooks/register: every target patched as unbundled', () => {
  const { dir, file } = bundles.cjs;
  assertPatchedLikeUnbundled(runNode(dir, [...PRELOAD, file]), 'cjs');
});

test('ES module output, node --import wrapt-hooks/register: every target patched as unbundled', () => {
  const { dir, file } = bundles.esm;
  assertPatchedLikeUnbundled(runNode(dir, ['--import', 'wrapt-hooks/register', file]), 'esm --import');
});

test('ES module output, node --require wrapt-hooks/register', () => {
  const { dir, file } = bundles.esm;
  assertPatchedLikeUnbundled(runNode(dir, [...PRELOAD, file]), 'esm --require');
});

test('a bundle evaluated again is a new instance: each patch fires once more, on the new exports only', () => {
  const { dir, file } = bundles.cjs;
  const script = `require('./${file}'); delete require.cache[require.resolve('./${file}')]; require('./${file}');`;
  const result = runNode(dir, [...PRELOAD, '-e', script]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, []);
  // The builtin is one instance for the process; every bundled module is a new one.
  const twice = expectedInfo().flatMap((row) => (row[0] === 'fs' ? [row] : [row, row]));
  assert.deepEqual(applied(result.stdout), twice);
  const app = appLines(result.stdout);
  assert.deepEqual(app.slice(app.length / 2), app.slice(0, app.length / 2), 'no wrapper applied twice');
});

test('without the preload: one WRAPT_HOOKS_BUNDLE_NO_PRELOAD warning, however often the bundle runs, and no patch', () => {
  const { dir, file } = bundles.cjs;
  const script = `require('./${file}'); delete require.cache[require.resolve('./${file}')]; require('./${file}');`;
  const result = runNode(dir, ['-e', script]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    result.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_BUNDLE_NO_PRELOAD'],
  );
  assert.match(result.warnings[0].message, /bundle\.cjs: .*node --require wrapt-hooks\/register/);
  assert.ok(!result.stdout.includes('[patch'), result.stdout);
  assert.ok(result.stdout.includes('[app] db rows for select 1\n'), result.stdout);
  const esm = runNode(bundles.esm.dir, [bundles.esm.file]);
  assert.deepEqual(
    esm.warnings.map((warning) => warning.code),
    ['WRAPT_HOOKS_BUNDLE_NO_PRELOAD'],
  );
  assert.ok(esm.stdout.includes('[app] fs false\n'), esm.stdout);
});

test('WRAPT_HOOKS_DISABLE turns baked patches off: all of them, or those of the targets it names', () => {
  const { dir, file } = bundles.cjs;
  const all = runNode(dir, [...PRELOAD, file], { env: { WRAPT_HOOKS_DISABLE: 'all' } });
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(all.warnings, []);
  assert.ok(!all.stdout.includes('[patch'), all.stdout);
  const some = runNode(dir, [...PRELOAD, file], { env: { WRAPT_HOOKS_DISABLE: 'bundle-cjs,fs' } });
  assert.equal(some.code, 0, some.stderr);
  assert.deepEqual(
    applied(some.stdout).map(([name]) => name),
    expectedInfo()
      .map(([name]) => name)
      .filter((name) => name !== 'bundle-cjs' && name !== 'fs'),
  );
});

test('a target left outside the bundle (external) is patched by the preload, with the bundled patch', async () => {
  const dir = deployDir();
  cpSync(path.join(FIXTURES, 'node_modules', 'esm-dual'), path.join(dir, 'node_modules', 'esm-dual'), { recursive: true });
  const { wraptHooks } = createRequire(path.join(app, 'build.js'))('wrapt-hooks/esbuild');
  const built = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['src/main.mjs'],
    outfile: path.join(dir, 'bundle.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['esm-dual'],
    plugins: [wraptHooks()],
    logLevel: 'silent',
  });
  assert.deepEqual(built.warnings, []);
  const result = runNode(dir, [...PRELOAD, 'bundle.cjs']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.warnings, []);
  const dual = applied(result.stdout).filter(([name]) => name === 'esm-dual');
  assert.deepEqual(
    dual.map(([, info]) => [info.format, info.filename]),
    [['commonjs', path.join(dir, 'node_modules', 'esm-dual', 'dist', 'cjs', 'index.cjs')]],
  );
  assert.ok(result.stdout.includes('[app] dual dual (cjs) (patched) | dual (cjs) (patched)'), result.stdout);
});

test('a target added at run time to a bundle built with the plugin: the exit summary says what is true', () => {
  const { dir, file } = bundles.cjs;
  const env = { WRAPT_HOOKS_DEBUG: '1', WRAPT_TRACE: 'bundle-cjs/lib/nohook.js#f,left-pad#pad,./src/other.js#f' };
  const result = runNode(dir, [...PRELOAD, file], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /never imported bundle-cjs\/lib\/nohook\.js .*: .* was built with the wrapt-hooks esbuild plugin, and bundle-cjs is bundled into it without a hook for "bundle-cjs\/lib\/nohook\.js" \(it was not in the config at build time\); add/,
  );
  assert.match(result.stderr, /never imported left-pad .*: left-pad is neither installed beside .* nor bundled into it$/m);
  assert.match(
    result.stderr,
    /never imported \.\/src\/other\.js .*: .* was built with the wrapt-hooks esbuild plugin, which matches application files when it builds: .*add "\.\/src\/other\.js"/,
  );
  assert.doesNotMatch(result.stderr, /build it with the wrapt-hooks/);
});

test('bundled without the plugin: the exit summary and doctor say the target looks bundled and name the plugin', async () => {
  const dir = deployDir();
  const result = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['src/main.mjs'],
    outfile: path.join(dir, 'server.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
  });
  assert.deepEqual(result.errors, []);
  writeFileSync(path.join(dir, '.wrapt-hooksrc.json'), JSON.stringify({ patches: { 'bundle-cjs': './patch.js' } }));
  writeFileSync(path.join(dir, 'patch.js'), 'module.exports = () => {};\n');
  const run = runNode(dir, [...PRELOAD, 'server.js'], { env: { WRAPT_HOOKS_DEBUG: '1' } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /never imported bundle-cjs \(\.\/patch\.js\): bundle-cjs looks bundled into .*server\.js .*wrapt-hooks esbuild plugin/);
  const doctor = runNode(dir, [path.join(ROOT, 'bin', 'wrapt-hooks.js'), 'doctor', '--json']);
  assert.equal(doctor.code, 1, doctor.stderr);
  const report = JSON.parse(doctor.stdout);
  const problem = report.problems.find((item) => item.code === 'WRAPT_HOOKS_TARGET_BUNDLED');
  assert.match(problem?.message ?? '', /bundle-cjs looks bundled into .*server\.js.*wrapt-hooks\/esbuild/, doctor.stdout);
});

test('examples/bundled-express: built as its README says, run from a directory holding only the bundle and wrapt-hooks', () => {
  const example = path.join(ROOT, 'examples', 'bundled-express');
  const readme = readFileSync(path.join(example, 'README.md'), 'utf8');
  assert.ok(readme.includes('cd examples/bundled-express && node build.mjs'), 'README.md says how to build');
  assert.ok(readme.includes('node --require wrapt-hooks/register dist/server.js'), 'README.md says how to run');
  const dir = deployDir();
  const build = runNode(example, ['build.mjs', path.join(dir, 'dist')]);
  assert.equal(build.code, 0, build.stderr);
  const expectTimed = (result, label) => {
    assert.equal(result.code, 0, `${label}: ${result.stderr}`);
    assert.deepEqual(result.warnings, [], label);
    assert.deepEqual(
      lines(result.stdout),
      ['client: /hello/ada -> 200 hello ada', 'client: /slow -> 200 {"slow":true}', 'client: /missing -> 404 (no page)'],
      label,
    );
    const log = lines(result.stderr);
    assert.match(log[0] ?? '', /^\[timing\] patching express@5\.\d+\.\d+ \(commonjs\)$/, label);
    assert.deepEqual(
      log.slice(1).map((line) => line.replace(/ [\d.]+ms/, ' <ms>')),
      ['[timing] GET /hello/ada 200 <ms> (route /hello/:name)', '[timing] GET /slow 200 <ms> (route /slow)', '[timing] GET /missing 404 <ms>'],
      `${label}: each request timed once`,
    );
  };
  expectTimed(runNode(dir, [...PRELOAD, 'dist/server.js']), 'deployed');
  // Run where the config is found too (from the project): the patch applies once, not twice.
  expectTimed(runNode(example, [...PRELOAD, path.join(dir, 'dist', 'server.js')]), 'beside its config');
});
