// The config file: found by cosmiconfig's conventions (search places, order, the project
// boundary), loaded with cosmiconfig's own loaders for YAML and TypeScript, and validated
// key by key into a plan. Reading a plan has no side effects: problems are returned, not
// reported, so that the preload, `doctor` and tests all see the same list.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describeCause, type ErrorCode } from './errors';
import { checkSpecifier, parseTarget, type Target } from './targets';
import { untrustedReason } from './trust';
import { isRange } from './versions';

export const MODULE_NAME = 'wrapt-hooks';

/** cosmiconfig 9's search places for "wrapt-hooks", in its order (`.ts` where TypeScript is installed). */
export const SEARCH_PLACES: readonly string[] = Object.freeze([
  'package.json',
  `.${MODULE_NAME}rc`,
  `.${MODULE_NAME}rc.json`,
  `.${MODULE_NAME}rc.yaml`,
  `.${MODULE_NAME}rc.yml`,
  `.${MODULE_NAME}rc.js`,
  `.${MODULE_NAME}rc.ts`,
  `.${MODULE_NAME}rc.cjs`,
  `.${MODULE_NAME}rc.mjs`,
  `${MODULE_NAME}.config.js`,
  `${MODULE_NAME}.config.ts`,
  `${MODULE_NAME}.config.cjs`,
  `${MODULE_NAME}.config.mjs`,
]);

export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly cause?: unknown;
}

export interface PlanPatch {
  /** The target as written. */
  readonly target: string;
  /** The target, parsed once (when the config was validated). */
  readonly parsed: Target;
  /** The lazy specifier `"<module>#<export>"`. */
  readonly spec: string;
  readonly versions: string | undefined;
  /** Directory the specifier (and a relative target) resolves against. */
  readonly baseDir: string;
  /** For messages: the file and key that declared it. */
  readonly origin: string;
}

export interface PlanTrace {
  readonly target: string;
  readonly path: string;
  readonly spec: string;
  readonly stack: boolean;
  readonly baseDir: string;
  readonly origin: string;
}

/** A validated config (or a patch package's field). */
export interface Section {
  patches: PlanPatch[];
  packages: { name: string; origin: string }[];
  trace: PlanTrace[];
  strict: boolean | undefined;
  problems: Problem[];
}

export interface Plan extends Section {
  /** The config file used, if any. */
  readonly file: string | undefined;
  /** Directory relative targets and specifiers resolve against. */
  readonly dir: string;
  readonly strict: boolean;
}

type Env = Record<string, string | undefined>;

/** Finds the config file: `WRAPT_HOOKS_CONFIG`, or the search from `cwd` up to the nearest package.json. */
export function findConfig(cwd: string, env: Env = process.env): { file: string | undefined; problems: Problem[]; raw?: unknown; empty?: boolean } {
  const explicit = env['WRAPT_HOOKS_CONFIG'];
  if (explicit !== undefined && explicit !== '') {
    const file = path.resolve(cwd, explicit);
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch (error) {
      return { file: undefined, problems: [{ code: 'WRAPT_HOOKS_CONFIG_NOT_FOUND', message: `WRAPT_HOOKS_CONFIG names ${file}, which does not exist (${describeCause(error)}). Fix the path or unset WRAPT_HOOKS_CONFIG.`, cause: error }] };
    }
    if (!isFile) {
      return { file: undefined, problems: [{ code: 'WRAPT_HOOKS_CONFIG_PARSE', message: `WRAPT_HOOKS_CONFIG names ${file}, which is not a file (a directory?). Name a config file such as ${path.join(file, `.${MODULE_NAME}rc.json`)}.` }] };
    }
    return { file, problems: [] };
  }
  for (const dir of searchDirs(cwd)) {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(dir));
    } catch {
      continue;
    }
    for (const place of SEARCH_PLACES) {
      if (!names.has(place)) continue;
      const file = path.join(dir, place);
      if (place === 'package.json') {
        const field = packageJsonField(file);
        if (field === undefined) continue;
        return { file, problems: field.problem === undefined ? [] : [field.problem], raw: field.value };
      }
      if (place.endsWith('.ts') && !typescriptInstalled(dir)) continue;
      if (isEmptyFile(file)) continue; // cosmiconfig's ignoreEmptySearchPlaces
      return { file, problems: [] };
    }
  }
  return { file: undefined, problems: [] };
}

/** cwd, its parents up to the nearest directory holding a package.json; only cwd when there is none. */
function searchDirs(cwd: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.resolve(cwd); ; ) {
    dirs.push(dir);
    if (exists(path.join(dir, 'package.json'))) return dirs;
    const parent = path.dirname(dir);
    if (parent === dir) return [path.resolve(cwd)];
    dir = parent;
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function isEmptyFile(file: string): boolean {
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return false;
    if (stats.size === 0) return true;
    if (stats.size > 4096 || /\.(c|m)?[jt]s$/.test(file)) return false;
    return readFileSync(file, 'utf8').trim() === '';
  } catch {
    return false;
  }
}

function typescriptInstalled(dir: string): boolean {
  try {
    require.resolve('typescript', { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

/** The `"wrapt-hooks"` field of a package.json, or undefined when it has none. */
function packageJsonField(file: string): { value: unknown; problem?: Problem } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Only our business when the broken file was meant to configure us.
    if (!text.includes(`"${MODULE_NAME}"`)) return undefined;
    return { value: undefined, problem: { code: 'WRAPT_HOOKS_CONFIG_PARSE', message: `${file}: cannot parse: ${describeCause(error)}. Fix the JSON.`, cause: error } };
  }
  if (parsed === null || typeof parsed !== 'object' || !Object.prototype.hasOwnProperty.call(parsed, MODULE_NAME)) return undefined;
  return { value: (parsed as Record<string, unknown>)[MODULE_NAME] };
}

/** Reads and parses a config file (the caller has checked that it is trusted); never throws. */
function readConfigFile(file: string): { value?: unknown; problem?: Problem } {
  const base = path.basename(file);
  if (base === 'package.json') {
    const field = packageJsonField(file);
    if (field === undefined) return { problem: { code: 'WRAPT_HOOKS_CONFIG_INVALID', message: `${file} has no "${MODULE_NAME}" field. Add one, or name a config file instead.` } };
    return field.problem === undefined ? { value: field.value } : { problem: field.problem };
  }
  const ext = path.extname(file);
  const parseProblem = (error: unknown, what = 'cannot parse'): { problem: Problem } => ({
    problem: { code: 'WRAPT_HOOKS_CONFIG_PARSE', message: `${file}: ${what}: ${describeCause(error)}. Fix the file or remove it.`, cause: error },
  });
  if (['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'].includes(ext)) {
    try {
      if (ext === '.ts' || ext === '.cts' || ext === '.mts') return { value: interopDefault(loaders().loadTsSync(file, readFileSync(file, 'utf8'))) };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { value: interopDefault(require(file)) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_REQUIRE_ASYNC_MODULE') return parseProblem(error, 'uses top-level await, which a preload cannot wait for; compute the config synchronously');
      return parseProblem(error, 'threw while loading');
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return parseProblem(error, 'cannot read');
  }
  try {
    return { value: JSON.parse(text) };
  } catch (jsonError) {
    if (ext === '.json') return parseProblem(jsonError);
  }
  try {
    // `.wrapt-hooksrc`, `.yaml`, `.yml`: YAML (a superset of JSON), as cosmiconfig reads them.
    return { value: loaders().loadYaml(file, text) };
  } catch (error) {
    return parseProblem(error);
  }
}

function interopDefault(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Module]') return (value as { default?: unknown }).default;
  if (value !== null && typeof value === 'object' && (value as { __esModule?: unknown }).__esModule === true && 'default' in value) return (value as { default?: unknown }).default;
  return value;
}

interface Loaders {
  loadYaml(file: string, content: string): unknown;
  loadTsSync(file: string, content: string): unknown;
}
let cachedLoaders: Loaders | undefined;
function loaders(): Loaders {
  // cosmiconfig's own loaders, required only when a YAML or TypeScript file is used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (cachedLoaders ??= require('cosmiconfig/dist/loaders.js') as Loaders);
}

const CONFIG_KEYS = ['patches', 'packages', 'trace', 'strict'] as const;
const PACKAGE_KEYS = ['patches', 'trace'] as const;
const ENTRY_KEYS = ['patch', 'versions', 'enabled'] as const;
const TRACE_KEYS = ['fn', 'stack', 'enabled'] as const;

/** The readable path of a key: patches["./src/db.js"][1].versions. */
function keyPath(parts: readonly (string | number)[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'undefined' || typeof value === 'symbol' || typeof value === 'bigint') return typeof value;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Validates a config object (kind "config") or a patch package's field (kind "package").
 * `where` names the file (and, for package.json, the field) in every message.
 */
export function validateSection(raw: unknown, where: string, baseDir: string, kind: 'config' | 'package', prefix: readonly string[] = []): Section {
  const section: Section = { patches: [], packages: [], trace: [], strict: undefined, problems: [] };
  const problem = (code: ErrorCode, parts: readonly (string | number)[], text: string): void => {
    section.problems.push({ code, message: `${where}: ${parts.length === 0 && prefix.length === 0 ? '' : `key ${keyPath([...prefix, ...parts])}: `}${text}` });
  };
  if (!isPlainObject(raw)) {
    problem('WRAPT_HOOKS_CONFIG_INVALID', [], `expected an object like {"patches": {"fs": "./patches/fs.js"}}, got ${typeName(raw)}.`);
    return section;
  }
  const known: readonly string[] = kind === 'config' ? CONFIG_KEYS : PACKAGE_KEYS;
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problem('WRAPT_HOOKS_CONFIG_UNKNOWN_KEY', [key], `unknown key (known keys: ${known.join(', ')}). Remove it or fix its spelling.`);
  }
  if (raw['patches'] !== undefined) validatePatches(raw['patches'], where, baseDir, prefix, section, problem);
  if (kind === 'config' && raw['packages'] !== undefined) {
    const packages = raw['packages'];
    if (!Array.isArray(packages)) problem('WRAPT_HOOKS_CONFIG_INVALID', ['packages'], `expected an array of package names, got ${typeName(packages)}.`);
    else
      packages.forEach((name: unknown, index) => {
        if (typeof name !== 'string') problem('WRAPT_HOOKS_CONFIG_INVALID', ['packages', index], `expected a package name, got ${typeName(name)}.`);
        else if (name.trim() !== '') section.packages.push({ name: name.trim(), origin: `${where}, key ${keyPath([...prefix, 'packages', index])}` });
      });
  }
  if (raw['trace'] !== undefined) validateTrace(raw['trace'], where, baseDir, prefix, section, problem);
  if (kind === 'config' && raw['strict'] !== undefined) {
    if (typeof raw['strict'] !== 'boolean') problem('WRAPT_HOOKS_CONFIG_INVALID', ['strict'], `expected true or false, got ${typeName(raw['strict'])}.`);
    else section.strict = raw['strict'];
  }
  return section;
}

type ProblemFn = (code: ErrorCode, parts: readonly (string | number)[], text: string) => void;

function validatePatches(patches: unknown, where: string, baseDir: string, prefix: readonly string[], section: Section, problem: ProblemFn): void {
  if (!isPlainObject(patches)) {
    problem('WRAPT_HOOKS_CONFIG_INVALID', ['patches'], `expected an object mapping targets to patches, got ${typeName(patches)}.`);
    return;
  }
  for (const target of Object.keys(patches)) {
    const parsed = parseTarget(target, baseDir);
    if (typeof parsed === 'string') {
      problem('WRAPT_HOOKS_CONFIG_INVALID', ['patches', target], `${parsed}.`);
      continue;
    }
    const value = patches[target];
    const entries = Array.isArray(value) ? value : [value];
    if (entries.length === 0) {
      problem('WRAPT_HOOKS_CONFIG_INVALID', ['patches', target], 'the list of patches is empty. Add a patch or remove the key.');
      continue;
    }
    entries.forEach((entry: unknown, index) => {
      const parts = Array.isArray(value) ? ['patches', target, index] : ['patches', target];
      const origin = `${where}, key ${keyPath([...prefix, ...parts])}`;
      if (typeof entry === 'string') {
        const bad = checkSpecifier(entry);
        if (bad !== undefined) problem('WRAPT_HOOKS_CONFIG_INVALID', parts, `${bad}.`);
        else section.patches.push({ target, parsed, spec: entry, versions: undefined, baseDir, origin });
        return;
      }
      if (!isPlainObject(entry)) {
        problem('WRAPT_HOOKS_CONFIG_INVALID', parts, `expected a patch specifier like "./patches/x.js#patch" or {"patch": ..., "versions": ...}, got ${typeName(entry)}.`);
        return;
      }
      const unknown = Object.keys(entry).filter((key) => !(ENTRY_KEYS as readonly string[]).includes(key));
      if (unknown.length > 0) {
        problem('WRAPT_HOOKS_CONFIG_UNKNOWN_KEY', [...parts, unknown[0]!], `unknown key (known keys: ${ENTRY_KEYS.join(', ')}). Remove it or fix its spelling.`);
        return;
      }
      const bad = checkSpecifier(entry['patch']);
      if (bad !== undefined) {
        problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, 'patch'], `${bad}.`);
        return;
      }
      if (entry['enabled'] !== undefined && typeof entry['enabled'] !== 'boolean') {
        problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, 'enabled'], `expected true or false, got ${typeName(entry['enabled'])}.`);
        return;
      }
      const versions = entry['versions'];
      if (versions !== undefined && (typeof versions !== 'string' || !isRange(versions))) {
        problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, 'versions'], `${typeName(versions)} is not a semver range. Write one like ">=4 <6" or "^5.1.0".`);
        return;
      }
      if (entry['enabled'] === false) return;
      section.patches.push({ target, parsed, spec: entry['patch'] as string, versions: versions as string | undefined, baseDir, origin });
    });
  }
}

function validateTrace(trace: unknown, where: string, baseDir: string, prefix: readonly string[], section: Section, problem: ProblemFn): void {
  if (!Array.isArray(trace)) {
    problem('WRAPT_HOOKS_CONFIG_INVALID', ['trace'], `expected an array like ["fs#mkdtempSync"], got ${typeName(trace)}.`);
    return;
  }
  trace.forEach((entry: unknown, index) => {
    const parts = ['trace', index];
    let spec: unknown = entry;
    let stack = false;
    if (isPlainObject(entry)) {
      const unknown = Object.keys(entry).filter((key) => !(TRACE_KEYS as readonly string[]).includes(key));
      if (unknown.length > 0) {
        problem('WRAPT_HOOKS_CONFIG_UNKNOWN_KEY', [...parts, unknown[0]!], `unknown key (known keys: ${TRACE_KEYS.join(', ')}). Remove it or fix its spelling.`);
        return;
      }
      for (const flag of ['stack', 'enabled'] as const) {
        if (entry[flag] !== undefined && typeof entry[flag] !== 'boolean') {
          problem('WRAPT_HOOKS_CONFIG_INVALID', [...parts, flag], `expected true or false, got ${typeName(entry[flag])}.`);
          return;
        }
      }
      if (entry['enabled'] === false) return;
      spec = entry['fn'];
      stack = entry['stack'] === true;
      parts.push('fn');
    }
    const parsed = parseTraceSpec(spec, baseDir);
    if (typeof parsed === 'string') {
      problem('WRAPT_HOOKS_CONFIG_INVALID', parts, parsed);
      return;
    }
    section.trace.push({ ...parsed, stack, baseDir, origin: `${where}, key ${keyPath([...prefix, ...parts])}` });
  });
}

/** Parses `"<target>#<path>"`; returns an error message for a bad one. */
export function parseTraceSpec(spec: unknown, baseDir: string): { target: string; path: string; spec: string } | string {
  if (typeof spec !== 'string' || spec.trim() === '') return `expected "<target>#<function path>" like "fs#mkdtempSync", got ${typeName(spec)}.`;
  const at = spec.lastIndexOf('#');
  if (at <= 0 || at === spec.length - 1) return `"${spec}" is not "<target>#<function path>" (like "fs#mkdtempSync" or "pg#Client.prototype.query").`;
  const target = spec.slice(0, at);
  const fnPath = spec.slice(at + 1);
  const bad = parseTarget(target, baseDir);
  if (typeof bad === 'string') return `${bad}.`;
  if (fnPath.split('.').some((part) => part === '' || part === '__proto__')) return `"${fnPath}" in "${spec}" is not a property path like "Client.prototype.query".`;
  return { target, path: fnPath, spec };
}

/** Reads the config (search or WRAPT_HOOKS_CONFIG) and the environment into a plan. */
export function loadPlan(cwd: string = process.cwd(), env: Env = process.env): Plan {
  const found = findConfig(cwd, env);
  const problems: Problem[] = [...found.problems];
  let section: Section = { patches: [], packages: [], trace: [], strict: undefined, problems: [] };
  const file = found.file;
  const dir = file === undefined ? cwd : path.dirname(file);
  // Every config file decides which code runs in the process (a JSON config can name any
  // installed module's export as a patch), so the trust check covers all formats, not only
  // JavaScript: one that another user could have planted or changed is refused.
  const untrusted = file === undefined || found.problems.length > 0 ? undefined : untrustedReason(file);
  if (untrusted !== undefined) problems.push({ code: 'WRAPT_HOOKS_UNTRUSTED_FILE', message: `refusing to load config file ${file}: ${untrusted}.` });
  else if (file !== undefined && found.problems.length === 0) {
    const isPackageJson = path.basename(file) === 'package.json';
    const read = found.raw !== undefined ? { value: found.raw } : readConfigFile(file);
    if (read.problem !== undefined) problems.push(read.problem);
    else section = validateSection(read.value, file, dir, 'config', isPackageJson ? [MODULE_NAME] : []);
  }
  problems.push(...section.problems);
  // A package listed twice (in "packages" and WRAPT_PATCHES, say) is discovered once, where first listed.
  const packages: { name: string; origin: string }[] = [];
  const listed = new Set<string>();
  for (const entry of [...section.packages, ...(env['WRAPT_PATCHES'] ?? '').split(',').map((name) => ({ name: name.trim(), origin: 'WRAPT_PATCHES' }))]) {
    if (entry.name === '' || listed.has(entry.name)) continue;
    listed.add(entry.name);
    packages.push(entry);
  }
  const trace = [...section.trace];
  (env['WRAPT_TRACE'] ?? '').split(',').forEach((item, index) => {
    const spec = item.trim();
    if (spec === '') return;
    const stack = spec.endsWith('+stack');
    const parsed = parseTraceSpec(stack ? spec.slice(0, -'+stack'.length) : spec, cwd);
    if (typeof parsed === 'string') problems.push({ code: 'WRAPT_HOOKS_CONFIG_INVALID', message: `WRAPT_TRACE entry ${index + 1} (${JSON.stringify(spec)}): ${parsed}` });
    else trace.push({ ...parsed, stack, baseDir: cwd, origin: 'WRAPT_TRACE' });
  });
  const strictEnv = env['WRAPT_HOOKS_STRICT'];
  const strict = (strictEnv !== undefined && strictEnv !== '' && strictEnv !== '0' && strictEnv.toLowerCase() !== 'false') || section.strict === true;
  return { file, dir, patches: section.patches, packages, trace, strict, problems };
}
