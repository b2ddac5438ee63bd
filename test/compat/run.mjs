// `npm run test:compat`: installs this suite's own dependencies (test/compat/package.json: real
// packages and other agents, kept out of the project's install) and runs test/compat/*.test.mjs
// on the Node that runs this script. Extra arguments go to `node --test`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// `npm ci` from the lock file, unless node_modules already holds it: npm's own record of what it
// installed (node_modules/.package-lock.json) is newer than package.json and package-lock.json.
const lock = path.join(here, 'package-lock.json');
const installed = path.join(here, 'node_modules', '.package-lock.json');
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);
const upToDate = mtime(installed) >= Math.max(mtime(lock), mtime(path.join(here, 'package.json')));
if (!upToDate) {
  const args = existsSync(lock) ? ['ci'] : ['install'];
  execFileSync(npm, [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here, stdio: 'inherit' });
}

const files = readdirSync(here)
  .filter((name) => name.endsWith('.test.mjs'))
  .sort()
  .map((name) => path.join(here, name));
if (files.length === 0) {
  console.log('test:compat: no test files');
  process.exit(0);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...process.argv.slice(2), ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
