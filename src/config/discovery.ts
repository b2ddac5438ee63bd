// Patch packages: an installed package declares its patches in its package.json field
// "wrapt-hooks" (the config's shape). Discovery reads package.json files only; no patch code
// loads until its target is imported.
import { readFileSync } from 'node:fs';
import path = require('node:path');
import { PACKAGE_NAME } from '../core/targets';
import { describeCause } from '../errors';
import { forThisNode, RECIPE_PREFIX, recipeRoot } from '../recipes/discover';
import { MODULE_NAME } from './places';
import type { Problem, Section } from './types';
import { validateSection } from './validate';

export interface Discovered extends Section {
  readonly name: string;
  /** The package's root directory, when it was found. */
  readonly root: string | undefined;
  readonly version: string | undefined;
}

/**
 * Finds installed package `name` from `fromDir`: node_modules lookup, as Node resolves it; else
 * by resolving its package.json the way `require` does from there, which also finds packages
 * where no node_modules holds them (Yarn Plug'n'Play's zip archives, through the resolver its
 * .pnp.cjs installs).
 */
export function findPackageRoot(name: string, fromDir: string): string | undefined {
  return nodeModulesRoot(name, fromDir) ?? resolvedRoot(name, fromDir);
}

function resolvedRoot(name: string, fromDir: string): string | undefined {
  if (process.versions.pnp === undefined) return undefined;
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [path.resolve(fromDir)] }));
  } catch {
    return undefined; // not installed, or its "exports" hide package.json
  }
}

function nodeModulesRoot(name: string, fromDir: string): string | undefined {
  for (let dir = path.resolve(fromDir); ;) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      try {
        readFileSync(path.join(candidate, 'package.json'));
        return candidate;
      } catch {
        // not here; go up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads one patch package's declaration. `origin` says who asked for it (for messages). */
export function discover(name: string, fromDir: string, origin: string): Discovered {
  const empty = (problem: Problem, root?: string, version?: string): Discovered => ({
    name,
    root,
    version,
    patches: [],
    packages: [],
    trace: [],
    strict: undefined,
    problems: [problem],
  });
  // A recipe (`wrapt-hooks/recipes/http`) lives inside this copy of wrapt-hooks.
  const recipe = name.startsWith(RECIPE_PREFIX) ? recipeRoot(name) : undefined;
  if (recipe !== undefined && 'problem' in recipe) {
    return empty({ code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND', message: `patch package "${name}" (${origin}): ${recipe.problem} Fix the name in ${origin}.` });
  }
  if (recipe === undefined && !PACKAGE_NAME.test(name)) {
    return empty({
      code: 'WRAPT_HOOKS_PACKAGE_INVALID',
      message: `patch package "${name}" (${origin}) is not a package name. List installed packages by name, like "wrapt-patches-tempfile-debugging".`,
    });
  }
  const root = recipe?.root ?? findPackageRoot(name, fromDir);
  if (root === undefined) {
    return empty({
      code: 'WRAPT_HOOKS_PACKAGE_NOT_FOUND',
      message: `patch package "${name}" (${origin}) is not installed: no node_modules/${name}/package.json from ${fromDir} upwards. Install it (npm install ${name}) or remove it from ${origin}.`,
    });
  }
  const file = path.join(root, 'package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return empty(
      {
        code: 'WRAPT_HOOKS_PACKAGE_INVALID',
        message: `${file}: cannot read patch package "${name}" (${origin}): ${describeCause(error)}. Reinstall it.`,
        cause: error,
      },
      root,
    );
  }
  const record = pkg !== null && typeof pkg === 'object' ? (pkg as Record<string, unknown>) : {};
  const version = typeof record['version'] === 'string' ? record['version'] : undefined;
  if (!Object.prototype.hasOwnProperty.call(record, MODULE_NAME)) {
    return empty(
      {
        code: 'WRAPT_HOOKS_PACKAGE_INVALID',
        message: `${file}: patch package "${name}" (${origin}) has no "${MODULE_NAME}" field, so it declares no patches. Add "${MODULE_NAME}": {"patches": {...}} to its package.json, or remove it from ${origin}.`,
      },
      root,
      version,
    );
  }
  const field = recipe === undefined ? record[MODULE_NAME] : forThisNode(record[MODULE_NAME]);
  const section = validateSection(field, file, root, 'package', [MODULE_NAME]);
  return { ...section, name, root, version };
}
