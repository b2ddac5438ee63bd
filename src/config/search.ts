// Finding the config file: WRAPT_HOOKS_CONFIG, or cosmiconfig's search places in its order,
// from the working directory up to the project boundary (the nearest package.json).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describeCause, describeParseError } from '../errors';
import type { Env } from '../env';
import type { Problem } from './types';

export const MODULE_NAME = 'wrapt-hooks';

// os.devNull, without loading node:os at start-up for it.
const DEV_NULL = process.platform === 'win32' ? '\\\\.\\nul' : '/dev/null';

/** cosmiconfig 9's search places for "wrapt-hooks", in its order (`.ts` where TypeScript is installed). */
export const SEARCH_PLACES: readonly string[] = Object.freeze([
  'package.json',
  `.${MODULE_NAME}rc`,
  `.${MODULE_NAME}rc.json`,
  `.${MODULE_NAME}rc.yaml`,
  `.${MODULE_NAME}rc.yml`,
  `.${MODULE_NAME}rc.js`,
  `.${MODULE_NAME}rc.ts`,
  `.${MODULE_NAME}rc.cjs`,
  `.${MODULE_NAME}rc.mjs`,
  `${MODULE_NAME}.config.js`,
  `${MODULE_NAME}.config.ts`,
  `${MODULE_NAME}.config.cjs`,
  `${MODULE_NAME}.config.mjs`,
]);
/** Finds the config file: `WRAPT_HOOKS_CONFIG`, or the search from `cwd` up to the nearest package.json. */
export function findConfig(cwd: string, env: Env = process.env): { file: string | undefined; problems: Problem[]; raw?: unknown; empty?: boolean } {
  const explicit = env['WRAPT_HOOKS_CONFIG'];
  if (explicit !== undefined) {
    // Set but empty, or the null device: no config file at all, and no search.
    if (explicit.trim() === '' || path.resolve(cwd, explicit) === DEV_NULL) return { file: undefined, problems: [] };
    const file = path.resolve(cwd, explicit);
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch (error) {
      return {
        file: undefined,
        problems: [
          {
            code: 'WRAPT_HOOKS_CONFIG_NOT_FOUND',
            message: `WRAPT_HOOKS_CONFIG names ${file}, which does not exist (${describeCause(error)}). Fix the path or unset WRAPT_HOOKS_CONFIG.`,
            cause: error,
          },
        ],
      };
    }
    if (!isFile) {
      return {
        file: undefined,
        problems: [
          {
            code: 'WRAPT_HOOKS_CONFIG_PARSE',
            message: `WRAPT_HOOKS_CONFIG names ${file}, which is not a file (a directory?). Name a config file such as ${path.join(file, `.${MODULE_NAME}rc.json`)}.`,
          },
        ],
      };
    }
    return { file, problems: [] };
  }
  for (const dir of searchDirs(cwd)) {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(dir));
    } catch {
      continue;
    }
    for (const place of SEARCH_PLACES) {
      if (!names.has(place)) continue;
      const file = path.join(dir, place);
      if (place === 'package.json') {
        const field = packageJsonField(file);
        if (field === undefined) continue;
        return { file, problems: field.problem === undefined ? [] : [field.problem], raw: field.value };
      }
      if (place.endsWith('.ts') && !typescriptInstalled(dir)) continue;
      if (isEmptyFile(file)) continue; // cosmiconfig's ignoreEmptySearchPlaces
      return { file, problems: [] };
    }
  }
  return { file: undefined, problems: [] };
}

/** cwd, its parents up to the nearest directory holding a package.json; only cwd when there is none. */
function searchDirs(cwd: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.resolve(cwd); ;) {
    dirs.push(dir);
    if (exists(path.join(dir, 'package.json'))) return dirs;
    const parent = path.dirname(dir);
    if (parent === dir) return [path.resolve(cwd)];
    dir = parent;
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function isEmptyFile(file: string): boolean {
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return false;
    if (stats.size === 0) return true;
    if (stats.size > 4096 || /\.(c|m)?[jt]s$/.test(file)) return false;
    return readFileSync(file, 'utf8').trim() === '';
  } catch {
    return false;
  }
}

function typescriptInstalled(dir: string): boolean {
  try {
    require.resolve('typescript', { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

/** The `"wrapt-hooks"` field of a package.json, or undefined when it has none. */
export function packageJsonField(file: string): { value: unknown; problem?: Problem } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Only our business when the broken file was meant to configure us.
    if (!text.includes(`"${MODULE_NAME}"`)) return undefined;
    return {
      value: undefined,
      problem: { code: 'WRAPT_HOOKS_CONFIG_PARSE', message: `${file}: cannot parse: ${describeParseError(error, text)}. Fix the JSON.`, cause: error },
    };
  }
  if (parsed === null || typeof parsed !== 'object' || !Object.prototype.hasOwnProperty.call(parsed, MODULE_NAME)) return undefined;
  return { value: (parsed as Record<string, unknown>)[MODULE_NAME] };
}
