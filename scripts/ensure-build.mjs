// Builds dist/ only when it is missing or older than a source: `npm test` and `npm run demo`
// run on a fresh build without paying for a rebuild each time.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newest(entry) {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const name of readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

function builtAt() {
  try {
    return Math.min(
      ...['preload.js', 'features.js', 'iitm.js', 'start.js', 'cli.js', 'index.js', 'index.d.ts', 'hooks/loader.mjs'].map(
        (file) => statSync(path.join(root, 'dist', file)).mtimeMs,
      ),
    );
  } catch {
    return -Infinity;
  }
}

const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'scripts', 'build.mjs')), newest(path.join(root, 'package.json')));
if (builtAt() < sources) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
