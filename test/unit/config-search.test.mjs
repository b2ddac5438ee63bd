// In-process: the config search (src/config/search.ts) against cosmiconfig's own, over a corpus
// of directory layouts: which file is found, what it holds, and where the search stops with an
// error must be the same as `cosmiconfigSync('wrapt-hooks', …).search()` with the same places
// and loaders. The walk exists so that a JSON config does not pay for requiring cosmiconfig; this
// is what makes it a faithful copy.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { internals } from './internals.mjs';

const require = createRequire(import.meta.url);
const { cosmiconfigSync, getDefaultSearchPlaces, defaultLoadersSync } = require('cosmiconfig');
const { search, configPlaces, read } = internals();

const root = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-search-'));
after(() => rmSync(root, { recursive: true, force: true }));

test("the search places are cosmiconfig's getDefaultSearchPlaces('wrapt-hooks'), in its order", () => {
  assert.deepEqual([...configPlaces.SEARCH_PLACES], getDefaultSearchPlaces('wrapt-hooks'));
});

test("the JSON loader gives what cosmiconfig's gives, and fails where it fails, naming the line and column", () => {
  for (const text of [
    '{"patches": {"fs": "./a.js"}}',
    '[1, 2]',
    'null',
    '"x"',
    '1e3',
    '{"a": 1, "a": 2}',
    '\ufeff{"bom": true}',
    '{',
    '{"a": 1,}',
    "{'a': 1}",
  ]) {
    let ours;
    let theirs;
    try {
      ours = { value: read.loadJson('/x/.wrapt-hooksrc.json', text) };
    } catch (error) {
      ours = { error: error.message };
    }
    try {
      theirs = { value: defaultLoadersSync['.json']('/x/.wrapt-hooksrc.json', text) };
    } catch (error) {
      theirs = { error: error.message };
    }
    if (theirs.error === undefined) {
      assert.deepEqual(ours, theirs, text);
      continue;
    }
    // The same failure, said with the position (cosmiconfig's message has only the parser's words).
    assert.match(ours.error ?? '', /^\/x\/\.wrapt-hooksrc\.json: cannot parse: line 1, column \d+: .+\. Fix the file or remove it\.$/, text);
  }
});

// A small deterministic generator, so that a failure names a layout that can be rebuilt.
function random(seed) {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n); // the high bits: an LCG's low bits repeat quickly
  };
}

function contentFor(place, tag, pick) {
  const ext = path.extname(place);
  const value = `{ "patches": { "fs": "./${tag}.js" } }`;
  if (place === 'package.json')
    return [`{ "name": "p", "wrapt-hooks": ${value} }`, '{ "name": "p" }', '{ "name": "p", "wrapt-hooks": null }', '{ broken'][pick(4)];
  if (ext === '.json') return [value, value, '', ' \n', 'null', '{ broken'][pick(6)];
  if (ext === '' || ext === '.yaml' || ext === '.yml')
    return [`patches:\n  fs: ./${tag}.js\n`, value, '# only a comment\n', 'null', '', 'patches: [\n'][pick(6)];
  if (ext === '.js' || ext === '.cjs') return [`module.exports = ${value};`, 'module.exports = undefined;', 'module.exports = null;', ''][pick(4)];
  if (ext === '.mjs') return [`export default ${value};`, 'export default undefined;'][pick(2)];
  return [`const config: { patches: Record<string, string> } = ${value};\nexport default config;\n`, 'export default undefined;\n'][pick(2)];
}

/** Writes one layout under a fresh directory; returns the working directory to search from. */
function makeLayout(index) {
  const pick = random(index + 1);
  const base = path.join(root, `case-${index}`);
  const depth = 1 + pick(3);
  const dirs = [base];
  for (let level = 1; level <= depth; level++) dirs.push(path.join(dirs[level - 1], `d${level}`));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  // The project boundary: a package.json (or package.yaml) at some level, or none at all.
  const boundary = pick(depth + 2) - 1;
  if (boundary >= 0) {
    const dir = dirs[boundary];
    if (pick(8) === 0) writeFileSync(path.join(dir, 'package.yaml'), 'name: p\n');
    else writeFileSync(path.join(dir, 'package.json'), contentFor('package.json', `pkg${index}`, pick));
  }
  dirs.forEach((dir, level) => {
    const count = pick(4);
    for (let n = 0; n < count; n++) {
      const place = configPlaces.SEARCH_PLACES[1 + pick(configPlaces.SEARCH_PLACES.length - 1)];
      const file = path.join(dir, place);
      if (existsSync(file)) continue;
      mkdirSync(path.dirname(file), { recursive: true });
      if (pick(15) === 0)
        mkdirSync(file); // a directory where a file is expected
      else writeFileSync(file, contentFor(place, `c${index}-${level}-${n}`, pick));
    }
    if (pick(20) === 0 && !existsSync(path.join(dir, '.config'))) writeFileSync(path.join(dir, '.config'), 'a file, not a directory\n');
  });
  if (pick(25) === 0 && !existsSync(path.join(dirs[depth], '.config'))) mkdirSync(path.join(dirs[depth], '.config'));
  if (pick(25) === 0 && !existsSync(path.join(dirs[depth], '.config', 'config.json')) && existsSync(path.join(dirs[depth], '.config')))
    writeFileSync(path.join(dirs[depth], '.config', 'config.json'), '{ "cosmiconfig": { "searchPlaces": ["custom.json"] } }');
  return dirs[depth];
}

function inProject(cwd) {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'package.yaml'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

function theirs(cwd) {
  try {
    // Its constructor reads the meta config (the working directory's package.json among others): it can throw too.
    const explorer = cosmiconfigSync('wrapt-hooks', {
      searchPlaces: getDefaultSearchPlaces('wrapt-hooks'),
      loaders: read.LOADERS,
      searchStrategy: inProject(cwd) ? 'project' : 'none',
      cache: false,
    });
    const result = explorer.search(cwd);
    return result === null || result.isEmpty ? { file: undefined } : { file: result.filepath, value: result.config };
  } catch (error) {
    return { error: error.filepath ?? error.message };
  }
}

function ours(cwd) {
  const found = search.findConfig(cwd, {});
  // A place that holds nothing is passed over as cosmiconfig passes it over, with a warning naming it.
  const problems = found.problems.filter((problem) => problem.code !== 'WRAPT_HOOKS_CONFIG_EMPTY');
  for (const passed of found.problems.filter((problem) => problem.code === 'WRAPT_HOOKS_CONFIG_EMPTY'))
    assert.match(passed.message, /^\/\S+ holds (only null|no value)/);
  if (problems.length > 0) return { error: problems[0].message };
  return found.file === undefined ? { file: undefined } : { file: found.file, value: found.value };
}

test("the search finds what cosmiconfig's finds, over a corpus of 160 directory layouts", () => {
  const before = process.cwd();
  let found = 0;
  let errors = 0;
  try {
    for (let index = 0; index < 160; index++) {
      const cwd = makeLayout(index);
      // cosmiconfig reads its meta config from the process's working directory.
      process.chdir(cwd);
      const expected = theirs(cwd);
      const actual = ours(cwd);
      const where = `layout ${index} (${path.relative(root, cwd)})`;
      if (expected.error !== undefined) {
        errors++;
        assert.ok(actual.error !== undefined, `${where}: cosmiconfig stopped with an error at ${expected.error}, ours found ${actual.file}`);
        assert.ok(actual.error.includes(expected.error), `${where}: ours should name ${expected.error}: ${actual.error}`);
        continue;
      }
      if (expected.file !== undefined) found++;
      assert.deepEqual(actual, expected, where);
    }
  } finally {
    process.chdir(before);
  }
  // The corpus must exercise both outcomes, or it proves nothing.
  assert.ok(found > 20 && errors > 5 && found + errors < 150, `found ${found}, errors ${errors}`);
});

test('a cosmiconfig meta config in the working directory and a config with $import: cosmiconfig decides, and the results agree', () => {
  const before = process.cwd();
  const meta = path.join(root, 'meta');
  const imports = path.join(root, 'imports');
  for (const [dir, files] of [
    [
      meta,
      {
        'package.json': '{ "name": "m" }',
        '.config/config.json': '{ "cosmiconfig": { "searchPlaces": ["custom.json"] } }',
        'custom.json': '{ "patches": { "fs": "./custom.js" } }',
        '.wrapt-hooksrc.json': '{ "patches": { "fs": "./rc.js" } }',
      },
    ],
    [
      imports,
      {
        'package.json': '{ "name": "i" }',
        '.wrapt-hooksrc.json': '{ "$import": "./base.json", "strict": true }',
        'base.json': '{ "patches": { "fs": "./base.js" } }',
      },
    ],
  ]) {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  }
  try {
    process.chdir(meta);
    assert.deepEqual(ours(meta), theirs(meta));
    assert.deepEqual(ours(meta).file, path.join(meta, 'custom.json'));
    process.chdir(imports);
    assert.deepEqual(ours(imports), theirs(imports));
    assert.deepEqual(ours(imports).value, { patches: { fs: './base.js' }, strict: true });
  } finally {
    process.chdir(before);
  }
});

test('in a workspace, a member holding no config goes on to the workspace root; a member config wins; cosmiconfig stops at the member', () => {
  const before = process.cwd();
  const layouts = {
    npm: { 'package.json': '{ "name": "mono", "workspaces": ["packages/*"] }' },
    pnpm: { 'package.json': '{ "name": "mono" }', 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n' },
    // A package.json without "workspaces" above the member: a project inside another, not a workspace.
    nested: { 'package.json': '{ "name": "outer" }' },
  };
  const rootConfig = '{ "patches": { "fs": "./root.js" } }';
  try {
    for (const [kind, files] of Object.entries(layouts)) {
      const dir = path.join(root, `workspace-${kind}`);
      for (const [name, text] of Object.entries({
        ...files,
        '.wrapt-hooksrc.json': rootConfig,
        'packages/api/package.json': '{ "name": "api" }',
        'packages/api/src/index.js': '',
        'packages/web/package.json': '{ "name": "web", "wrapt-hooks": { "patches": { "fs": "./web.js" } } }',
      })) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), text);
      }
      const api = path.join(dir, 'packages', 'api', 'src');
      process.chdir(api);
      // cosmiconfig's "project" search stops at the member's package.json: the step is ours.
      assert.deepEqual(theirs(api), { file: undefined }, kind);
      const expected = kind === 'nested' ? { file: undefined } : { file: path.join(dir, '.wrapt-hooksrc.json'), value: JSON.parse(rootConfig) };
      assert.deepEqual(ours(api), expected, kind);
      const web = path.join(dir, 'packages', 'web');
      process.chdir(web);
      assert.deepEqual(ours(web), theirs(web), kind);
      assert.equal(ours(web).file, path.join(web, 'package.json'), kind);
    }
  } finally {
    process.chdir(before);
  }
});

test('only directories the search searches are listed, and none larger than LIST_LIMIT bytes: a crowded /tmp or home costs a stat per place', (t) => {
  const fs = require('node:fs');
  const listed = [];
  const readdirSync = fs.readdirSync;
  t.mock.method(fs, 'readdirSync', function (dir, ...rest) {
    listed.push(dir);
    return readdirSync.call(this, dir, ...rest);
  });
  const before = process.cwd();
  // Outside any project: the walk up to / looks for a package.json by a stat per parent.
  const loose = path.join(root, 'crowd', 'loose');
  mkdirSync(loose, { recursive: true });
  // A crowded working directory, as /tmp is, holding the config among its files.
  const crowded = path.join(root, 'crowd', 'crowded');
  mkdirSync(crowded, { recursive: true });
  for (let i = 0; i < 2000; i++) writeFileSync(path.join(crowded, `file-${i}.txt`), '');
  // 2,000 entries take 40-72 KiB on ext4, XFS, tmpfs and btrfs.
  assert.ok(
    fs.statSync(crowded).size > configPlaces.LIST_LIMIT,
    `${fs.statSync(crowded).size} bytes: this file system does not grow a directory's size with its entries`,
  );
  writeFileSync(path.join(crowded, '.wrapt-hooksrc.json'), '{ "patches": { "fs": "./a.js" } }');
  writeFileSync(path.join(crowded, '.wrapt-hooksrc.yaml'), 'patches: {}\n');
  try {
    for (const [cwd, expected] of [
      [loose, { file: undefined }],
      [crowded, { file: path.join(crowded, '.wrapt-hooksrc.json'), value: { patches: { fs: './a.js' } } }],
    ]) {
      process.chdir(cwd);
      assert.deepEqual(ours(cwd), theirs(cwd));
      listed.length = 0;
      assert.deepEqual(ours(cwd), expected);
      // The working directory is listed unless larger than LIST_LIMIT; no parent is listed.
      assert.deepEqual(listed, cwd === crowded ? [] : [cwd], cwd);
    }
    assert.equal(new configPlaces.Listings().list(crowded), undefined);
    assert.deepEqual(new configPlaces.Listings().list(path.join(root, 'crowd')), new Set(['loose', 'crowded']));
    // In a project, the directories from the working directory up to its package.json are searched, so listed.
    const sub = path.join(root, 'crowd', 'project', 'src', 'lib');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(root, 'crowd', 'project', 'package.json'), '{ "name": "p" }');
    process.chdir(sub);
    assert.deepEqual(ours(sub), theirs(sub));
    listed.length = 0;
    ours(sub);
    assert.deepEqual(listed, [sub, path.dirname(sub), path.join(root, 'crowd', 'project')]);
  } finally {
    process.chdir(before);
  }
});
