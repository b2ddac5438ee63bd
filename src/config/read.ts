// Reading a config file that was found: JSON directly, YAML and TypeScript with cosmiconfig's
// own loaders (required only when such a file is used), JavaScript with require.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeCause, describeParseError } from '../errors';
import { MODULE_NAME, packageJsonField } from './search';
import type { Problem } from './types';

/** Reads and parses a config file (the caller has checked that it is trusted); never throws. */
export function readConfigFile(file: string): { value?: unknown; problem?: Problem } {
  const base = path.basename(file);
  if (base === 'package.json') {
    const field = packageJsonField(file);
    if (field === undefined)
      return { problem: { code: 'WRAPT_HOOKS_CONFIG_INVALID', message: `${file} has no "${MODULE_NAME}" field. Add one, or name a config file instead.` } };
    return field.problem === undefined ? { value: field.value } : { problem: field.problem };
  }
  const ext = path.extname(file);
  const parseProblem = (error: unknown, what = 'cannot parse', text?: string): { problem: Problem } => ({
    problem: {
      code: 'WRAPT_HOOKS_CONFIG_PARSE',
      message: `${file}: ${what}: ${text === undefined ? describeCause(error) : describeParseError(error, text)}. Fix the file or remove it.`,
      cause: error,
    },
  });
  if (['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'].includes(ext)) {
    try {
      if (ext === '.ts' || ext === '.cts' || ext === '.mts') return { value: interopDefault(loaders().loadTsSync(file, readFileSync(file, 'utf8'))) };

      return { value: interopDefault(require(file)) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_REQUIRE_ASYNC_MODULE')
        return parseProblem(error, 'uses top-level await, which a preload cannot wait for; compute the config synchronously');
      return parseProblem(error, 'threw while loading');
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return parseProblem(error, 'cannot read');
  }
  try {
    return { value: JSON.parse(text) };
  } catch (jsonError) {
    if (ext === '.json') return parseProblem(jsonError, 'cannot parse', text);
  }
  try {
    // `.wrapt-hooksrc`, `.yaml`, `.yml`: YAML (a superset of JSON), as cosmiconfig reads them.
    return { value: loaders().loadYaml(file, text) };
  } catch (error) {
    return parseProblem(error, 'cannot parse', text);
  }
}

function interopDefault(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Module]')
    return (value as { default?: unknown }).default;
  if (value !== null && typeof value === 'object' && (value as { __esModule?: unknown }).__esModule === true && 'default' in value)
    return (value as { default?: unknown }).default;
  return value;
}

interface Loaders {
  loadYaml(file: string, content: string): unknown;
  loadTsSync(file: string, content: string): unknown;
}
let cachedLoaders: Loaders | undefined;
function loaders(): Loaders {
  // cosmiconfig's own loaders, required only when a YAML or TypeScript file is used.

  return (cachedLoaders ??= require('cosmiconfig/dist/loaders.js') as Loaders);
}
