// The control socket of a process (docs/attach.md): created at start-up when
// WRAPT_HOOKS_CONTROL=1 or the config's "control": true, or by `wrapt-hooks attach --inspector`
// through Node's inspector. Only the listening socket lives here, so that turning control on
// costs a start next to nothing: the protocol (session.ts) is loaded at the first connection.
// The server and its connections are unreferenced, so they never keep the process alive, and
// the socket file is removed when the process exits.
import fs = require('node:fs');
import net = require('node:net');
import { KEYS } from '../global-state';
import { controlDir, socketPath, uid, untrustedDir } from './paths';

export interface ControlState {
  readonly path: string;
  readonly server: net.Server;
}

const KEY = KEYS.control;

/** The control socket of this process, if one is listening. */
export function controlState(): ControlState | undefined {
  return (globalThis as unknown as Record<symbol, ControlState | undefined>)[KEY];
}

/**
 * Starts listening on this process's control socket, once per process; `onConnection` gets each
 * client. Returns the socket's path; throws an Error saying why when it cannot.
 */
export function listenControl(onConnection: (socket: net.Socket) => void): string {
  const existing = controlState();
  if (existing !== undefined) return existing.path;
  if (uid() === -1) throw new Error('control sockets need a POSIX system (no process.getuid)');
  const dir = controlDir();
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const bad = untrustedDir(dir);
  if (bad !== undefined) throw new Error(`${bad}; remove it (only its owner should have it, with mode 0700)`);
  removeStale(dir);
  const file = socketPath(process.pid, dir);
  // A socket left by an earlier process with this pid (one killed by a signal): ours to remove.
  try {
    if (fs.lstatSync(file).isSocket()) fs.unlinkSync(file);
  } catch {
    // none there
  }
  const server = net.createServer({ allowHalfOpen: false }, (socket) => {
    socket.unref();
    onConnection(socket);
  });
  server.on('error', () => {
    // A failed listen or accept: no control socket, the application runs on.
    remove(file);
  });
  const state: ControlState = { path: file, server };
  (globalThis as unknown as Record<symbol, ControlState | undefined>)[KEY] = state;
  const oldMask = process.umask(0o177);
  try {
    listenOnPipe(server, file);
  } finally {
    process.umask(oldMask);
  }
  server.unref();
  process.once('exit', () => remove(file));
  return file;
}

/**
 * `server.listen(file)` without loading node:cluster. Node's listen() requires node:cluster (and
 * with it child_process and dgram: about 6 M instructions, most of what a control socket would
 * cost a start) only to learn whether it runs in a cluster worker, whose listens the primary
 * makes. A control socket is this process's own, named by its pid, never one to share through a
 * primary: `_listen2` is the step listen() takes in a primary (Node keeps it under that name for
 * code that wraps it, docs/attach.md), and creates the socket here directly. Where a Node lacks
 * it, listen() does the same at that cost.
 */
function listenOnPipe(server: net.Server, file: string): void {
  const inner = server as unknown as { _listen2?: unknown; _pipeName?: string };
  if (typeof inner._listen2 !== 'function') {
    server.listen(file);
    return;
  }
  // What listen() sets for a path before it listens: address() answers it.
  inner._pipeName = file;
  // (address, port -1, addressType -1: a pipe; Node's default backlog of 511)
  (inner._listen2 as (address: string, port: number, addressType: number, backlog: number) => void).call(server, file, -1, -1, 511);
}

/**
 * Sockets of processes that no longer run (a process killed by a signal has no exit event to
 * remove its own): removed, so that the directory does not fill up.
 */
function removeStale(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.slice(0, 1000)) {
    const match = /^(\d+)\.sock$/.exec(name);
    if (match === null) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') remove(`${dir}/${name}`);
    }
  }
}

function remove(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}
