// The places a config search looks at and what one search has seen of them: each directory
// listed once, each file vetted by one stat (core/trust.ts) and read once (config/search.ts walks them).
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path = require('node:path');
import { ownerReason, vet } from '../core/trust';
import { refused } from './read';

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
export const META_PLACES = ['package.json', 'package.yaml', ...['json', 'yaml', 'yml', 'js', 'ts', 'cjs', 'mjs'].map((ext) => `.config/config.${ext}`)];

/**
 * `place` (a name, or `.config/name`) in directory `dir`: what path.join gives, without its
 * normalizing pass over every character, for a `dir` that path.resolve or path.dirname made
 * (places hold no `.` or `..`). The config search builds a dozen of these at every start.
 */
export function placeIn(dir: string, place: string): string {
  const name = path.sep === '/' ? place : place.replace('/', path.sep);
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

/** Files that hold other tools' data too: their owner matters only when their "wrapt-hooks" field is used. */
export const SHARED = new Set(['package.json', 'package.yaml']);

/** A place written in JavaScript or TypeScript: loading it runs it. */
export const CODE = /\.[cm]?[jt]s$/;

/** The errors cosmiconfig's search passes over: the place holds no readable file. */
export const NOT_THERE = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES']);

/**
 * What one search has seen of the file system: each directory is listed once and each file read
 * once (the working directory's package.json is both the meta-config check and the first place),
 * and "is it there" is answered from a listing, without a failed stat (an exception) per place.
 */
export class Listings {
  private readonly listings = new Map<string, Set<string> | undefined>();
  private readonly texts = new Map<string, string>();
  private readonly stats = new Map<string, Stats>();

  /** The names in `dir`; undefined when it cannot be listed, or is larger than LIST_LIMIT bytes. */
  list(dir: string): Set<string> | undefined {
    if (!this.listings.has(dir)) {
      let names: Set<string> | undefined;
      try {
        names = listSmall(dir);
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
    const sub = place.slice(0, slash);
    if (!this.exists(dir, sub)) return false;
    return this.list(placeIn(dir, sub))?.has(place.slice(slash + 1));
  }

  /** Whether `place` exists in `dir`, from `dir`'s listing (made now if need be). */
  has(dir: string, place: string): boolean {
    return this.listed(dir, place) ?? statted(dir, place);
  }

  /**
   * Whether a name (no `/`) exists in `dir`, from a listing already made, else by one stat
   * without listing `dir`: for the directories a search passes through without searching them
   * (the parents it walks to find the project's package.json, a workspace root), where listing a
   * shared directory of thousands of entries (/tmp, /home) cost more than all the rest of a start
   * (libuv sorts every listing).
   */
  exists(dir: string, name: string): boolean {
    return this.listings.get(dir)?.has(name) ?? statted(dir, name);
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
    } else if (owned) {
      this.trust(file);
    }
    return text;
  }

  /** Refuses `file` (already read) when another user could have changed it. */
  trust(file: string): void {
    const stats = this.stats.get(file);
    const reason = stats === undefined ? undefined : ownerReason(file, stats);
    if (reason !== undefined) throw refused(file, reason);
  }
}

/** Whether `place` exists in `dir`, by one stat; false where it cannot tell. */
function statted(dir: string, place: string): boolean {
  try {
    return statSync(placeIn(dir, place), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // ENOTDIR, EACCES: not a place that holds a file
  }
}

/**
 * A directory larger than this (its stat's size, which grows with its entries: 4 KiB per block of
 * about a hundred on ext4 and XFS, 20 bytes an entry on tmpfs) is not listed: its places are looked
 * up by a stat each (a listing pays for itself against the search's 21 stats only in a small
 * directory). The working directory can be a shared one (/tmp, a home directory) that anyone
 * fills: readdirSync reads and sorts all of it (2.6 ms for /tmp's 5,000 entries, 292 KiB, on the
 * development machine). A size is one stat; opendirSync could stop after a count, but loading
 * it cost 1.5-3.6 M instructions at every start.
 */
export const LIST_LIMIT = 16 * 1024;

/** The names in `dir`, or undefined when it is larger than LIST_LIMIT. Throws as statSync and readdirSync do. */
function listSmall(dir: string): Set<string> | undefined {
  if (statSync(dir).size > LIST_LIMIT) return undefined;
  return new Set(readdirSync(dir));
}
