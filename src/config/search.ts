// Finding the config file: WRAPT_HOOKS_CONFIG, or cosmiconfig's search for "wrapt-hooks" with its
// "project" strategy: every place of `getDefaultSearchPlaces('wrapt-hooks')` in its order, in the
// working directory and then each parent up to the nearest directory holding a package.json (or
// package.yaml), empty files skipped; in a workspace, a member holding no config is followed by
// the workspace root (docs/config.md). The walk is done here, which spares a preload with a JSON
// config the cost of requiring cosmiconfig; test/unit/config-search.test.mjs compares it with
// `cosmiconfigSync('wrapt-hooks', …).search()` over a corpus of layouts. cosmiconfig itself
// searches when the working directory holds a cosmiconfig meta config (which can change the
// places), and loads a config that uses `$import`. Every file is vetted (one stat: a regular
// file, not writable by others, owned by this user or root) before any byte of it is read or
// cosmiconfig is handed it; cosmiconfig is never handed a JavaScript meta config, which its own
// loaders would run (docs/production-and-security.md).
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path = require('node:path');
import { debug } from '../debug';
import { describeCause } from '../errors';
import type { Env } from '../env';
import { ownerReason, vet } from '../core/trust';
import { ConfigLoadError, loadConfigText, refused } from './read';
import type { Problem } from './types';

export const MODULE_NAME = 'wrapt-hooks';

/** cosmiconfig 9's `getDefaultSearchPlaces('wrapt-hooks')` (the test holds them equal). */
export const SEARCH_PLACES: readonly string[] = Object.freeze([
  'package.json',
  ...['', '.json', '.yaml', '.yml', '.js', '.ts', '.cjs', '.mjs'].map((ext) => `.${MODULE_NAME}rc${ext}`),
  ...['', '.json', '.yaml', '.yml', '.js', '.ts', '.cjs', '.mjs'].map((ext) => `.config/${MODULE_NAME}rc${ext}`),
  ...['.js', '.ts', '.cjs', '.mjs'].map((ext) => `${MODULE_NAME}.config${ext}`),
]);

/**
 * Where cosmiconfig looks for its meta config, in the working directory only and in this order
 * (package.json and package.yaml count only with a "cosmiconfig" field).
 */
const META_PLACES = ['package.json', 'package.yaml', ...['json', 'yaml', 'yml', 'js', 'ts', 'cjs', 'mjs'].map((ext) => `.config/config.${ext}`)];

/** Files that hold other tools' data too: their owner matters only when their "wrapt-hooks" field is used. */
const SHARED = new Set(['package.json', 'package.yaml']);

/** The errors cosmiconfig's search passes over: the place holds no readable file. */
const NOT_THERE = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES']);

export interface Found {
  /** The config file used, if any. */
  readonly file: string | undefined;
  /** Its config (for package.json, the "wrapt-hooks" field); undefined with no file or an empty one. */
  readonly value?: unknown;
  readonly problems: Problem[];
  /** Config places in the found file's directory that it shadows (they are never read). */
  readonly shadowed?: readonly string[];
}

/** Finds and loads the config: `WRAPT_HOOKS_CONFIG`, or the search from `cwd`. Never throws. */
export function findConfig(cwd: string, env: Env = process.env): Found {
  const explicit = env['WRAPT_HOOKS_CONFIG'];
  if (explicit !== undefined) return loadExplicit(cwd, explicit);
  const seen = new Listings();
  const { dirs, boundary } = projectDirs(cwd, seen);
  const meta = metaConfig(cwd, seen);
  if (meta !== undefined) {
    if ('problem' in meta) return { file: undefined, problems: [meta.problem] };
    debug(`searched for a config with cosmiconfig: ${cwd} holds a cosmiconfig meta config, ${meta.file}`);
    return withProblems(() => {
      cosmiconfig().vetPlaces(dirs, meta.places, SEARCH_PLACES);
      return cosmiconfig()
        .explorer(boundary === undefined ? 'none' : 'project', SEARCH_PLACES)
        .search(cwd);
    });
  }
  const passed: Problem[] = [];
  for (const dir of dirs) {
    const found = searchDir(dir, seen, passed);
    if (found === undefined) continue;
    const at = dirs.slice(0, dirs.indexOf(dir) + 1).join(', ');
    const shadowed =
      found.shadowed === undefined || found.shadowed.length === 0
        ? ''
        : `; it shadows ${found.shadowed.join(', ')}, which ${found.shadowed.length === 1 ? 'is' : 'are'} not read`;
    debug(
      `searched for a config from ${cwd}: looked in ${at}; ${found.file === undefined ? `stopped: ${found.problems[0]?.message ?? ''}` : `found ${found.file}${shadowed}`}`,
    );
    return passed.length === 0 ? found : { ...found, problems: [...passed, ...found.problems] };
  }
  const members = boundary === undefined ? [] : workspaceDirs(path.dirname(boundary), seen);
  for (const dir of members) {
    const found = searchDir(dir, seen, passed);
    if (found === undefined) continue;
    debug(
      `searched for a config from ${cwd}: looked in ${dirs.join(', ')}, then, the member holding none, on to the workspace root ${members.at(-1)}: ${found.file === undefined ? `stopped: ${found.problems[0]?.message ?? ''}` : `found ${found.file}`}`,
    );
    return passed.length === 0 ? found : { ...found, problems: [...passed, ...found.problems] };
  }
  debug(
    `searched for a config from ${cwd}: looked in ${[...dirs, ...members].join(', ')}; no config file. ${boundary === undefined ? 'No package.json at or above it, so only it was searched' : members.length > 0 ? `Stopped at ${members.at(-1)}, the workspace root` : `Stopped at ${boundary}, the project boundary`}`,
  );
  return { file: undefined, problems: passed };
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
      const json: unknown = JSON.parse(seen.read(path.join(dir, 'package.json'), false));
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

/**
 * The first place in `dir` that holds a config, as cosmiconfig reads them; undefined when none
 * does. A place that holds nothing (empty, or `null`) is passed over, as cosmiconfig does, with
 * a problem added to `passed`: a config that was meant to say something.
 */
function searchDir(dir: string, seen: Listings, passed: Problem[]): Found | undefined {
  if (seen.list(dir) === undefined && !seen.isDirectory(dir)) return undefined;
  for (const place of SEARCH_PLACES) {
    // A directory listing answers "not there" for most places without a failed read each.
    if (seen.listed(dir, place) === false) continue;
    const file = path.join(dir, place);
    let content: string;
    try {
      content = seen.read(file, !SHARED.has(place));
    } catch (error) {
      if (error instanceof ConfigLoadError) return { file: undefined, problems: [problem(file, error)] };
      if (NOT_THERE.has((error as { code?: string }).code ?? '')) continue;
      return { file: undefined, problems: [problem(file, error, 'cannot read')] };
    }
    const found = withProblems(() => {
      const value = loadConfigText(file, content, MODULE_NAME);
      if (value === null || value === undefined) {
        if (!SHARED.has(place)) passed.push(nothingIn(file, value));
        return null;
      }
      // package.json is read in every project; its owner matters only now that its field is used.
      if (SHARED.has(place)) seen.trust(file);
      return withImports(file, value);
    }, file);
    if (found.file !== undefined) return { ...found, shadowed: shadowedBy(dir, place, seen) };
    if (found.problems.length > 0) return found;
  }
  return undefined;
}

/** A config place that holds nothing: passed over, with a warning naming it. */
function nothingIn(file: string, value: null | undefined): Problem {
  return {
    code: 'WRAPT_HOOKS_CONFIG_EMPTY',
    message: `${file} holds ${value === null ? 'only null' : 'no value (it is empty)'}, so it configures nothing and the search went on past it. Write the config in it, or delete it.`,
  };
}

/** The config places after `winner` that `dir`'s listing shows: a second config file the user may think is used. */
function shadowedBy(dir: string, winner: string, seen: Listings): string[] {
  const shadowed: string[] = [];
  for (const place of SEARCH_PLACES.slice(SEARCH_PLACES.indexOf(winner) + 1)) {
    if (seen.listed(dir, place) === true) shadowed.push(path.join(dir, place));
  }
  return shadowed;
}

/**
 * What one search has seen of the file system: each directory is listed once and each file read
 * once (the working directory's package.json is both the meta-config check and the first place),
 * and "is it there" is answered from a listing, without a failed stat (an exception) per place.
 */
class Listings {
  private readonly listings = new Map<string, Set<string> | undefined>();
  private readonly texts = new Map<string, string>();
  private readonly stats = new Map<string, Stats>();

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

  /**
   * The text of `file` (read once), after one stat: a file that is not regular is refused without
   * being opened, and with `owned`, one another user could have changed is refused before it is
   * read. Throws a ConfigLoadError for a refusal, an ENOENT error for nothing there, else as
   * readFileSync does.
   */
  read(file: string, owned: boolean): string {
    let text = this.texts.get(file);
    if (text === undefined) {
      const vetted = vet(file);
      if ('missing' in vetted) throw Object.assign(new Error(`no file at ${file}`), { code: 'ENOENT' });
      if ('refused' in vetted) throw refused(file, vetted.refused);
      this.stats.set(file, vetted.stats);
      if (owned) this.trust(file);
      text = readFileSync(file, 'utf8');
      this.texts.set(file, text);
    }
    if (owned) this.trust(file);
    return text;
  }

  /** Refuses `file` (already read) when another user could have changed it. */
  trust(file: string): void {
    const stats = this.stats.get(file);
    const reason = stats === undefined ? undefined : ownerReason(file, stats);
    if (reason !== undefined) throw refused(file, reason);
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
    const vetted = vet(file);
    if ('missing' in vetted && statSync(file).isDirectory()) {
      const message = `WRAPT_HOOKS_CONFIG names ${file}, which is not a file (a directory?). Name a config file such as ${path.join(file, `.${MODULE_NAME}rc.json`)}.`;
      return { file: undefined, problems: [{ code: 'WRAPT_HOOKS_CONFIG_PARSE', message }] };
    }
    if ('refused' in vetted) return { file: undefined, problems: [problem(file, refused(file, vetted.refused))] };
    if ('stats' in vetted) {
      const reason = ownerReason(file, vetted.stats);
      if (reason !== undefined) return { file: undefined, problems: [problem(file, refused(file, reason))] };
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

/**
 * A config with cosmiconfig's `$import` key is loaded by cosmiconfig, which merges the files it
 * names; each is vetted before cosmiconfig reads it (by the loader of the file that names it).
 */
function withImports(file: string, value: unknown): { filepath: string; config: unknown } | null {
  if (typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '$import')) {
    cosmiconfig().vetImports(file, value);
    // cosmiconfig's constructor reads the meta config of the process's working directory.
    const cwd = workingDirectory();
    const meta = cwd === undefined ? undefined : metaConfig(cwd, new Listings());
    if (meta !== undefined && 'problem' in meta) throw new ConfigLoadError(meta.problem.code, file, meta.problem.message, meta.problem.cause);
    return cosmiconfig().explorer('none', SEARCH_PLACES).load(file);
  }
  return { filepath: file, config: value };
}

function workingDirectory(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
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
  if (SHARED.has(path.basename(result.filepath))) {
    // Found by cosmiconfig: a package.json read for its field is vetted once it is used.
    const vetted = vet(result.filepath);
    const reason = 'stats' in vetted ? ownerReason(result.filepath, vetted.stats) : 'refused' in vetted ? vetted.refused : undefined;
    if (reason !== undefined) return { file: undefined, problems: [problem(result.filepath, refused(result.filepath, reason))] };
  }
  return { file: result.filepath, value: result.config, problems: [] };
}

function problem(file: string | undefined, error: unknown, what?: string): Problem {
  if (error instanceof ConfigLoadError) return { code: error.code, message: error.message, cause: error.cause, ...(file === undefined ? {} : { file }) };
  const doing = what ?? (file !== undefined && /\.[cm]?[jt]s$/.test(file) ? 'threw while loading' : 'cannot parse');
  const message = `${file ?? 'config file'}: ${doing}: ${describeCause(error)}. Fix the file or remove it.`;
  return { code: 'WRAPT_HOOKS_CONFIG_PARSE', message, cause: error, ...(file === undefined ? {} : { file }) };
}

type Meta = { file: string; places: string[] } | { problem: Problem };

/**
 * The cosmiconfig meta config that `cosmiconfigSync()` would load from `cwd`, vetted before
 * cosmiconfig is handed it (config/cosmiconfig.ts): the first of META_PLACES that holds one
 * (package.json and package.yaml only with a "cosmiconfig" field). A JavaScript or TypeScript one
 * is refused unread: cosmiconfig would run it with its own loaders. Undefined when there is none.
 */
function metaConfig(cwd: string, seen: Listings): Meta | undefined {
  for (const place of META_PLACES) {
    if (!seen.has(cwd, place)) continue;
    const file = path.join(cwd, place);
    try {
      if (/\.[cm]?[jt]s$/.test(place)) {
        throw refused(
          file,
          'it is a cosmiconfig meta config written in JavaScript or TypeScript, which cosmiconfig would run with its own loaders. Write it as .config/config.json or .config/config.yaml',
        );
      }
      const text = seen.read(file, !SHARED.has(place));
      if (SHARED.has(place) && !text.includes('cosmiconfig')) continue;
      const places = cosmiconfig().metaSearchPlaces(file, text, SHARED.has(place), () => seen.trust(file));
      if (places !== undefined) return { file, places };
    } catch (error) {
      if (NOT_THERE.has((error as { code?: string }).code ?? '')) continue;
      return { problem: problem(file, error) };
    }
  }
  return undefined;
}

/** config/cosmiconfig.ts, loaded only where cosmiconfig decides (a meta config, `$import`). */
function cosmiconfig(): typeof import('./cosmiconfig') {
  return require('./cosmiconfig') as typeof import('./cosmiconfig');
}
