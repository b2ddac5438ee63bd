// Where control sockets live: one directory per user that only that user can enter
// (`$XDG_RUNTIME_DIR/wrapt-hooks/`, else `<tmpdir>/wrapt-hooks-<uid>/`, mode 0700), one socket
// per process in it, named by its pid. The preload creates them (listen.ts); `wrapt-hooks attach`
// finds them (cli/attach.ts). Both check that the directory is a real directory, not a symbolic
// link, owned by the user, before trusting what is inside (docs/attach.md).
import fs = require('node:fs');
import path = require('node:path');
import { ownershipProblem } from '../ownership';

/**
 * How long after start-up the preload opens the control socket: a process that ends sooner (most
 * of the processes a NODE_OPTIONS preload runs in) never opens one, and a service pays for it
 * after its start. `wrapt-hooks attach` waits this long, and a second more, for a socket to appear.
 */
export const OPEN_DELAY_MS = 500;

/** The directory of this user's control sockets (not created here). */
export function controlDir(env: Record<string, string | undefined> = process.env): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime !== undefined && path.isAbsolute(runtime)) return path.join(runtime, 'wrapt-hooks');
  // node:os on demand: the preload reads OPEN_DELAY_MS from here at start-up.
  return path.join((require('node:os') as typeof import('node:os')).tmpdir(), `wrapt-hooks-${uid()}`);
}

/** The socket of process `pid`. */
export function socketPath(pid: number, dir: string = controlDir()): string {
  return path.join(dir, `${pid}.sock`);
}

export function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : -1;
}

/**
 * Why `dir` cannot be trusted, or undefined when it is a directory (not a link) owned by this
 * user that no one else can enter or write.
 */
export function untrustedDir(dir: string): string | undefined {
  const stat = lstat(dir);
  if (typeof stat === 'string') return stat;
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  return ownership(dir, stat, 0o077);
}

/** Why the socket file `file` cannot be trusted, or undefined when it is a socket owned by this user. */
export function untrustedSocket(file: string): string | undefined {
  const stat = lstat(file);
  if (typeof stat === 'string') return stat;
  if (!stat.isSocket()) return `${file} is not a socket`;
  return ownership(file, stat, 0);
}

/** The stat of `file` itself (a link is not followed), or why it cannot be read. */
function lstat(file: string): fs.Stats | string {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    return `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

/** Why `file` is not this user's alone: another owner, or one of `forbiddenBits` set. */
function ownership(file: string, stat: fs.Stats, forbiddenBits: number): string | undefined {
  const problem = ownershipProblem(stat, { uid: uid(), forbiddenBits });
  if (problem?.owner !== undefined) return `${file} belongs to another user (uid ${problem.owner})`;
  if (problem?.mode !== undefined) return `${file} is open to other users (mode ${problem.mode.toString(8)})`;
  return undefined;
}
