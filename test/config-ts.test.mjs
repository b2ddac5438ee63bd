// A TypeScript config (docs/config.md) in an application installed the way `npm ci --omit=dev` leaves it: a
// temporary directory outside the repository with wrapt-hooks and its runtime dependencies copied
// in, no typescript package anywhere it could be resolved from, NODE_PATH cleared. Where Node
// strips types (22.18+, 24) Node loads the file itself and writes nothing, so a read-only
// application directory works; elsewhere (Node 20) it is a warning naming the file and why.
// CI runs this file on Node 20, 22 and 24.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, childEnv, lines, parseWarnings } from './helpers.mjs';

const STRIPS = typeof process.features.typescript === 'string';
const dirs = [];
after(() => {
  for (const dir of dirs) {
    chmodSync(path.join(dir, 'app'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** wrapt-hooks and the closure of its runtime dependencies, copied (not linked: a link resolves from the repository, where typescript is). */
function installWithoutTypescript(dir) {
  const modules = path.join(dir, 'node_modules');
  const copy = (name) => cpSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), { recursive: true, dereference: true });
  mkdirSync(path.join(modules, 'wrapt-hooks'), { recursive: true });
  for (const name of ['package.json', 'register.js', 'register.mjs', 'dist'])
    cpSync(path.join(ROOT, name), path.join(modules, 'wrapt-hooks', name), { recursive: true });
  const seen = new Set();
  const queue = Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies);
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    seen.add(name);
    copy(name);
    queue.push(...Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).dependencies ?? {}));
  }
  assert.ok(!seen.has('typescript'));
}

function makeTsApp() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-ts-'));
  dirs.push(dir);
  chmodSync(dir, 0o755);
  installWithoutTypescript(dir);
  const app = path.join(dir, 'app');
  mkdirSync(path.join(app, 'patches'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "app-root", "private": true }\n');
  writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  writeFileSync(
    path.join(app, 'wrapt-hooks.config.ts'),
    "import { defineConfig } from 'wrapt-hooks';\ntype Target = 'os';\nconst target: Target = 'os';\nexport default defineConfig({ patches: { [target]: './patches/os.js' } });\n",
  );
  writeFileSync(path.join(app, 'patches', 'os.js'), "module.exports = (os) => { os.patched = 'by the .ts config'; };\n");
  writeFileSync(
    path.join(app, 'app.js'),
    "console.log(require('os').patched, Object.keys(require.cache).some((file) => /[\\\\/]typescript[\\\\/]/.test(file)));\n",
  );
  return app;
}

function listing(dir) {
  return readdirSync(dir, { recursive: true }).sort();
}

test(
  STRIPS
    ? 'a .ts config is loaded by Node itself: no typescript package, a read-only directory, nothing written'
    : 'a .ts config on a Node that cannot strip types, without typescript: a warning naming the file and why',
  () => {
    const app = makeTsApp();
    const before = { files: listing(app), mtime: statSync(app).mtimeMs };
    chmodSync(app, 0o555);
    // As root a mode bit stops no write, so the application runs as an unprivileged user there,
    // with a copy of this node that user can reach (CI keeps its Node binaries under /root).
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 65534, gid: 65534 } : {};
    const node = asRoot ? path.join(path.dirname(app), 'node') : process.execPath;
    if (asRoot) {
      cpSync(process.execPath, node);
      chmodSync(node, 0o755);
    }
    const child = spawnSync(node, ['--require', 'wrapt-hooks/register', 'app.js'], {
      cwd: app,
      env: childEnv({ NODE_PATH: '' }),
      encoding: 'utf8',
      ...user,
    });
    const result = { ...child, warnings: parseWarnings(child.stderr) };
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual({ files: listing(app), mtime: statSync(app).mtimeMs }, before, 'nothing is written beside the config');
    if (STRIPS) {
      assert.deepEqual(result.warnings, [], result.stderr);
      assert.deepEqual(lines(result.stdout), ['by the .ts config false']);
    } else {
      assert.deepEqual(lines(result.stdout), ['undefined false']);
      assert.equal(result.warnings.length, 1, result.stderr);
      assert.equal(result.warnings[0].code, 'WRAPT_HOOKS_CONFIG_PARSE');
      assert.match(result.warnings[0].message, /wrapt-hooks\.config\.ts/);
      assert.match(result.warnings[0].message, new RegExp(`this Node \\(${process.version.replace(/\./g, '\\.')}\\) cannot strip TypeScript types`));
      assert.match(result.warnings[0].message, /install typescript|Install typescript/i);
    }
  },
);
