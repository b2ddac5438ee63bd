// Targets that cannot be what the user meant, found while the config is validated: an
// application file that does not exist, a bare name (`src/db.js`) that is read as a package but
// names a file of the application, and a builtin the running Node.js lacks (`node:sqlite` on
// Node 20). Cheap enough for every start: one existence check per application-file target and
// per bare target shaped like a path, and a package lookup only after such a name matched a file.
// No directory is listed here (near-miss names are doctor's and the exit summary's business).
// existsSync: one access() call and no exception for the common answer (no such file).
import { existsSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path = require('node:path');
import type { Target } from '../core/targets';
import { satisfies } from '../core/versions';

const FILE_LIKE = /\.(?:[cm]?[jt]s|json|node)$/;

/** Builtins that newer Node.js versions have, with the first version that has each unflagged. */
const LATER_BUILTINS: ReadonlyMap<string, string> = new Map([
  ['node:sqlite', '22.5.0'],
  ['node:quic', '23.8.0, behind a flag'],
]);

/**
 * For a `node:` target the running Node.js lacks but a newer one has: what to do with its entry.
 * `quiet` when the entry's `versions` range excludes this Node (a debug line), `warn` with the
 * message otherwise, undefined when `written` is not such a builtin.
 */
export function missingBuiltin(written: string, versions: string | undefined): { quiet: string } | { warn: string } | undefined {
  const since = LATER_BUILTINS.get(written);
  if (since === undefined || isBuiltin(written)) return undefined;
  const node = process.versions.node;
  if (versions !== undefined && satisfies(node, versions) === false) {
    return { quiet: `skip ${written}: Node.js ${node} is outside "${versions}" (and has no ${written})` };
  }
  return {
    warn: `${written} is not a builtin of this Node.js (${node}; it is one from ${since}), so this entry is skipped. Give the entry a "versions" range that leaves this Node.js out (like ">=22.5") to skip it quietly, or remove it.`,
  };
}

/**
 * A target that can never match as written, with what to write instead; undefined when it may
 * match. `baseDir` is the directory relative targets resolve against.
 */
export function targetMistake(target: Target, baseDir: string): string | undefined {
  if (target.kind === 'file') {
    if (existsSync(target.key)) return undefined;
    return `the target "${target.written}" is a file of the application, and ${target.key} does not exist. Fix the path (relative to ${baseDir}) or remove the entry.`;
  }
  if (target.kind !== 'package' && target.kind !== 'deep') return undefined;
  // `src/db.js` is a file inside a package named "src"; `app.js`, a package named "app.js". A
  // plain package name (`express`) costs nothing here: only paths and names ending like files are
  // looked up.
  if (target.kind === 'package' && !FILE_LIKE.test(target.written)) return undefined;
  const local = path.join(baseDir, target.written);
  if (!existsSync(local) || packageInstalled(target.name, baseDir)) return undefined;
  return `the target "${target.written}" is read as a package name (package "${target.name}" is not installed), but ${local} is a file of the application: write "./${target.written}" to patch that file.`;
}

/** Is package `name` in one of the node_modules directories Node would search from `fromDir`? */
function packageInstalled(name: string, fromDir: string): boolean {
  const lookup = createRequire(path.join(fromDir, 'noop.js')).resolve.paths(name) ?? [];
  return lookup.some((dir) => existsSync(path.join(dir, name, 'package.json')));
}

/**
 * Names in WRAPT_HOOKS_DISABLE that turn nothing off, each with a message: `disabled` holds the
 * canonical keys it names, `configured` the configured targets (key -> as written).
 */
export function unknownDisabled(disabled: ReadonlySet<string>, configured: ReadonlyMap<string, string>): string[] {
  const written = [...configured.values()];
  const messages: string[] = [];
  for (const key of disabled) {
    if (configured.has(key)) continue;
    const hint = loadNearMiss().didYouMean(key, written);
    messages.push(
      `WRAPT_HOOKS_DISABLE names "${key}", which is not a configured target, so it turns nothing off${hint === '' ? '' : `: ${hint}`} (targets: ${written.join(', ') || 'none'}). Fix the name, or remove it from WRAPT_HOOKS_DISABLE.`,
    );
  }
  return messages;
}

/** The "did you mean" helpers (near-miss.ts), evaluated only when a name is wrong. */
export function loadNearMiss(): typeof import('../near-miss') {
  return require('../near-miss') as typeof import('../near-miss');
}
