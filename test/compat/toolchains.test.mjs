// The layouts and tools users deploy with, each the real one from the npm registry: pnpm's
// isolated node_modules/.pnpm layout, Yarn 4 Plug'n'Play (zip archives, with and without its ESM
// loader), vitest (which imports every dependency by absolute path) and jest (whose own module
// registry bypasses Node's). Each project is installed into a temp dir by this file; the tools
// and the test runners are installed once into a cache dir under the OS temp dir (pinned
// versions, below; see tools.mjs). What each shows is written up in docs/toolchains.md.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, lines, runCommand, writeFiles } from '../helpers.mjs';
import { configuredNodes } from './nodes.mjs';
import { TOOL_CACHE, installed, npm } from './tools.mjs';

const NODES = configuredNodes();
const TOOLS = { '@yarnpkg/cli-dist': '4.18.1', pnpm: '10.34.9' };
const RUNNERS = { vitest: '4.1.12', jest: '30.5.2', express: '5.1.0' };

let work;
let tarball;
const yarn = () => path.join(TOOL_CACHE, 'tools', 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js');
const pnpm = () => path.join(TOOL_CACHE, 'tools', 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

before(() => {
  installed(path.join(TOOL_CACHE, 'tools'), TOOLS);
  work = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-toolchains-'));
  // --ignore-scripts: dist/ is built already (npm run build before the suite).
  const name = execFileSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  tarball = path.join(work, name);
});
after(() => {
  if (!process.env.WRAPT_TEST_KEEP) rmSync(work, { recursive: true, force: true });
});

// The same patch everywhere: one line per module instance it fires on.
const PATCH = `module.exports = (exports, info) => {
  console.log('PATCHED', info.target, info.version, info.format, info.filename.split('/node_modules/').slice(1).join('/node_modules/'), typeof exports);
};\n`;

/** A project with express, the patch, and a config naming it; `extra` files on top. */
function project(name, dependencies, extra = {}) {
  const dir = path.join(work, name);
  writeFiles(dir, {
    'package.json': { name, version: '1.0.0', private: true, dependencies },
    '.wrapt-hooksrc.json': { patches: { express: './patch.js' } },
    'patch.js': PATCH,
    'app.cjs': `require('express'); console.log('ran cjs');\n`,
    'app.mjs': `import express from 'express'; console.log('ran esm', typeof express);\n`,
    // As vitest loads dependencies: the entry point by absolute path, then by file: URL.
    'by-path.mjs': `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const file = createRequire(import.meta.url).resolve('express');
const a = await import(file);
const b = await import(pathToFileURL(file).href);
console.log('ran by path', a === b, typeof a.default);\n`,
    ...extra,
  });
  return dir;
}

const patched = (stdout) => lines(stdout).filter((line) => line.startsWith('PATCHED'));

describe('pnpm (isolated node_modules/.pnpm layout)', () => {
  let dir;
  before(() => {
    dir = project('pnpm-app', { express: `^${RUNNERS.express}`, 'wrapt-hooks': `file:${tarball}` });
    execFileSync(process.execPath, [pnpm(), 'install', '--reporter=silent', '--config.confirmModulesPurge=false'], { cwd: dir, stdio: 'pipe' });
  });

  for (const [major, node] of NODES) {
    test(`Node ${major}: require, import, and import by path and file: URL each patch express once`, () => {
      for (const [flag, script, ran] of [
        ['--require', 'app.cjs', 'ran cjs'],
        ['--import', 'app.mjs', 'ran esm function'],
        ['--require', 'by-path.mjs', 'ran by path true function'],
      ]) {
        const result = runCommand(dir, node, [flag, 'wrapt-hooks/register', script]);
        assert.equal(result.code, 0, `${script}: ${result.stderr}`);
        assert.deepEqual(result.warnings, [], `${script}: ${result.stderr}`);
        const [line, ...more] = patched(result.stdout);
        assert.match(
          line ?? '',
          /^PATCHED express 5\.\d+\.\d+ commonjs \.pnpm\/express@[^/]+\/node_modules\/express\/index\.js function$/,
          `${script}: ${result.stdout}`,
        );
        assert.deepEqual(more, [], script);
        assert.ok(lines(result.stdout).includes(ran), result.stdout);
      }
    });
  }

  test('doctor: the recipes and express are found as the preload finds them; no problem', () => {
    const result = runCommand(dir, process.execPath, ['node_modules/wrapt-hooks/bin/wrapt-hooks.js', 'doctor'], {
      env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/http,wrapt-hooks/recipes/sql' },
    });
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /✓ express +5\.\d+\.\d+ +\.\/node_modules\/\.pnpm\/express@/);
    assert.match(result.stdout, /✓ every patch module, export and trace path was found/);
  });
});

describe("Yarn 4 Plug'n'Play", () => {
  let dir;
  before(() => {
    // async-function offers an ES module under the "module-sync" condition, which PnP cannot
    // serve without its ESM loader: require() must keep resolving it the way PnP does.
    dir = project(
      'yarn-app',
      { express: `^${RUNNERS.express}`, 'async-function': '^1.0.0', 'wrapt-hooks': `file:${tarball}` },
      {
        '.yarnrc.yml': 'nodeLinker: pnp\nenableGlobalCache: false\nenableTelemetry: false\n',
        'yarn.lock': '',
        'app.cjs': `require('async-function'); const express = require('express'); console.log('ran cjs', typeof express);\n`,
      },
    );
    execFileSync(process.execPath, [yarn(), 'install', '--mode=skip-build'], {
      cwd: dir,
      stdio: 'pipe',
      env: { ...process.env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' },
    });
  });

  for (const [major, node] of NODES) {
    test(`Node ${major}: a CommonJS app with only .pnp.cjs runs and is patched; with PnP's ESM loader an ES module app is patched too`, () => {
      const cjs = runCommand(dir, node, ['app.cjs'], { env: { NODE_OPTIONS: '--require ./.pnp.cjs --require wrapt-hooks/register' } });
      assert.equal(cjs.code, 0, cjs.stderr);
      assert.deepEqual(cjs.warnings, [], cjs.stderr);
      assert.match(patched(cjs.stdout).join('\n'), /^PATCHED express 5\.\d+\.\d+ commonjs express\/index\.js function$/, cjs.stdout);
      assert.ok(lines(cjs.stdout).includes('ran cjs function'), cjs.stdout);

      const loader = '--require ./.pnp.cjs --experimental-loader ./.pnp.loader.mjs --require wrapt-hooks/register --no-warnings=ExperimentalWarning';
      for (const [script, ran] of [
        ['app.mjs', 'ran esm function'],
        ['by-path.mjs', 'ran by path true function'],
      ]) {
        const esm = runCommand(dir, node, [script], { env: { NODE_OPTIONS: loader } });
        assert.equal(esm.code, 0, `${script}: ${esm.stderr}`);
        assert.deepEqual(esm.warnings, [], `${script}: ${esm.stderr}`);
        assert.equal(patched(esm.stdout).length, 1, `${script}: ${esm.stdout}`);
        assert.ok(lines(esm.stdout).includes(ran), `${script}: ${esm.stdout}`);
      }
    });
  }

  test('doctor (yarn wrapt-hooks doctor): express is installed, not bundled; the recipes are fine', () => {
    const result = runCommand(dir, process.execPath, [yarn(), 'wrapt-hooks', 'doctor'], {
      env: { WRAPT_PATCHES: 'wrapt-hooks/recipes/http', WRAPT_TRACE: 'express#Router' },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ express +5\.\d+\.\d+ +\.\/\.yarn\/cache\/express-npm-.*\.zip\/node_modules\/express\/index\.js/);
    assert.match(result.stdout, /✓ express#Router +function/);
    assert.doesNotMatch(result.stdout, /bundled|express +not installed|✗/);
  });
});

describe('test runners', () => {
  let runners;
  before(() => {
    runners = installed(path.join(TOOL_CACHE, 'runners'), RUNNERS);
    const own = path.join(runners, 'node_modules', 'wrapt-hooks');
    rmSync(own, { force: true, recursive: true });
    symlinkSync(ROOT, own, 'dir');
  });

  /** A project inside the runners' install (so that it finds vitest, jest and express), its files fresh. */
  function runnerProject(name, files) {
    const dir = path.join(runners, name);
    rmSync(dir, { recursive: true, force: true });
    writeFiles(dir, {
      'package.json': { name, version: '1.0.0', private: true },
      '.wrapt-hooksrc.json': { patches: { express: './patch.js' } },
      // Inside a test runner stdout is the runner's: the patch leaves a mark in a file instead.
      'patch.js': `module.exports = (exports, info) => { require('node:fs').appendFileSync(__dirname + '/fired.txt', info.target + ' ' + info.format + '\\n'); };\n`,
      ...files,
    });
    return dir;
  }
  const fired = (dir) => (existsSync(path.join(dir, 'fired.txt')) ? lines(readFileSync(path.join(dir, 'fired.txt'), 'utf8')) : []);

  for (const [major, node] of NODES) {
    test(`Node ${major}: vitest, which imports express by absolute path, gets the patch`, (t) => {
      if (Number(major) < 20) return t.skip();
      const dir = runnerProject('vitest-app', {
        'express.test.mjs': `import { test, expect } from 'vitest';\nimport express from 'express';\ntest('express', () => { expect(typeof express).toBe('function'); });\n`,
      });
      const result = runCommand(dir, node, [path.join(runners, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir], {
        env: { NODE_OPTIONS: '--require wrapt-hooks/register', CI: '1' },
        timeout: 120_000,
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(fired(dir), ['express commonjs'], result.stdout + result.stderr);
    });
  }

  test('jest: the exit summary says why express was never imported; patching from setupFiles works', () => {
    const dir = runnerProject('jest-app', {
      'express.test.js': `test('express', () => { expect(typeof require('express')).toBe('function'); });\n`,
      'jest.config.js': `module.exports = { testEnvironment: 'node' };\n`,
    });
    const jest = path.join(runners, 'node_modules', 'jest', 'bin', 'jest.js');
    const bare = runCommand(dir, process.execPath, [jest, '--runInBand'], {
      env: { NODE_OPTIONS: '--require wrapt-hooks/register', WRAPT_HOOKS_DEBUG: '1' },
      timeout: 120_000,
    });
    assert.equal(bare.code, 0, bare.stderr);
    assert.deepEqual(fired(dir), [], 'jest bypasses the hooks');
    assert.match(bare.stderr, /never imported express \(\.\/patch\.js\): jest loads the tests' modules through its own module registry, .*"setupFiles"/);

    // What works instead (docs/toolchains.md): a setup file applies the patch in jest's registry.
    writeFileSync(path.join(dir, 'jest.config.js'), `module.exports = { testEnvironment: 'node', setupFiles: ['<rootDir>/jest.setup.js'] };\n`);
    writeFileSync(path.join(dir, 'jest.setup.js'), `require('./patch.js')(require('express'), { target: 'express', format: 'commonjs' });\n`);
    const setup = runCommand(dir, process.execPath, [jest, '--runInBand'], { timeout: 120_000 });
    assert.equal(setup.code, 0, setup.stderr);
    assert.deepEqual(fired(dir), ['express commonjs']);
  });
});
