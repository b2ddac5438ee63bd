// Shared test helpers for the spawned suites: build throwaway applications that install
// wrapt-hooks the way users do (node_modules/wrapt-hooks -> this repository, so the package's
// "exports" map is what resolves `wrapt-hooks/register`), run them with a preload, and read what
// they printed. The runner is `spawnChild` (async: runNodeAsync, runAppAsync), so that the tests
// of a file run side by side with `{ concurrency }`; runNode, runCommand and runApp wait for
// their child (spawnSync), for tests that need one at a time. All give the same result shape.
import { spawnSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import assert from 'node:assert/strict';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const NODE = process.execPath;
export const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
/** The compatibility suite's own dependencies (real npm packages; `npm run test:compat` installs them). */
export const COMPAT_MODULES = path.join(ROOT, 'test', 'compat', 'node_modules');

const created = [];
after(() => {
  if (process.env.WRAPT_TEST_KEEP) return;
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/**
 * Creates an application directory.
 *   files:    { 'app.js': '...', 'patches/x.js': '...' } (objects are written as JSON)
 *   packages: names of fixture packages under test/fixtures/node_modules to install,
 *             or { name: { 'package.json': {...}, 'index.js': '...' } } written in place
 *   real:     names of real npm packages to link in: from test/compat/node_modules (the
 *             compatibility suite's), else from the project's node_modules (its own dependencies
 *             and tools, such as semver and typescript)
 *   packageJson: false to leave the app without a package.json
 */
export function makeApp({ files = {}, packages = [], real = [], packageJson = { name: 'app', version: '1.0.0', private: true } } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wrapt-hooks-test-'));
  created.push(dir);
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'wrapt-hooks'), 'dir');
  if (packageJson) writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
  const list = Array.isArray(packages) ? packages : Object.keys(packages);
  for (const name of list) {
    const target = path.join(dir, 'node_modules', name);
    mkdirSync(path.dirname(target), { recursive: true });
    if (Array.isArray(packages)) cpSync(path.join(FIXTURES, 'node_modules', name), target, { recursive: true });
    else writeFiles(target, packages[name]);
  }
  for (const name of real) {
    const target = path.join(dir, 'node_modules', name);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(realPackage(name), target, 'dir');
  }
  writeFiles(dir, files);
  return dir;
}

/** Where real package `name` is installed; throws, saying how to install it, when nowhere. */
export function realPackage(name) {
  for (const modules of [COMPAT_MODULES, path.join(ROOT, 'node_modules')]) {
    const dir = path.join(modules, name);
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${name} is not installed: run "npm run test:compat" (or "npm ci --prefix test/compat") first`);
}

/** Writes { relative path: content } under dir; objects become JSON. */
export function writeFiles(dir, files) {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** Environment for a child: the parent's, without our own variables, plus `env`. */
export function childEnv(env = {}) {
  const base = { ...process.env };
  for (const key of Object.keys(base)) {
    if (key.startsWith('WRAPT_') || key === 'NODE_OPTIONS' || key.startsWith('NODE_TEST')) delete base[key];
  }
  return { ...base, ...env };
}

/**
 * The runner: starts `command args` in `cwd` with `childEnv(env)` and resolves, when it has
 * exited, to { code, signal, stdout, stderr, warnings, error }. Never rejects: a child that
 * cannot start resolves with `error` set (and code null); one that outlives `timeout` is killed.
 */
export function spawnChild(cwd, command, args, { env = {}, input, timeout = 60_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: childEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let error;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      error = new Error(`timed out after ${timeout} ms: ${command} ${args.join(' ')}`);
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (cause) => (error = cause));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, warnings: parseWarnings(stderr), error });
    });
  });
}

/** `node ...args` in `cwd` (async): see spawnChild. `node` picks another Node binary. */
export function runNodeAsync(cwd, args, { node = NODE, ...options } = {}) {
  return spawnChild(cwd, node, args, options);
}

/** runApp, async: `script` in `cwd` with the --require preload (or `args`, or none with `preload: false`). */
export async function runAppAsync(cwd, { script = 'app.js', args = PRELOAD, preload = true, env = {}, input } = {}) {
  const result = await runNodeAsync(cwd, [...(preload ? args : []), ...(script === null ? [] : [script])], { env, input });
  assert.equal(result.error, undefined, String(result.error));
  return result;
}

/** Runs `jobs` (functions returning promises) at most `limit` at a time; results in order. */
export async function pool(jobs, limit = 4) {
  const results = new Array(jobs.length);
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const at = next++;
      results[at] = await jobs[at]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/** Runs `node ...args` in `cwd` and waits; the same result as runNodeAsync. */
export function runNode(cwd, args, { env = {}, input, timeout = 60_000, node = NODE } = {}) {
  return runCommand(cwd, node, args, { env, input, timeout });
}

/** Runs any command (e.g. the CLI) and waits; the same result shape. */
export function runCommand(cwd, command, args, { env = {}, input, timeout = 60_000 } = {}) {
  const result = spawnSync(command, args, { cwd, env: childEnv(env), input, encoding: 'utf8', timeout, maxBuffer: 16 << 20 });
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    warnings: parseWarnings(result.stderr),
    error: result.error,
  };
}

/** Starts a child without waiting (for signals). */
export function startNode(cwd, args, { env = {} } = {}) {
  return spawn(NODE, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** WraptHooksWarning lines Node printed: [{ code, message }]. */
export function parseWarnings(stderr = '') {
  const out = [];
  for (const match of stderr.matchAll(/^\(node:\d+\) \[([A-Z_]+)\] WraptHooksWarning: (.*)$/gm)) {
    out.push({ code: match[1], message: match[2] });
  }
  return out;
}

/** stdout (or any text) as lines, without empty ones. */
export function lines(text) {
  return text.split('\n').filter((line) => line !== '');
}

/** How many times `needle` occurs in `text`. */
export function count(text, needle) {
  return text.split(needle).length - 1;
}

/** The child exited 0 and gave no WraptHooksWarning. */
export function assertClean(result, label = '') {
  const prefix = label === '' ? '' : `${label}: `;
  assert.equal(result.code, 0, `${prefix}exit code ${result.code}; stderr:\n${result.stderr}`);
  assert.deepEqual(result.warnings, [], `${prefix}no warnings expected; stderr:\n${result.stderr}`);
}

/**
 * One child, many sections: scenarios that need the same app, preload and environment run in
 * turn in one child (a preloaded Node costs far more than a scenario), and each test reads its
 * own section of what the child printed. `scenarios` is { name: code }, run in that order.
 *
 *   const run = sections({ lazy: '...', redaction: '...' });
 *   makeApp({ files: { 'app.js': run.script } });
 *   run.read(result, 'lazy')            // that scenario's stdout (or { stream: 'stderr' })
 *
 * The script prints a marker line on stdout and stderr where each scenario begins and ends. A
 * marker holds a random nonce, so no output can end a section by accident. Each scenario is the
 * body of an async function (`await` works; its declarations are its own), awaited before the
 * next; one that throws is reported in its section and the next runs. `prelude` goes first
 * ("'use strict';", shared declarations). read() fails naming the section, with the child's
 * stderr, when the scenario threw, never began or never finished (the child died in it).
 */
export function sections(scenarios, { prelude = '' } = {}) {
  const tag = `@@section-${randomBytes(8).toString('hex')} `;
  const names = Object.keys(scenarios);
  const mark = (name, state) => `__mark(${JSON.stringify(name)}, '${state}');`;
  const body = names
    .map(
      (name) =>
        `  ${mark(name, 'begin')}\n  try {\n    await (async () => {\n${scenarios[name]}\n    })();\n    ${mark(name, 'end')}\n  } catch (error) {\n    __mark(${JSON.stringify(name)}, 'threw', error);\n  }\n`,
    )
    .join('');
  const script = `${prelude}
function __mark(name, state, error) {
  const line = ${JSON.stringify(tag)} + JSON.stringify({ name, state, error: error === undefined ? undefined : String((error && error.stack) || error) }) + '\\n';
  process.stdout.write(line);
  process.stderr.write(line);
}
(async () => {
${body}})();
`;

  /** { before, after, sections: Map(name -> { text, state, error }) } of one stream's output. */
  function parse(text) {
    const found = new Map();
    let before = '';
    let current;
    let after = '';
    let at = 0;
    for (let next = text.indexOf(tag); next !== -1; next = text.indexOf(tag, at)) {
      const end = text.indexOf('\n', next);
      const chunk = text.slice(at, next);
      if (current !== undefined) current.text += chunk;
      else if (found.size === 0) before += chunk;
      else after += chunk;
      const marker = JSON.parse(text.slice(next + tag.length, end === -1 ? undefined : end));
      if (marker.state === 'begin') {
        current = { text: '', state: 'begin', error: undefined };
        found.set(marker.name, current);
      } else {
        const section = found.get(marker.name);
        if (section !== undefined) Object.assign(section, { state: marker.state, error: marker.error });
        current = undefined;
      }
      at = end === -1 ? text.length : end + 1;
    }
    const rest = text.slice(at);
    if (current !== undefined) current.text += rest;
    else if (found.size === 0) before += rest;
    else after += rest;
    return { before, after, sections: found };
  }

  /** The text `name` printed on `stream`; fails, naming it, when it threw or did not run to its end. */
  function read(result, name, { stream = 'stdout' } = {}) {
    assert.ok(names.includes(name), `no scenario named ${JSON.stringify(name)}: the scenarios are ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    const { sections: found } = parse(result.stdout ?? '');
    const section = found.get(name);
    const exit = `exit code ${result.code}${result.signal ? `, signal ${result.signal}` : ''}`;
    const stderr = `the child's stderr:\n${result.stderr}`;
    if (section === undefined) {
      const ran = names.filter((n) => found.has(n));
      const last = ran.length === 0 ? 'before the first section' : `after section ${JSON.stringify(ran[ran.length - 1])}`;
      assert.fail(`section ${JSON.stringify(name)} never began: the child (${exit}) stopped ${last}; ${stderr}`);
    }
    if (section.state === 'threw') assert.fail(`section ${JSON.stringify(name)} threw: ${section.error}\n${stderr}`);
    if (section.state !== 'end') assert.fail(`section ${JSON.stringify(name)} did not finish: the child (${exit}) ended inside it; ${stderr}`);
    return stream === 'stdout' ? section.text : (parse(result[stream] ?? '').sections.get(name)?.text ?? '');
  }

  return {
    script,
    read,
    /** read(), as lines without empty ones. */
    lines: (result, name, options) => lines(read(result, name, options)),
    /** What `stream` holds outside every section: { before, after } (after: at exit). */
    outside: (result, stream = 'stdout') => {
      const { before, after } = parse(result[stream] ?? '');
      return { before, after };
    },
  };
}

/** `node --require wrapt-hooks/register` */
export const PRELOAD = Object.freeze(['--require', 'wrapt-hooks/register']);

/** Runs `script` in `cwd` with `args` (the --require preload by default; `preload: false` for none). */
export function runApp(cwd, { script = 'app.js', args = PRELOAD, preload = true, env = {}, input } = {}) {
  const result = runNode(cwd, [...(preload ? args : []), ...(script === null ? [] : [script])], { env, input });
  assert.equal(result.error, undefined, String(result.error));
  return result;
}

/** The preload flags, by name, for tables of tests. */
export const PRELOADS = {
  require: (env = {}) => ({ args: ['--require', 'wrapt-hooks/register'], env }),
  import: (env = {}) => ({ args: ['--import', 'wrapt-hooks/register'], env }),
  NODE_OPTIONS: (env = {}) => ({ args: [], env: { ...env, NODE_OPTIONS: '--require wrapt-hooks/register' } }),
};

export { chmodSync, existsSync, path };
