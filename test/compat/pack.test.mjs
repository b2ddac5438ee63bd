// The package as users get it: `npm pack`, installed into a fresh application (no symlink to
// this repository), then the preload and the library used from it with both flags.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, runNode, runCommand } from '../helpers.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let app;
let work;

before(() => {
  work = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-pack-'));
  app = path.join(work, 'app');
  // --ignore-scripts: dist/ is already built by `npm test`'s pretest.
  const tarball = execFileSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  cpSync(path.join(ROOT, 'examples', 'tempfile-debugging'), app, { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', path.join(work, tarball)], { cwd: app, stdio: 'pipe' });
});
after(() => rmSync(work, { recursive: true, force: true }));

const EXPECTED = ['patching fs', 'calling mkdtempSync("/tmp/demo-sync-")', 'created demo-…', 'calling mkdtemp("/tmp/demo-async-")', 'created demo-…'];

for (const flag of ['--require', '--import']) {
  test(`installed from npm pack: the tempfile-debugging example works with ${flag}`, () => {
    const result = runNode(app, [flag, 'wrapt-hooks/register', 'app.js']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout.trim().split('\n'),
      EXPECTED.map((line) => line.replace('/tmp/', `${tmpdir()}/`)),
    );
    assert.equal(result.stderr, '');
  });
}

test('installed from npm pack: the library imports by name from ESM and CommonJS, and the CLI runs', () => {
  const check = `import { wrapFunctionWrapper, registerPostImportHook, WraptHooksError } from 'wrapt-hooks';
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('wrapt-hooks');
console.log(typeof wrapFunctionWrapper, typeof registerPostImportHook, cjs.WraptHooksError === WraptHooksError);`;
  writeFileSync(path.join(app, 'check.mjs'), check);
  const result = runNode(app, ['check.mjs']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'function function true\n');
  const cli = runCommand(app, process.execPath, [path.join(app, 'node_modules', 'wrapt-hooks', 'bin', 'wrapt-hooks.js'), 'doctor']);
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /✓ fs/);
});

test('the tarball holds what users run and nothing else; nothing runs at their install', () => {
  const [pack] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
  const files = pack.files.map((file) => file.path);
  const top = new Set(['LICENSE', 'README.md', 'package.json', 'register.js', 'register.mjs']);
  const stray = files.filter((file) => !top.has(file) && !file.startsWith('dist/') && !file.startsWith('bin/'));
  assert.deepEqual(stray, []);
  for (const file of [
    'dist/preload.js',
    'dist/features.js',
    'dist/iitm.js',
    'dist/start.js',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/cli.js',
    'dist/esbuild.js',
    'dist/hooks/loader.mjs',
    'bin/wrapt-hooks.js',
    'dist/recipes/http/package.json',
    'dist/recipes/http/index.js',
  ])
    assert.ok(files.includes(file), file);
  const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
    assert.equal(scripts[hook], undefined, `package.json runs "${hook}" at every install`);
});
