// Recipes are patch packages shipped inside wrapt-hooks: `wrapt-hooks/recipes/<name>` is the
// directory dist/recipes/<name>/ of the running copy of wrapt-hooks (the one whose preload is
// loaded, so recipe and preload always agree), which the build writes from src/recipes/<name>/:
// its package.json with the usual "wrapt-hooks" field, and an index.js whose patch functions
// live in the preload bundle. The recipes are whatever folders are there, found by name.
//
// One thing a package.json field cannot say is "load me on this diagnostics_channel's first
// message": Node's global `fetch` imports no module a post-import hook could wait for. A recipe
// lists such channels under "wrapt-hooks-channels"; `listenLazily` subscribes a trampoline
// that loads the recipe's function at the channel's first message, and hands it that message.
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path = require('node:path');
import { satisfies } from '../core/versions';

// The bootstrap turns recipe summaries on through this module, which it loads for recipes anyway.
export { summariesOn } from './summary';

export const RECIPE_PREFIX = 'wrapt-hooks/recipes/';
const RECIPE_NAME = /^[a-z][a-z0-9_-]*$/;

/** The package root of this copy of wrapt-hooks (this file is bundled into dist/). */
export function ownRoot(): string {
  return path.resolve(__dirname, '..');
}

/** Where this copy's recipes are (dist/recipes/). */
function recipesDir(): string {
  return path.join(ownRoot(), 'dist', 'recipes');
}

/** The recipes this copy ships, by name. */
export function recipeNames(): string[] {
  try {
    return readdirSync(recipesDir(), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** `wrapt-hooks/recipes/http` -> the recipe's directory, or a message saying why there is none. */
export function recipeRoot(name: string): { root: string } | { problem: string } {
  const recipe = name.slice(RECIPE_PREFIX.length);
  const known = recipeNames();
  if (!RECIPE_NAME.test(recipe) || !known.includes(recipe)) {
    return {
      problem: `"${name}" is not a recipe of wrapt-hooks${RECIPE_NAME.test(recipe) ? '' : ' (a recipe is a lower-case name)'}. The recipes are: ${known.map((n) => RECIPE_PREFIX + n).join(', ')}.`,
    };
  }
  return { root: path.join(recipesDir(), recipe) };
}

/**
 * A recipe's "wrapt-hooks" field without the builtin targets this Node lacks whose `versions`
 * range excludes it (`node:sqlite` before Node 22.13): those are skipped, not reported.
 */
export function forThisNode(field: unknown): unknown {
  const patches = (field as { patches?: unknown } | null)?.patches;
  if (patches === null || typeof patches !== 'object') return field;
  const kept: Record<string, unknown> = {};
  for (const [target, entry] of Object.entries(patches as Record<string, unknown>)) {
    const versions = (entry as { versions?: unknown } | null)?.versions;
    const missing = target.startsWith('node:') && !isBuiltin(target) && typeof versions === 'string' && satisfies(process.versions.node, versions) === false;
    if (!missing) kept[target] = entry;
  }
  return { ...(field as object), patches: kept };
}

/** "wrapt-hooks-channels" of a recipe's package.json: channel -> `"./index.js#export"`. */
export function recipeChannels(root: string): { channel: string; file: string; exportName: string }[] {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  const field = pkg['wrapt-hooks-channels'];
  if (field === null || typeof field !== 'object') return [];
  const out: { channel: string; file: string; exportName: string }[] = [];
  for (const [channel, spec] of Object.entries(field as Record<string, unknown>)) {
    if (typeof spec !== 'string') continue;
    const at = spec.lastIndexOf('#');
    out.push({ channel, file: path.resolve(root, at > 0 ? spec.slice(0, at) : spec), exportName: at > 0 ? spec.slice(at + 1) : 'default' });
  }
  return out;
}

/**
 * Subscribes to each channel a recipe lists; the recipe's function is loaded at the channel's
 * first message and called with every message until it has subscribed on its own (it ignores
 * a message it has seen). Costs one subscription and loads no recipe code until then.
 */
export function listenLazily(root: string, onError: (message: string, error: unknown) => void): void {
  const channels = recipeChannels(root);
  if (channels.length === 0) return;
  const dc = require('node:diagnostics_channel') as typeof import('node:diagnostics_channel');
  for (const { channel, file, exportName } of channels) {
    let handler: ((message: unknown, name: string | symbol) => void) | null | undefined;
    dc.subscribe(channel, (message, name) => {
      if (handler === undefined) {
        try {
          const loaded = (require(file) as Record<string, unknown>)[exportName];
          handler = typeof loaded === 'function' ? (loaded as (message: unknown, name: string | symbol) => void) : null;
          if (handler === null) onError(`recipe ${path.basename(root)}: ${file} has no function "${exportName}" for channel ${channel}`, undefined);
        } catch (error) {
          handler = null;
          onError(`recipe ${path.basename(root)}: cannot load ${file} for channel ${channel}`, error);
        }
      }
      if (handler !== null) handler(message, name);
    });
  }
}
