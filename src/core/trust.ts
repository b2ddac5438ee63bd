// The check ssh and sudo make on their own files: JavaScript that another user could have
// planted or changed is not run, and a config place that is not a regular file (a FIFO, a
// device, a socket) is never opened: reading a FIFO blocks start-up until someone writes to it.
// One stat per file, made before any byte of it is read.
import { statSync, type Stats } from 'node:fs';
import { ownershipProblem } from '../ownership';

/** What one stat of a file says: not there (or a directory), refused (why), or a regular file. */
export type Vetted = { readonly missing: true } | { readonly refused: string } | { readonly stats: Stats };

/** Stats `file` (following symlinks, as a read would): missing, or refused when it is not a regular file. Never opens it. */
export function vet(file: string): Vetted {
  let stats: Stats | undefined;
  try {
    stats = statSync(file, { throwIfNoEntry: false });
  } catch {
    return { missing: true }; // ENOTDIR, EACCES, ELOOP: no file a reader could open here
  }
  if (stats === undefined || stats.isDirectory()) return { missing: true };
  if (!stats.isFile()) return { refused: `it is ${kindOf(stats)}, not a regular file, so it is not opened` };
  return { stats };
}

/** Why a regular file with these `stats` must not be loaded, or undefined when it may. */
export function ownerReason(file: string, stats: Stats): string | undefined {
  // Root's files pass (what the system installed); only world-writable ones fail on mode.
  const problem = ownershipProblem(stats, { allowRoot: true, forbiddenBits: 0o002 });
  if (problem?.mode !== undefined) {
    return `it is world-writable: any user could change it. Fix: chmod o-w ${quote(file)}`;
  }
  if (problem?.owner !== undefined) {
    return `it is owned by uid ${problem.owner}, neither this process's user (uid ${problem.uid}) nor root. Fix: chown it to the user that runs the application, or to root`;
  }
  return undefined;
}

/** Why `file` must not be loaded (not a regular file, or one another user could have changed), or undefined when it may. */
export function untrustedReason(file: string): string | undefined {
  const vetted = vet(file);
  if ('missing' in vetted) return undefined; // a missing file is reported by whoever loads it
  if ('refused' in vetted) return vetted.refused;
  return ownerReason(file, vetted.stats);
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a file';
}

function quote(file: string): string {
  return /^[\w./@+-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
