// "Did you mean …?": names close to a name that matched nothing. Used by `doctor` and by the
// exit summary under WRAPT_HOOKS_DEBUG only: listing installed packages reads directories,
// which the preload never does at start-up.
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path = require('node:path');

/** Edit distance with transpositions (optimal string alignment), stopping early past `limit`. */
export function distance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prevPrev[j - 2]! + 1);
      row.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** Separators and case that people mix up: `lodash_es`, `Express`, `date.fns`. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, '');
}

/**
 * The candidates closest to `name` (at most 3, all equally close): the same name up to case
 * and separators, or within one edit (two for names of 6 or more characters).
 */
export function nearMisses(name: string, candidates: Iterable<string>): string[] {
  const folded = fold(name);
  const limit = name.length >= 6 ? 2 : 1;
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) return [];
    const score = fold(candidate) === folded ? 0 : distance(name.toLowerCase(), candidate.toLowerCase(), limit);
    if (score <= limit) scored.push({ candidate, score });
  }
  // Only the closest: "expres" gets express, not also espree.
  const best = Math.min(...scored.map((row) => row.score));
  return scored
    .filter((row) => row.score === best)
    .map((row) => row.candidate)
    .sort()
    .slice(0, 3);
}

/** "did you mean express?" / "did you mean express or expresso?"; empty when there is nothing close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const found = nearMisses(name, candidates);
  if (found.length === 0) return '';
  return `did you mean ${found.length === 1 ? found[0] : `${found.slice(0, -1).join(', ')} or ${found[found.length - 1]}`}?`;
}

/** Names of the packages installed in every node_modules from `fromDir` upwards (scoped ones as `@scope/name`). */
export function installedPackages(fromDir: string): Set<string> {
  const names = new Set<string>();
  for (let dir = path.resolve(fromDir); ;) {
    if (path.basename(dir) !== 'node_modules') {
      const modules = path.join(dir, 'node_modules');
      for (const entry of list(modules)) {
        if (entry.startsWith('.')) continue;
        if (entry.startsWith('@')) for (const scoped of list(path.join(modules, entry))) names.add(`${entry}/${scoped}`);
        else names.add(entry);
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return names;
    dir = parent;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // no node_modules here: nothing installed at this level
  }
}

/** Builtin module names, with and without `node:`, for targets such as `node:fss`. */
export function builtinNames(): string[] {
  return [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
}
