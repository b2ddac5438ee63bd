// OpenTelemetry's packages as the application would load them.
import { createRequire } from 'node:module';
import path = require('node:path');

/**
 * Loads a package the way the application would (from its entry's directory, then the working
 * directory), else from wrapt-hooks' own: OpenTelemetry's packages are the application's to
 * install, and its copy of the API is the one that holds its registrations.
 */
export function loadFromApp(name: string): { module: unknown; file: string } | undefined {
  const bases: string[] = [];
  const entry = process.argv[1];
  if (entry !== undefined && entry !== '' && !entry.startsWith('-')) bases.push(path.resolve(entry));
  try {
    bases.push(path.join(process.cwd(), 'noop.js'));
  } catch {
    // the working directory is gone
  }
  bases.push(__filename);
  for (const base of bases) {
    try {
      const require = createRequire(base);
      const file = require.resolve(name);
      return { module: require(file), file };
    } catch {
      // not there: the next place
    }
  }
  return undefined;
}
