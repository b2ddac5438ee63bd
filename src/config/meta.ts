// Where cosmiconfig takes part in the search: a cosmiconfig meta config in the working directory
// (vetted here, then cosmiconfig searches), a config using `$import` (cosmiconfig merges the
// files it names, each vetted first), and the shape of a result or the problem that stopped it.
// config/cosmiconfig.ts, which loads cosmiconfig, is required only when one of them is there.
import path = require('node:path');
import { describeCause } from '../errors';
import { ownerReason, vet } from '../core/trust';
import { CODE, Listings, META_PLACES, NOT_THERE, placeIn, SEARCH_PLACES, SHARED } from './places';
import { ConfigLoadError, refused } from './read';
import type { Problem } from './types';

/** The config found, if any, and the problems met on the way (config/search.ts findConfig). */
export interface Found {
  /** The config file used, if any. */
  readonly file: string | undefined;
  /** Its config (for package.json, the "wrapt-hooks" field); undefined with no file or an empty one. */
  readonly value?: unknown;
  readonly problems: Problem[];
  /** Config places in the found file's directory that it shadows (they are never read). */
  readonly shadowed?: readonly string[];
}

/**
 * A config with cosmiconfig's `$import` key is loaded by cosmiconfig, which merges the files it
 * names; each is vetted before cosmiconfig reads it (by the loader of the file that names it).
 */
export function withImports(file: string, value: unknown): { filepath: string; config: unknown } | null {
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
export function withProblems(run: () => { filepath: string; config: unknown; isEmpty?: boolean } | null, loading?: string): Found {
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

export function problem(file: string | undefined, error: unknown, what?: string): Problem {
  if (error instanceof ConfigLoadError) return { code: error.code, message: error.message, cause: error.cause, ...(file === undefined ? {} : { file }) };
  const doing = what ?? (file !== undefined && CODE.test(file) ? 'threw while loading' : 'cannot parse');
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
export function metaConfig(cwd: string, seen: Listings): Meta | undefined {
  for (const place of META_PLACES) {
    if (!seen.has(cwd, place)) continue;
    const file = placeIn(cwd, place);
    try {
      if (CODE.test(place)) {
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
export function cosmiconfig(): typeof import('./cosmiconfig') {
  return require('./cosmiconfig') as typeof import('./cosmiconfig');
}
