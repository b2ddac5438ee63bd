#!/usr/bin/env node
// Real-package matrix: for each popular npm package of the corpus, an application loads it
// (ESM `import * as ns` and, where the package has a CommonJS build, `require`) with a patch
// on it that counts its firing, preloaded by `--require` and by `--import`. Its export keys
// (sorted, with the typeof of each) must be identical to a run without the preload, and the
// patch must fire exactly once.
//
//   node test/compat/real-packages.mjs            runs the matrix on this Node, updates test/compat/REAL-PACKAGES.md
//   node test/compat/real-packages.mjs --check    the same without writing; exits 1 on a failure
//
// test/compat/real-packages.test.mjs imports this module and runs the same checks as tests. The
// packages are the compatibility suite's own dependencies (test/compat/node_modules; `npm run
// test:compat` installs them).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const MODULES = path.join(HERE, 'node_modules');
export const REPORT = path.join(HERE, 'REAL-PACKAGES.md');

/**
 * The corpus. `esm`: the package has an ES module entry (`import` gets ESM); `cjs`: it has a
 * CommonJS entry (`require` works without require(esm)). Every package is also imported from
 * an ES module app, CommonJS-only ones included (import-in-the-middle then wraps CommonJS).
 * `why`: what it is known for, in import-in-the-middle's history or in its shape.
 */
export const CORPUS = Object.freeze([
  {
    name: 'date-fns',
    esm: true,
    cjs: true,
    why: '`index.js` is 245 `export *` lines; `format.js` and `parse.js` both re-export one `longFormatters` binding (import-in-the-middle dropped it: fixed here, see below)',
  },
  { name: '@sinclair/typebox', esm: true, cjs: true, why: '71 `export *` in its entry, several levels deep' },
  { name: 'zod', esm: true, cjs: true, why: '`export *` of a module that is also re-exported as the namespace `z` and as `default`' },
  { name: 'drizzle-orm', esm: true, cjs: true, why: '`export *` of 14 modules with overlapping helper names (import-in-the-middle #171 territory)' },
  { name: 'openai', esm: true, cjs: true, why: 'CommonJS package (`type: commonjs`) with a separate `.mjs` build: two instances when both are loaded' },
  {
    name: '@langchain/core',
    specifier: '@langchain/core/messages',
    target: { import: '@langchain/core/dist/messages/index.js', require: '@langchain/core/dist/messages/index.cjs' },
    esm: true,
    cjs: true,
    why: 'only subpath exports (74 of them); the app loads `@langchain/core/messages` and the patch targets the file inside the package, `.js` for ESM and `.cjs` for CommonJS',
  },
  { name: 'koa', esm: true, cjs: true, why: '`import` gets `dist/koa.mjs`, an ES module that re-exports the CommonJS build' },
  { name: 'express', esm: false, cjs: true, why: 'CommonJS function export with properties; the usual instrumentation target' },
  { name: 'lodash', esm: false, cjs: true, why: 'one 17,000-line CommonJS file, `module.exports = _`: a function with 308 properties' },
  { name: 'lodash-es', esm: true, cjs: false, why: 'ESM-only, 644 modules, an entry of 321 `export { default as x }` re-exports' },
  { name: 'pg', esm: true, cjs: true, why: 'ESM wrapper `esm/index.mjs` over the CommonJS build, which has a lazy `native` getter' },
  { name: 'undici', esm: false, cjs: true, why: 'CommonJS whose exports are assigned one by one (`module.exports.x = ...`) over 230 lines' },
  { name: 'uuid', esm: true, cjs: true, why: 'dual package behind `node` export conditions' },
  {
    name: 'rxjs',
    esm: false,
    cjs: true,
    why: 'CommonJS build made of tslib `__exportStar` getters; its ESM builds are reachable only through bundler conditions',
  },
  { name: 'chalk', esm: true, cjs: false, why: 'ESM-only, default export plus named exports' },
  { name: 'nanoid', esm: true, cjs: false, why: 'ESM-only, imports `node:crypto`' },
  { name: 'dayjs', esm: false, cjs: true, why: 'UMD bundle (`module.exports = factory()`)' },
  { name: 'ajv', esm: false, cjs: true, why: 'CommonJS `module.exports = exports = Ajv` with `Object.defineProperty(exports, ...)` getters' },
  { name: 'graphql', esm: true, cjs: true, why: 'no exports map: `main: "index"` resolves to the CommonJS build for `import` too; `.mjs` files beside it' },
  { name: 'axios', esm: true, cjs: true, why: 'ESM entry that destructures its default instance into named exports' },
  { name: 'hono', esm: true, cjs: true, why: 'dual package, class export, `exports` map with `import`/`require`' },
]);

/** The package's installed version (this repository's node_modules). */
export function installedVersion(name) {
  return JSON.parse(readFileSync(path.join(MODULES, name, 'package.json'), 'utf8')).version;
}

/** The cases for one package: how the app loads it. */
export function formatsOf(entry) {
  const formats = ['import'];
  if (entry.cjs) formats.push('require');
  return formats;
}

export const FLAGS = Object.freeze(['--require', '--import']);

// The app prints what it sees of the module: typeof, sorted own keys with the typeof of each
// value (a binding in its temporal dead zone shows as "<TDZ>"), the same for `default`, and
// the patch firings recorded by the counting patch.
const DESCRIBE = `
function describe(value) {
  const out = { type: typeof value, keys: [] };
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return out;
  for (const key of Object.keys(value).sort()) {
    let kind;
    try { kind = typeof value[key]; } catch (error) { kind = '<' + (error && error.name) + '>'; }
    out.keys.push(key + ':' + kind);
  }
  return out;
}
function report(value) {
  const seen = describe(value);
  if (value !== null && (typeof value === 'object' || typeof value === 'function') && 'default' in value) {
    try { seen.default = describe(value.default); } catch (error) { seen.default = '<' + (error && error.name) + '>'; }
  }
  process.stdout.write(JSON.stringify({ module: seen, fired: globalThis.__wraptHooksFired ?? [] }) + '\\n');
}
`;

const COUNT_PATCH = `'use strict';
// Counts its firings; changes nothing.
module.exports = function countFirings(exports, info) {
  (globalThis.__wraptHooksFired ??= []).push({ format: info.format, file: info.filename ? require('node:path').basename(info.filename) : undefined, version: info.version });
};
`;

/** One app directory per package under `workspace`; returns its path. */
export function makeApp(workspace, entry) {
  const name = entry.name;
  const dir = path.join(workspace, name.replace(/[@/]/g, '_'));
  if (existsSync(path.join(dir, 'app.mjs'))) return dir;
  mkdirSync(path.join(dir, 'node_modules', name), { recursive: true });
  rmSync(path.join(dir, 'node_modules', name), { recursive: true });
  symlinkSync(path.join(MODULES, name), path.join(dir, 'node_modules', name), 'dir');
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'wrapt-hooks'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'real-packages-app', version: '1.0.0', private: true }));
  const patches = {};
  for (const format of formatsOf(entry)) patches[targetOf(entry, format)] = './count.cjs';
  writeFileSync(path.join(dir, '.wrapt-hooksrc.json'), JSON.stringify({ patches }, null, 2));
  writeFileSync(path.join(dir, 'count.cjs'), COUNT_PATCH);
  const specifier = JSON.stringify(entry.specifier ?? name);
  writeFileSync(path.join(dir, 'app.mjs'), `import * as ns from ${specifier};\n${DESCRIBE}\nreport(ns);\n`);
  writeFileSync(path.join(dir, 'app.cjs'), `'use strict';\nconst m = require(${specifier});\n${DESCRIBE}\nreport(m);\n`);
  return dir;
}

/** The patch target for a format: the package name, or the file inside it that the format loads. */
export function targetOf(entry, format) {
  return entry.target?.[format] ?? entry.name;
}

export function makeWorkspace() {
  return mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-real-'));
}

/** Runs node in `cwd`; resolves { code, stdout, stderr }. */
export function run(cwd, args, { env = {}, node = process.execPath, timeout = 120_000 } = {}) {
  const childEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) {
    if (key.startsWith('WRAPT_') || key === 'NODE_OPTIONS' || key.startsWith('NODE_TEST')) delete childEnv[key];
  }
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function parseOutput(result) {
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Differences between two module descriptions, as short strings. */
export function diffModules(expected, actual) {
  const out = [];
  const walk = (a, b, where) => {
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
      if (a !== b) out.push(`${where}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
      return;
    }
    if (a.type !== b.type) out.push(`${where}typeof ${a.type} -> ${b.type}`);
    const left = new Set(a.keys);
    const right = new Set(b.keys);
    for (const key of a.keys) if (!right.has(key)) out.push(`${where}-${key}`);
    for (const key of b.keys) if (!left.has(key)) out.push(`${where}+${key}`);
    if ('default' in a || 'default' in b) walk(a.default, b.default, `${where}default.`);
  };
  walk(expected, actual, '');
  return out;
}

/**
 * Checks one package in one format with both flags. `baseline` is computed once and shared.
 * Returns one row per flag: { name, version, format, flag, node, identical, firedOnce, diff, fired, problem }.
 */
export async function checkPackage(workspace, entry, format, { node = process.execPath, flags = FLAGS } = {}) {
  const dir = makeApp(workspace, entry);
  const app = format === 'import' ? 'app.mjs' : 'app.cjs';
  const version = installedVersion(entry.name);
  const nodeVersion = await nodeVersionOf(node);
  const base = await run(dir, [app], { node });
  const expected = parseOutput(base);
  const rows = [];
  for (const flag of flags) {
    const row = { name: entry.name, version, format, flag, node: nodeVersion, identical: false, firedOnce: false, diff: [], fired: [], problem: undefined };
    rows.push(row);
    if (base.code !== 0 || expected === undefined) {
      row.problem = `the app fails without the preload (exit ${base.code}): ${base.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
      continue;
    }
    const result = await run(dir, [flag, 'wrapt-hooks/register', app], { node });
    const actual = parseOutput(result);
    if (result.code !== 0 || actual === undefined) {
      row.problem = `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}: ${result.stderr.trim().split('\n').slice(0, 5).join(' | ')}`;
      continue;
    }
    row.diff = diffModules(expected.module, actual.module);
    row.identical = row.diff.length === 0;
    row.fired = actual.fired;
    row.firedOnce = actual.fired.length === 1;
    const warnings = result.stderr.split('\n').filter((line) => line.includes('WraptHooksWarning') || line.includes('WRAPT_HOOKS_'));
    if (warnings.length > 0) row.problem = warnings.join(' | ');
  }
  return rows;
}

const versionCache = new Map();
async function nodeVersionOf(node) {
  if (node === process.execPath) return process.versions.node;
  if (!versionCache.has(node)) versionCache.set(node, (await run(tmpdir(), ['-p', 'process.versions.node'], { node })).stdout.trim());
  return versionCache.get(node);
}

/** Runs `tasks` (functions returning promises) with at most `limit` at once, results in order. */
export async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const at = next++;
      results[at] = await tasks[at]();
    }
  });
  await Promise.all(workers);
  return results;
}

// ---- the report ---------------------------------------------------------------------------

const HEADER = '| package | version | format | flag | node | exports identical? | fired once? | notes |';

function rowLine(row) {
  const notes = [
    row.problem,
    row.diff.length > 0 ? `differs: ${row.diff.slice(0, 6).join(', ')}${row.diff.length > 6 ? ', …' : ''}` : undefined,
    !row.firedOnce && row.problem === undefined ? `fired ${row.fired.length}×` : undefined,
  ]
    .filter(Boolean)
    .join('; ')
    .replace(/\|/g, '\\|');
  const mark = (ok) => (ok ? 'yes' : '**NO**');
  return `| ${row.name} | ${row.version} | ${row.format === 'import' ? 'ESM import' : 'require'} | ${row.flag} | ${row.node} | ${mark(row.identical)} | ${mark(row.firedOnce)} | ${notes} |`;
}

/** Rows of the existing report for other Node majors (the report covers every Node it was run on). */
function keptRows(text, major) {
  const rows = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('| ') || line === HEADER || line.startsWith('| ---')) continue;
    const cells = line.split(' | ');
    const node = cells[4];
    if (node === undefined || !/^\d+\.\d+\.\d+$/.test(node.trim())) continue;
    if (Number(node.split('.')[0]) !== major) rows.push(line);
  }
  return rows;
}

export function writeReport(rows, file = REPORT) {
  const major = Number(rows[0]?.node.split('.')[0] ?? process.versions.node.split('.')[0]);
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = [...keptRows(previous, major), ...rows.map(rowLine)];
  const order = (line) => {
    const cells = line.split(' | ');
    const index = CORPUS.findIndex((entry) => `| ${entry.name}` === cells[0]);
    return [index, cells[2], cells[3], Number(cells[4].split('.')[0])];
  };
  lines.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
  const nodes = [...new Set(lines.map((line) => line.split(' | ')[4]))].sort((a, b) => Number(a.split('.')[0]) - Number(b.split('.')[0]));
  const failures = lines.filter((line) => line.includes('**NO**')).length;
  const text = `# Real packages under the preload

Generated by \`node test/compat/real-packages.mjs\` (run it once per Node line: it replaces the rows of the
running Node's major and keeps the others). The same checks run as tests in \`test/compat/real-packages.test.mjs\`.

For each package an application loads it — \`import * as ns from '<pkg>'\` from an ES module
("ESM import", every package, CommonJS-only ones included) and \`require('<pkg>')\` where the package
has a CommonJS build — with a config patch on the package that counts its firings, preloaded with
\`--require wrapt-hooks/register\` and with \`--import wrapt-hooks/register\`.

- **exports identical?** the sorted export keys, the \`typeof\` of each, and the same for \`default\`,
  are exactly those of the same application run without the preload.
- **fired once?** the patch ran exactly once.

Nodes: ${nodes.join(', ')}. Rows: ${lines.length}, failing: ${failures}.

## Corpus

| package | the app loads | patch target | why it is here |
| --- | --- | --- | --- |
${CORPUS.map((entry) => `| ${entry.name} | \`${entry.specifier ?? entry.name}\` | ${[...new Set(formatsOf(entry).map((format) => targetOf(entry, format)))].map((target) => `\`${target}\``).join(', ')} | ${entry.why} |`).join('\n')}

## Findings

- **date-fns 4 under \`import\`** (all Node lines, both flags): import-in-the-middle 3.6 dropped
  \`longFormatters\` from the wrapper it builds for the target (\`format.js\` and \`parse.js\` both re-export
  the same binding, and \`index.js\` has \`export *\` of both: not a conflict for the language, a conflict
  for import-in-the-middle's name analysis). The namespace had 249 keys instead of 250, and
  \`import { longFormatters } from 'date-fns'\` failed to link (\`SyntaxError: ... does not provide an
  export named 'longFormatters'\`): the preload stopped the application. Fixed in \`src/hooks/esm-wrapper.ts\`:
  every wrapper gets \`export * from '<original>'\` appended, so a name the wrapper misses still comes
  from the original module (the wrapper's own exports take precedence; names the language itself
  finds ambiguous stay excluded). Such a name is present and correct but cannot be rebound by a patch.
- Everything else matched on the first run: no missing or extra export, no \`typeof\` change, and
  every patch fired exactly once (dual packages: the instance the app loaded, once).

## Results

${HEADER}
| --- | --- | --- | --- | --- | --- | --- | --- |
${lines.join('\n')}
`;
  writeFileSync(file, text);
  return { failures, rows: lines.length };
}

async function main() {
  const check = process.argv.includes('--check');
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const corpus = only.length > 0 ? CORPUS.filter((entry) => only.includes(entry.name)) : CORPUS;
  const workspace = makeWorkspace();
  const started = Date.now();
  try {
    const tasks = [];
    for (const entry of corpus) for (const format of formatsOf(entry)) tasks.push(() => checkPackage(workspace, entry, format));
    const rows = (await pool(tasks, 3)).flat();
    for (const row of rows) {
      const ok = row.identical && row.firedOnce && row.problem === undefined;
      process.stdout.write(
        `${ok ? 'ok  ' : 'FAIL'} ${row.name}@${row.version} ${row.format} ${row.flag} node ${row.node}${ok ? '' : `: ${[row.problem, row.diff.join(', '), `fired ${row.fired.length}x`].filter(Boolean).join('; ')}`}\n`,
      );
    }
    const failing = rows.filter((row) => !(row.identical && row.firedOnce && row.problem === undefined)).length;
    if (!check && only.length === 0) {
      const { rows: total } = writeReport(rows);
      process.stdout.write(`wrote ${path.relative(process.cwd(), REPORT)} (${total} rows)\n`);
    }
    process.stdout.write(`${rows.length - failing} passed, ${failing} failed (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    if (failing > 0) process.exitCode = 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
