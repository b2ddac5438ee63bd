// The exit summary under WRAPT_HOOKS_DEBUG: headed with the process id and command (so that the
// summaries of `npm start` and of the application it starts can be told apart), then each patch
// applied, failed and skipped, and each target never imported with the likely reason. Runs once,
// at exit, and only under WRAPT_HOOKS_DEBUG: the only place besides `doctor` where installed
// packages are listed (for "did you mean express?").
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path = require('node:path');
import { writeLine } from '../debug';
import { PREFIX } from '../line';
import { didYouMean, installedPackages } from '../near-miss';
import type { Registry } from './registry';
import type { Target } from './targets';

/** Why a target never fired, from a caller that knows more (a bundle made without the plugin). */
export type ReasonFn = (target: string) => string | undefined;

/** Writes the summary of `registry` to stderr. */
export function writeSummary(registry: Registry, reason?: ReasonFn, argv: readonly string[] = process.argv, cwd: string = process.cwd()): void {
  for (const line of summaryLines(registry, argv, cwd, reason)) writeLine(line);
}

export function summaryLines(registry: Registry, argv: readonly string[], cwd: string, reason?: ReasonFn): string[] {
  const never = registry.neverImported();
  const at = (row: { target: string; version: string | undefined }): string => `${row.target}${row.version === undefined ? '' : `@${row.version}`}`;
  const lines = [
    `${PREFIX} summary for pid ${process.pid} (${commandLine(argv, cwd)}): ${registry.applied.length} applied, ${registry.failed.length} failed, ${registry.skipped.length} skipped, ${never.length} never imported`,
  ];
  for (const row of registry.applied) lines.push(`${PREFIX}   applied ${at(row)} ${row.patch} ${(row.ms ?? 0).toFixed(2)}ms`);
  for (const row of registry.failed) lines.push(`${PREFIX}   failed ${at(row)} ${row.patch}: ${firstLine(row.reason ?? '')}`);
  for (const row of registry.skipped) lines.push(`${PREFIX}   skipped ${at(row)} ${row.patch}: ${row.reason ?? ''}`);
  let installed: Set<string> | undefined;
  const packages = (): Set<string> => (installed ??= installedPackages(cwd));
  let runner: string | undefined | null = null;
  for (const row of never) {
    const why = reason?.(row.target) ?? neverReason(row.parsed, argv, cwd, packages) ?? ownRegistryReason(row.parsed, (runner ??= ownRegistryRunner()));
    lines.push(`${PREFIX}   never imported ${row.target} (${row.patches.join(', ')})${why === undefined ? '' : `: ${why}`}`);
  }
  return lines;
}

/** `node app.js`, `node …/npm-cli.js start`: the command, with paths under `cwd` shortened. */
export function commandLine(argv: readonly string[], cwd: string): string {
  const [node, ...rest] = argv;
  const words = [path.basename(node ?? 'node'), ...rest.map((arg) => (path.isAbsolute(arg) && arg.startsWith(cwd + path.sep) ? path.relative(cwd, arg) : arg))];
  const text = words.join(' ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Why a target may never have been imported, where one can tell: the entry point itself, a file
 * that does not exist, a name close to an installed package, a package not installed (perhaps
 * bundled).
 */
export function neverReason(target: Target, argv: readonly string[], cwd: string, packages: () => Set<string>): string | undefined {
  if (target.kind === 'file') {
    if (!existsSync(target.key)) return `${target.key} does not exist`;
    if (isEntryPoint(target.key, argv[1], cwd)) {
      return 'it is the entry point: Node.js runs it directly, not through require() or import, so no hook sees it load. Patch a module it loads, or start the application from another file';
    }
    return undefined;
  }
  if (target.kind === 'builtin') return undefined;
  if (packageRoot(target.name, cwd) !== undefined) return undefined;
  const local = path.join(cwd, target.written);
  if (existsSync(local)) return `package "${target.name}" is not installed, but ${local} exists: did you mean ./${target.written}?`;
  const hint = didYouMean(target.name, packages());
  if (hint !== '') return `package "${target.name}" is not installed: ${hint}`;
  return `package "${target.name}" is not installed from ${cwd}; if the application is bundled, build it with the wrapt-hooks/esbuild plugin`;
}

/**
 * A test runner whose own module registry loads the test's modules, bypassing Node's require()
 * and import hooks: jest (jest-runtime). Looked for at exit, in the modules loaded, and only
 * when a target never fired: nothing is asked at start-up.
 */
export function ownRegistryRunner(cache: Record<string, unknown> = require.cache): string | undefined {
  const marker = `${path.sep}jest-runtime${path.sep}`;
  for (const file of Object.keys(cache)) if (file.includes(marker)) return 'jest';
  return undefined;
}

function ownRegistryReason(target: Target, runner: string | undefined): string | undefined {
  if (runner === undefined || target.kind === 'builtin') return undefined;
  return `${runner} loads the tests' modules through its own module registry, which bypasses Node's require() and import hooks; apply the patch from a file in jest's "setupFiles" instead (see docs/toolchains.md)`;
}

function isEntryPoint(file: string, script: string | undefined, cwd: string): boolean {
  if (script === undefined) return false;
  const real = (name: string): string => {
    try {
      return realpathSync(name);
    } catch {
      return name; // not there: compare the path as written
    }
  };
  const entry = path.resolve(cwd, script);
  for (const candidate of [entry, `${entry}.js`, `${entry}.mjs`, `${entry}.cjs`]) if (existsSync(candidate)) return real(candidate) === real(file);
  return false;
}

function packageRoot(name: string, fromDir: string): string | undefined {
  const lookup = createRequire(path.join(fromDir, 'noop.js')).resolve.paths(name) ?? [];
  return lookup.map((dir) => path.join(dir, name)).find((dir) => existsSync(path.join(dir, 'package.json')));
}

function firstLine(text: string): string {
  const [first = ''] = text.split('\n');
  return first;
}
