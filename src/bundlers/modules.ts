// What the esbuild plugin needs to know of a target module before it replaces it: whether
// esbuild treats it as CommonJS or as an ES module, the names an ES module exports (through
// `export *` too), and its package's version. Asked of esbuild itself, so that the answer is the
// one the bundle is built with.
import { readFileSync } from 'node:fs';
import path = require('node:path');
import type { Loader, PluginBuild } from 'esbuild';

/** The extensions of the modules the plugin can replace, with their esbuild loaders. */
export const LOADERS: Readonly<Record<string, Loader>> = Object.freeze({
  '.js': 'js',
  '.cjs': 'js',
  '.mjs': 'js',
  '.jsx': 'jsx',
  '.ts': 'ts',
  '.cts': 'ts',
  '.mts': 'ts',
  '.tsx': 'tsx',
});

export interface ModuleShape {
  readonly format: 'commonjs' | 'module';
  /** For an ES module: its export names, `export *` followed through the files it bundles. */
  readonly names: readonly string[];
}

/**
 * A side build of `file` alone (other packages left outside, nothing written) whose metafile
 * says what esbuild made of it: `format` "esm" for an ES module, and the output's exports. A
 * module with neither `import`/`export` nor `module`/`exports` is wrapped as CommonJS.
 */
export async function moduleShape(build: PluginBuild, file: string): Promise<ModuleShape> {
  const options = build.initialOptions;
  const result = await build.esbuild.build({
    entryPoints: [file],
    absWorkingDir: path.dirname(file),
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: options.platform ?? 'node',
    packages: 'external',
    logLevel: 'silent',
    ...(options.conditions === undefined ? {} : { conditions: options.conditions }),
    ...(options.mainFields === undefined ? {} : { mainFields: options.mainFields }),
    ...(options.resolveExtensions === undefined ? {} : { resolveExtensions: options.resolveExtensions }),
    ...(options.loader === undefined ? {} : { loader: options.loader }),
    ...(options.tsconfig === undefined ? {} : { tsconfig: options.tsconfig }),
  });
  const input = result.metafile.inputs[path.basename(file)];
  if (input?.format !== 'esm') return { format: 'commonjs', names: [] };
  const output = Object.values(result.metafile.outputs)[0];
  return { format: 'module', names: output?.exports ?? [] };
}

/** `{ version }` from the package.json in `baseDir`, or `{}`. */
export function packageVersion(baseDir: string): { version?: string } {
  let text: string;
  try {
    text = readFileSync(path.join(baseDir, 'package.json'), 'utf8');
  } catch {
    return {}; // a package without package.json (vendored): no version, as unbundled
  }
  try {
    const version = (JSON.parse(text) as { version?: unknown } | null)?.version;
    return typeof version === 'string' ? { version } : {};
  } catch {
    return {}; // unparsable: the registry reads it the same way, and gets no version either
  }
}
