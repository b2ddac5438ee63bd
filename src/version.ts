// The version of this installed copy of wrapt-hooks, from its package.json.
import { readFileSync } from 'node:fs';
import path = require('node:path');

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
