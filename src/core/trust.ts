// The check ssh and sudo make on their own files: JavaScript that another user could have
// planted or changed is not run.
import { statSync } from 'node:fs';

/** Why `file` must not be loaded, or undefined when it may. */
export function untrustedReason(file: string): string | undefined {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    return undefined; // a missing file is reported by whoever loads it
  }
  if ((stats.mode & 0o002) !== 0) {
    return `it is world-writable: any user could change it. Fix: chmod o-w ${quote(file)}`;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && stats.uid !== uid && stats.uid !== 0) {
    return `it is owned by uid ${stats.uid}, neither this process's user (uid ${uid}) nor root. Fix: chown it to the user that runs the application, or to root`;
  }
  return undefined;
}

function quote(file: string): string {
  return /^[\w./@+-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
