// Command-line tools the compatibility suites run (pnpm, Yarn, pm2, tsup, test runners), each
// installed from the npm registry at a pinned version into its own directory under one cache dir
// in the OS temp dir, kept between runs: a suite installs again only when its set changes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Where the tools are installed, one directory per set. */
export const TOOL_CACHE = path.join(tmpdir(), 'wrapt-hooks-compat-toolchains');

/** Installs `dependencies` into `dir` unless its node_modules already holds that exact set. */
export function installed(dir, dependencies) {
  const manifest = JSON.stringify({ name: path.basename(dir), private: true, dependencies }, null, 2);
  const stamp = path.join(dir, 'node_modules', '.installed-for');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === manifest) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), manifest);
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
  writeFileSync(stamp, manifest);
  return dir;
}
