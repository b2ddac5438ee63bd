// Finding the config file: WRAPT_HOOKS_CONFIG, or cosmiconfig's search for "wrapt-hooks" with its
// "project" strategy: every place of `getDefaultSearchPlaces('wrapt-hooks')` in its order, in the
// working directory and then each parent up to the nearest directory holding a package.json (or
// package.yaml), empty files skipped; in a workspace, a member holding no config is followed by
// the workspace root (docs/config.md). The walk is done here, which spares a preload with a JSON
// config the cost of requiring cosmiconfig; test/unit/config-search.test.mjs compares it with
// `cosmiconfigSync('wrapt-hooks', …).search()` over a corpus of layouts. cosmiconfig itself
// searches when the working directory holds a cosmiconfig meta config (which can change the
// places), and loads a config that uses `$import`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path = require('node:path');
import { debug } from '../debug';
import { describeCause } from '../errors';
import type { Env } from '../env';
import { checkTrust, ConfigLoadError, LOADERS, loadConfigText } from './read';
import type { Problem } from './types';

export const MODULE_NAME = 'wrapt-hooks';

/** cosmiconfig 9's `getDefaultSearchPlaces('wrapt-hooks')` (the test holds them equal). */
export const SEARCH_PLACES: readonly string[] = Object.freeze([
  'package.json',
  ...['', '.json', '.yaml', '.yml', '.js', '.ts', '.cjs', '.mjs'].map((ext) => `.${MODULE_NAME}rc${ext}`),
  ...['', '.json', '.yaml', '.yml', '.js', '.ts', '.cjs', '.mjs'].map((ext) => `.config/${MODULE_NAME}rc${ext}`),
  ...['.js', '.ts', '.cjs', '.mjs'].map((ext) => `${MODULE_NAME}.config${ext}`),
]);

/** Where cosmiconfig looks for its meta config (in the working directory only), besides package.json's "cosmiconfig" field. */
const META_PLACES = ['package.yaml', ...['json', 'yaml', 'yml', 'js', 'ts', 'cjs', 'mjs'].map((ext) => `.config/config.${ext}`)];

/** The errors cosmiconfig's search passes over: the place holds no readable file. */
const NOT_THERE = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES']);

export interface Found {
  /** The config file used, if any. */
  readonly file: string | undefined;
  /** Its config (for package.json, the "wrapt-hooks" field); undefined with no file or an empty one. */
  readonly value?: unknown;
  readonly problems: Problem[];
}

/** Finds and loads the config: `WRAPT_HOOKS_CONFIG`, or the search from `cwd`. Never throws. */
export function findConfig(cwd: string, env: Env = process.env): Found {
  const explicit = env['WRAPT_HOOKS_CONFIG'];
  if (explicit !== undefined) return loadExplicit(cwd, explicit);
  const seen = new Listings();
  const { dirs, boundary } = projectDirs(cwd, seen);
  if (META_PLACES.some((place) => seen.has(cwd, place)) || hasMetaField(path.join(cwd, 'package.json'), seen)) {
    debug(`searched for a config with cosmiconfig: ${cwd} holds a cosmiconfig meta config`);
    return withProblems(() => cosmiconfigExplorer(boundary === undefined ? 'none' : 'project').search(cwd));
  }
  for (const dir of dirs) {
    const found = searchDir(dir, seen);
    if (found === undefined) continue;
    const at = dirs.slice(0, dirs.indexOf(dir) + 1).join(', ');
    debug(
      `searched for a config from ${cwd}: looked in ${at}; ${found.file === undefined ? `stopped: ${found.problems[0]?.message ?? ''}` : `found ${found.file}`}`,
    );
    return found;
  }
  const members = boundary === undefined ? [] : workspaceDirs(path.dirname(boundary), seen);
  for (const dir of members) {
    const found = searchDir(dir, seen);
    if (found === undefined) continue;
    debug(
      `searched for a config from ${cwd}: looked in ${dirs.join(', ')}, then, the member holding none, on to the workspace root ${members.at(-1)}: ${found.file === undefined ? `stopped: ${found.problems[0]?.message ?? ''}` : `found ${found.file}`}`,
    );
    return found;
  }
  debug(
    `searched for a config from ${cwd}: looked in ${[...dirs, ...members].join(', ')}; no config file. ${boundary === undefined ? 'No package.json at or above it, so only it was searched' : members.length > 0 ? `Stopped at ${members.at(-1)}, the workspace root` : `Stopped at ${boundary}, the project boundary`}`,
  );
  return { file: undefined, problems: [] };
}

/**
 * Where the search goes on past a package that holds no config: when `member` is a workspace
 * member (npm, yarn or pnpm workspaces; `npm run -w api` starts in packages/api), its parents up
 * to the workspace root, the nearest one whose package.json lists "workspaces" or that holds
 * pnpm-workspace.yaml. None when a package.json without "workspaces" comes first (a project
 * inside another, not a member), or no root is found: the project boundary stands.
 */
function workspaceDirs(member: string, seen: Listings): string[] {
  const dirs: string[] = [];
  for (let dir = path.dirname(member); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    dirs.push(dir);
    if (seen.has(dir, 'pnpm-workspace.yaml')) return dirs;
    if (!seen.has(dir, 'package.json')) continue;
    try {
      const json: unknown = JSON.parse(seen.read(path.join(dir, 'package.json')));
      return typeof json === 'object' && json !== null && Object.prototype.hasOwnProperty.call(json, 'workspaces') ? dirs : [];
    } catch {
      return []; // unreadable or broken: not a root this search can vouch for
    }
  }
  return [];
}

/**
 * The directories searched: cosmiconfig's "project" strategy, the working directory and its
 * parents up to the nearest one holding a package.json (or package.yaml). Outside any project
 * only the working directory is searched (cosmiconfig's "none"), so that a file in a shared
 * parent such as /tmp never configures the process.
 */
function projectDirs(cwd: string, seen: Listings): { dirs: string[]; boundary: string | undefined } {
  const start = path.resolve(cwd);
  const dirs: string[] = [];
  for (let dir = start; ;) {
    dirs.push(dir);
    const name = ['package.json', 'package.yaml'].find((place) => seen.has(dir, place));
    if (name !== undefined) return { dirs, boundary: path.join(dir, name) };
    const parent = path.dirname(dir);
    if (parent === dir) return { dirs: [start], boundary: undefined };
    dir = parent;
  }
}

/** The first place in `dir` that holds a config, as cosmiconfig reads them; undefined when none does. */
function searchDir(dir: string, seen: Listings): Found | undefined {
  if (seen.list(dir) === undefined && !seen.isDirectory(dir)) return undefined;
  for (const place of SEARCH_PLACES) {
    // A directory listing answers "not there" for most places without a failed read each.
    if (seen.listed(dir, place) === false) continue;
    const file = path.join(dir, place);
    let content: string;
    try {
      content = seen.read(file);
    } catch (error) {
      if (NOT_THERE.has((error as { code?: string }).code ?? '')) continue;
      return { file: undefined, problems: [problem(file, error, 'cannot read')] };
    }
    const found = withProblems(() => {
      const value = loadConfigText(file, content, MODULE_NAME);
      if (value === null || value === undefined) return null;
      return withImports(file, value);
    }, file);
    if (found.file !== undefined || found.problems.length > 0) return found;
  }
  return undefined;
}

/**
 * What one search has seen of the file system: each directory is listed once and each file read
 * once (the working directory's package.json is both the meta-config check and the first place),
 * and "is it there" is answered from a listing, without a failed stat (an exception) per place.
 */
class Listings {
  private readonly listings = new Map<string, Set<string> | undefined>();
  private readonly texts = new Map<string, string>();

  /** The names in `dir`; undefined when it cannot be listed. */
  list(dir: string): Set<string> | undefined {
    if (!this.listings.has(dir)) {
      let names: Set<string> | undefined;
      try {
        names = new Set(readdirSync(dir));
      } catch {
        names = undefined; // unlistable: every place is tried by reading it
      }
      this.listings.set(dir, names);
    }
    return this.listings.get(dir);
  }

  /** Whether a listing shows `place` (a name, or `.config/name`) in `dir`; undefined when no listing can tell. */
  listed(dir: string, place: string): boolean | undefined {
    const slash = place.indexOf('/');
    const names = this.list(dir);
    if (slash === -1) return names?.has(place);
    if (names !== undefined && !names.has(place.slice(0, slash))) return false;
    return this.list(path.join(dir, place.slice(0, slash)))?.has(place.slice(slash + 1));
  }

  /** Whether `place` exists in `dir`. */
  has(dir: string, place: string): boolean {
    const listed = this.listed(dir, place);
    if (listed !== undefined) return listed;
    try {
      return statSync(path.join(dir, place), { throwIfNoEntry: false }) !== undefined;
    } catch {
      return false; // ENOTDIR, EACCES: not a place that holds a file
    }
  }

  isDirectory(dir: string): boolean {
    try {
      return statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      return false;
    }
  }

  /** The text of `file` (read once); throws as readFileSync does. */
  read(file: string): string {
    let text = this.texts.get(file);
    if (text === undefined) {
      text = readFileSync(file, 'utf8');
      this.texts.set(file, text);
    }
    return text;
  }
}

/** `WRAPT_HOOKS_CONFIG`: the file named, no search; empty or /dev/null: no config file. */
function loadExplicit(cwd: string, explicit: string): Found {
  if (explicit.trim() === '' || explicit === '/dev/null') {
    debug('WRAPT_HOOKS_CONFIG is empty or /dev/null: no config file');
    return { file: undefined, problems: [] };
  }
  const file = path.resolve(cwd, explicit);
  let content: string;
  try {
    if (!statSync(file).isFile()) {
      const message = `WRAPT_HOOKS_CONFIG names ${file}, which is not a file (a directory?). Name a config file such as ${path.join(file, `.${MODULE_NAME}rc.json`)}.`;
      return { file: undefined, problems: [{ code: 'WRAPT_HOOKS_CONFIG_PARSE', message }] };
    }
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const message = `WRAPT_HOOKS_CONFIG names ${file}, which does not exist or cannot be read (${describeCause(error)}). Fix the path or unset WRAPT_HOOKS_CONFIG.`;
    return { file: undefined, problems: [{ code: 'WRAPT_HOOKS_CONFIG_NOT_FOUND', message, cause: error }] };
  }
  const found = withProblems(() => {
    const value = loadConfigText(file, content, MODULE_NAME);
    if (value === undefined) {
      debug(`${file} is empty: no patches`);
      return null;
    }
    if (value === null && path.basename(file) === 'package.json') {
      throw new ConfigLoadError('WRAPT_HOOKS_CONFIG_INVALID', file, `${file} has no "${MODULE_NAME}" field. Add one, or name a config file instead.`);
    }
    return withImports(file, value);
  }, file);
  return found.problems.length > 0 || found.file !== undefined ? found : { file, problems: [] };
}

/** A config with cosmiconfig's `$import` key is loaded by cosmiconfig, which merges the files it names. */
function withImports(file: string, value: unknown): { filepath: string; config: unknown } | null {
  if (typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '$import')) {
    return cosmiconfigExplorer('none').load(file);
  }
  return { filepath: file, config: value };
}

/** A cosmiconfig result, or the problem that stopped it (cosmiconfig's search stops at the first error too). */
function withProblems(run: () => { filepath: string; config: unknown; isEmpty?: boolean } | null, loading?: string): Found {
  let result: { filepath: string; config: unknown; isEmpty?: boolean } | null;
  try {
    result = run();
  } catch (error) {
    const file = (error as { filepath?: unknown }).filepath;
    return { file: undefined, problems: [problem(typeof file === 'string' ? file : loading, error)] };
  }
  if (result === null || result.isEmpty === true) return { file: undefined, problems: [] };
  try {
    // JSON and YAML run no code, so only a config that is used is checked (every package.json on the way is read).
    checkTrust(result.filepath);
  } catch (error) {
    return { file: undefined, problems: [problem(result.filepath, error)] };
  }
  return { file: result.filepath, value: result.config, problems: [] };
}

function problem(file: string | undefined, error: unknown, what?: string): Problem {
  if (error instanceof ConfigLoadError) return { code: error.code, message: error.message, cause: error.cause, ...(file === undefined ? {} : { file }) };
  const doing = what ?? (file !== undefined && /\.[cm]?[jt]s$/.test(file) ? 'threw while loading' : 'cannot parse');
  const message = `${file ?? 'config file'}: ${doing}: ${describeCause(error)}. Fix the file or remove it.`;
  return { code: 'WRAPT_HOOKS_CONFIG_PARSE', message, cause: error, ...(file === undefined ? {} : { file }) };
}

interface Explorer {
  search(from: string): { filepath: string; config: unknown; isEmpty?: boolean } | null;
  load(file: string): { filepath: string; config: unknown; isEmpty?: boolean } | null;
}

/** cosmiconfig's own explorer, with the same places and loaders as the walk above. */
export function cosmiconfigExplorer(searchStrategy: 'project' | 'none'): Explorer {
  const { cosmiconfigSync } = require('cosmiconfig') as { cosmiconfigSync(name: string, options: object): Explorer };
  return cosmiconfigSync(MODULE_NAME, { searchPlaces: [...SEARCH_PLACES], loaders: LOADERS, searchStrategy, cache: false });
}

function hasMetaField(file: string, seen: Listings): boolean {
  if (seen.listed(path.dirname(file), path.basename(file)) === false) return false;
  try {
    const text = seen.read(file);
    return text.includes('"cosmiconfig"') && Object.prototype.hasOwnProperty.call(JSON.parse(text) ?? {}, 'cosmiconfig');
  } catch {
    return false; // no package.json, or a broken one: the search reports it where it matters
  }
}
