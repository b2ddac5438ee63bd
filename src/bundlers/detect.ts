// "Why did this target never fire?" when the answer is a bundle: a package bundled into the
// application's file without the esbuild plugin never goes through `require`/`import`, so no
// post-import hook can see it. Used by the exit summary (WRAPT_HOOKS_DEBUG) and `doctor` only:
// it reads files the preload never reads at start-up.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path = require('node:path');
import { findPackageRoot } from '../config/discovery';
import { splitBare } from '../core/targets';
import { bundlesInstalled } from './runtime';

/** Files larger than this are not read. */
const MAX_BYTES = 64 * 1024 * 1024;
/** Helpers that esbuild and webpack put in every bundle holding CommonJS modules. */
const BUNDLE_MARKS = ['__commonJS', '__toESM', '__webpack_require__'];
const PLUGIN = 'build it with the wrapt-hooks esbuild plugin (plugins: [wraptHooks()] from "wrapt-hooks/esbuild"), which bakes the patches into the bundle';

/**
 * For a package (or deep) target that never fired: a sentence saying it looks bundled into one of
 * `files` (the entry script; a package's `main`) without the plugin, or undefined. `installed`:
 * whether the package can be found beside the application.
 */
export function bundledReason(target: string, files: readonly string[], installed: boolean): string | undefined {
  if (target.startsWith('.') || target.startsWith('/') || target.startsWith('node:')) return undefined;
  const { name } = splitBare(target);
  const needle = `node_modules/${name}/`;
  for (const file of files) {
    const text = readSmall(file);
    if (text === undefined) continue;
    if (text.includes(needle)) return `${name} looks bundled into ${file} (it names ${needle}), where no import hook can see it: ${PLUGIN}`;
    if (!installed && BUNDLE_MARKS.some((mark) => text.includes(mark))) {
      return `${name} is not installed here, and ${file} looks like a bundle: if ${name} is bundled into it, ${PLUGIN}`;
    }
  }
  return undefined;
}

/**
 * For the exit summary: why `target` (as written) never fired, when the application's entry
 * script looks like a bundle made without the plugin. Nothing when a bundle built with the plugin
 * handed its plan over: its targets fire when it evaluates them.
 */
export function neverFiredReason(target: string, entry: string | undefined = process.argv[1], cwd: string = process.cwd()): string | undefined {
  if (entry === undefined || target.startsWith('node:')) return undefined;
  if (target.startsWith('.') || target.startsWith('/')) return bundlesInstalled() > 0 ? fileAddedToBundle(target, path.resolve(cwd, entry)) : undefined;
  const installed = findPackageRoot(splitBare(target).name, cwd) !== undefined;
  if (bundlesInstalled() > 0) return installed ? undefined : bundledWithoutHook(target, path.resolve(cwd, entry));
  return bundledReason(target, [path.resolve(cwd, entry)], installed);
}

/** An application file named where a bundle built with the plugin runs: its modules were matched when it was built. */
function fileAddedToBundle(target: string, file: string): string {
  return `${file} was built with the wrapt-hooks esbuild plugin, which matches application files when it builds: if ${target} is bundled into it, it was not a target then; add "${target}" to the config's patches or trace and build again`;
}

/**
 * A bundle built with the plugin holds the package, but the target was not in the config at
 * build time (a WRAPT_TRACE or a config entry added at run time): nothing in the bundle calls a
 * hook when it evaluates that package.
 */
function bundledWithoutHook(target: string, file: string): string | undefined {
  const { name } = splitBare(target);
  const text = readSmall(file);
  if (text === undefined) return undefined;
  if (!text.includes(`node_modules/${name}/`))
    return `${name} is neither installed beside ${file} (built with the wrapt-hooks esbuild plugin) nor bundled into it`;
  return `${file} was built with the wrapt-hooks esbuild plugin, and ${name} is bundled into it without a hook for "${target}" (it was not in the config at build time); add "${target}" to the config's patches or trace and build again, or leave ${name} out of the bundle (external)`;
}

/** Files in `dir` that may be the application's bundle, for `doctor`: package.json's main, and scripts in dir, dist/, build/ and out/. */
export function bundleCandidates(dir: string): string[] {
  const files = new Set<string>();
  const main = packageMain(dir);
  if (main !== undefined) files.add(path.resolve(dir, main));
  for (const sub of ['.', 'dist', 'build', 'out']) {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, sub));
    } catch {
      continue; // no such directory
    }
    // Yarn Plug'n'Play's resolver and loader name every package; they bundle none.
    for (const name of names.sort()) if (/\.[cm]?js$/.test(name) && !/^\.pnp\.(?:c?js|loader\.mjs)$/.test(name)) files.add(path.join(dir, sub, name));
  }
  return [...files];
}

function packageMain(dir: string): string | undefined {
  try {
    const main = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main?: unknown } | null)?.main;
    return typeof main === 'string' ? main : undefined;
  } catch {
    return undefined; // no package.json, or one that names no entry: the directory scan still runs
  }
}

function readSmall(file: string): string | undefined {
  try {
    const stats = statSync(file);
    return stats.isFile() && stats.size <= MAX_BYTES ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined; // gone or unreadable: it tells nothing
  }
}
