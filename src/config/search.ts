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
// loaders would run (docs/production-and-security.md). The places and the one listing of each
// directory are places.ts; where cosmiconfig takes part (a meta config, `$import`), meta.ts.
import { readFileSync, statSync } from 'node:fs';
import path = require('node:path');
import { debug } from '../debug';
import { describeCause } from '../errors';
import type { Env } from '../env';
import { ownerReason, vet } from '../core/trust';
import { cosmiconfig, metaConfig, problem, withImports, withProblems, type Found } from './meta';
import { Listings, MODULE_NAME, NOT_THERE, placeIn, SEARCH_PLACES, SHARED } from './places';
import { ConfigLoadError, loadConfigText, refused } from './read';
import type { Problem } from './types';

export type { Found };

/** Finds and loads the config: `WRAPT_HOOKS_CONFIG`, or the search from `cwd`. Never throws. */
export function findConfig(cwd: string, env: Env = process.env): Found {
  const explicit = env['WRAPT_HOOKS_CONFIG'];
  if (explicit !== undefined) return loadExplicit(cwd, explicit);
  const seen = new Listings();
  const { dirs, boundary } = projectDirs(cwd, seen);
  // The working directory as path.resolve gives it (dirs[0]): the places in it are joined to it as they are.
  const meta = metaConfig(dirs[0]!, seen);
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
    if (seen.exists(dir, 'pnpm-workspace.yaml')) return dirs;
    if (!seen.exists(dir, 'package.json')) continue;
    try {
      const json: unknown = JSON.parse(seen.read(placeIn(dir, 'package.json'), false));
      return typeof json === 'object' && json !== null && Object.prototype.hasOwnProperty.call(json, 'workspaces') ? dirs : [];
    } catch {
      return []; // unreadable or broken: not a root this search can vouch for
    }
  }
  return [];
}

const PROJECT_FILES = ['package.json', 'package.yaml'];

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
    // The working directory is searched in any case (one listing serves both); a parent is
    // searched only if the walk ends at or above it, so it is not listed for this.
    const name = PROJECT_FILES.find((place) => (dir === start ? seen.has(dir, place) : seen.exists(dir, place)));
    if (name !== undefined) return { dirs, boundary: placeIn(dir, name) };
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
    const file = placeIn(dir, place);
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
    if (seen.listed(dir, place) === true) shadowed.push(placeIn(dir, place));
  }
  return shadowed;
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
