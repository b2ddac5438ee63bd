// scripts/split.mjs: which module goes into dist/preload.js (what every start runs) and which into
// dist/features.js (read at the first use of a feature), over a module graph made here and over
// the files the build wrote: each module in exactly one file, every import across the split
// answered by the other file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, path } from '../helpers.mjs';
import { FEATURE_ROOTS, entrySource, splitModules } from '../../scripts/split.mjs';

/** esbuild's metafile shape: `graph` maps a file to its imports, `[path, kind]`. */
function metafile(graph) {
  const inputs = {};
  for (const [file, imports] of Object.entries(graph)) inputs[file] = { bytes: 1, imports: imports.map(([path, kind]) => ({ path, kind })) };
  return { inputs };
}

const GRAPH = {
  'src/preload.ts': [
    ['src/a.ts', 'import-statement'],
    ['src/b.ts', 'require-call'],
    ['src/c.ts', 'require-call'],
  ],
  'src/a.ts': [['node_modules/dep/index.js', 'require-call']],
  'node_modules/dep/index.js': [],
  // A root: on demand, with what only it imports.
  'src/b.ts': [
    ['src/a.ts', 'import-statement'],
    ['src/d.ts', 'import-statement'],
  ],
  // Required on demand but not a root: what every start may run.
  'src/c.ts': [['src/e.ts', 'require-call']],
  'src/d.ts': [['node_modules/dep/index.js', 'require-call']],
  'src/e.ts': [],
};

test('a root and what only it imports go into the features; the preload keeps the rest, and each side lists what the other asks of it', () => {
  const split = splitModules(metafile(GRAPH), 'src/preload.ts', ['src/b.ts']);
  assert.deepEqual([...split.preload].sort(), ['node_modules/dep/index.js', 'src/a.ts', 'src/c.ts', 'src/e.ts', 'src/preload.ts']);
  assert.deepEqual([...split.features].sort(), ['src/b.ts', 'src/d.ts']);
  assert.deepEqual(split.exposed, ['node_modules/dep/index.js', 'src/a.ts']);
  assert.deepEqual(split.entries, ['src/b.ts']);
});

test('a root that the preload imports statically, or one it does not reach, fails the build with its name', () => {
  const graph = { ...GRAPH, 'src/c.ts': [['src/b.ts', 'import-statement']] };
  assert.throws(() => splitModules(metafile(graph), 'src/preload.ts', ['src/b.ts']), /src\/b\.ts \(imported by src\/c\.ts\)/);
  assert.throws(() => splitModules(metafile(GRAPH), 'src/preload.ts', ['src/b.ts', 'src/gone.ts']), /src\/gone\.ts/);
});

test('the entry of a file requires each module it serves at the first call, and names an unknown one', () => {
  const source = entrySource(['src/b.ts'], 'feature');
  assert.match(source, /^"use strict";/);
  assert.match(source, /"src\/b\.ts": \(\) => require\("\.\/src\/b\.ts"\)/);
  assert.match(entrySource([], 'internal', 'src/preload.ts'), /export \* from "\.\/src\/preload\.ts";/);
});

test('the built files: every module is in one of them, no root is in dist/preload.js, and each asks the other only for what it serves', () => {
  const read = (name) => readFileSync(path.join(ROOT, 'dist', name), 'utf8');
  const preload = read('preload.js');
  const features = read('features.js');
  // esbuild heads each module's code with a `// <path>` line.
  const modules = (text) => new Set([...text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((match) => match[1]));
  const inPreload = modules(preload);
  const inFeatures = modules(features);
  assert.ok(inPreload.has('src/bootstrap.ts') && inPreload.has('src/hooks/cjs.ts'), 'what every start runs');
  assert.ok(inFeatures.has('src/trace/register.ts') && inFeatures.has('src/otel/export.ts'), 'what some starts use');
  assert.deepEqual(
    [...inPreload].filter((file) => inFeatures.has(file)),
    [],
    'one copy of each module',
  );
  assert.deepEqual(
    FEATURE_ROOTS.filter((root) => inPreload.has(root)),
    [],
  );
  const asked = (text, name) =>
    [...text.matchAll(new RegExp(`require\\("\\./start\\.js"\\)(?:\\.load\\(\\))?\\.${name}\\("([^"]+)"\\)`, 'g'))].map((match) => match[1]);
  const served = (text) => new Set([...text.matchAll(/^ {2}"((?:src|node_modules)\/[^"]+)": \(\) =>/gm)].map((match) => match[1]));
  const fromFeatures = asked(preload, 'feature');
  const fromPreload = asked(features, 'internal');
  assert.ok(fromFeatures.length > 0 && fromPreload.length > 0);
  assert.deepEqual(
    fromFeatures.filter((key) => !served(features).has(key)),
    [],
  );
  assert.deepEqual(
    fromPreload.filter((key) => !served(preload).has(key)),
    [],
  );
  assert.deepEqual(
    fromFeatures.filter((key) => !inFeatures.has(key)),
    [],
  );
  assert.deepEqual(
    fromPreload.filter((key) => !inPreload.has(key)),
    [],
  );
});
