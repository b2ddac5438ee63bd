// Bundled applications with real packages: an express server that uses nanoid (ES module only),
// bundled by esbuild with `wrapt-hooks/esbuild` into CommonJS and ES module output, each run from
// a directory holding only the bundle and wrapt-hooks, on every Node the environment names
// (WRAPT_HOOKS_NODE_20/22/24/26; the running Node when none is set).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configuredNodes } from './nodes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const APP = path.join(here, 'bundle-app');
const esbuild = createRequire(path.join(ROOT, 'package.json'))('esbuild');
const { wraptHooks } = createRequire(path.join(ROOT, 'package.json'))('./dist/esbuild.js');
const version = (name) => JSON.parse(readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version;

const NODES = configuredNodes();

const dirs = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const bundles = {};
before(async () => {
  for (const format of ['cjs', 'esm']) {
    const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-compat-bundle-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(ROOT, path.join(dir, 'node_modules', 'wrapt-hooks'), 'dir');
    const file = format === 'esm' ? 'server.mjs' : 'server.cjs';
    const result = await esbuild.build({
      absWorkingDir: APP,
      entryPoints: ['server.mjs'],
      outfile: path.join(dir, file),
      bundle: true,
      platform: 'node',
      format,
      // express requires builtins with require(): ES module output needs one.
      banner: format === 'esm' ? { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } : undefined,
      plugins: [wraptHooks()],
      logLevel: 'silent',
    });
    assert.deepEqual([...result.errors, ...result.warnings], []);
    bundles[format] = { dir, file };
  }
});

for (const [major, node] of NODES) {
  for (const format of ['cjs', 'esm']) {
    for (const flag of ['--require', '--import']) {
      test(`Node ${major}, ${format} output, ${flag} wrapt-hooks/register: express and nanoid patched inside the bundle`, () => {
        const { dir, file } = bundles[format];
        const env = { ...process.env };
        for (const key of Object.keys(env)) if (key.startsWith('WRAPT_') || key === 'NODE_OPTIONS') delete env[key];
        const result = spawnSync(node, [flag, 'wrapt-hooks/register', file], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(result.status, 0, result.stderr);
        assert.ok(!result.stderr.includes('WraptHooksWarning'), result.stderr);
        const out = result.stdout.split('\n').filter(Boolean);
        const info = (name) => JSON.parse(out.find((line) => line.startsWith(`[patch] ${name} {`)).slice(`[patch] ${name} `.length));
        assert.deepEqual(info('express'), {
          target: 'express',
          name: 'express',
          format: 'commonjs',
          version: version('express'),
          baseDir: path.join(here, 'node_modules', 'express'),
          filename: path.join(here, 'node_modules', 'express', 'index.js'),
        });
        assert.deepEqual(info('nanoid'), {
          target: 'nanoid',
          name: 'nanoid',
          format: 'module',
          version: version('nanoid'),
          baseDir: path.join(here, 'node_modules', 'nanoid'),
          filename: path.join(here, 'node_modules', 'nanoid', 'index.js'),
        });
        assert.equal(out.filter((line) => line === '[patch] http builtin').length, 1, result.stdout);
        assert.deepEqual(
          out.filter((line) => line.startsWith('client:') || line.startsWith('[patch] handled')),
          ['[patch] handled GET /id 200', 'client: /id -> 200 id-8', '[patch] handled GET /hello/ada 200', 'client: /hello/ada -> 200 {"hello":"ada"}'],
        );
      });
    }
  }
}
