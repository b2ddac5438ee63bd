// The one writer for every line wrapt-hooks prints: trace lines, recipe lines and the
// WRAPT_HOOKS_DEBUG log. It owns three promises: no line is lost, lines leave in the order they
// were written, and the application's own output and timing change as little as they can.
//
// Why not `fs.writeSync(2, …)` alone: once anything in the process touches `process.stderr`
// (the application, Node's own warnings) and stderr is a pipe, libuv puts the pipe into
// non-blocking mode, so a write while the reader is behind fails with EAGAIN and the line is
// gone. Why not `process.stderr.write`: its queue lives in libuv and is dropped by
// `process.exit()`, and creating `process.stderr` when the application never did switches the
// shared pipe to non-blocking mode behind everybody's back (a sibling `2>&1` stdout included).
// Why not switch the pipe back to blocking mode: the application's own `process.stderr` writes
// would then block the event loop, which is a change it can observe.
//
// So: a line is written at once with `writeSync` when nothing is queued; when the pipe is full
// (EAGAIN), or only part of the line fits, the rest waits in a queue that an unreferenced timer
// retries (the application's event loop keeps its lifetime), and the process's 'exit' event
// writes whatever is left, waiting for the reader as long as it takes (`process.exit()` included).
// The application is blocked only then, and when the queue grows past HIGH_WATER (memory is
// bounded). A worker thread writes synchronously, waiting on EAGAIN: a worker can be terminated
// (or the process exit) at any moment without an 'exit' event in that thread, so nothing may wait.
// A process ended by SIGINT, SIGTERM or SIGHUP without a handler of its own runs no 'exit'
// listener: the queue is then written by signal-exit's handler, which re-raises the signal
// (docs/production-and-security.md). The queue, its retries and its exit handlers are sink.ts.
//
// When something has replaced `process.stderr.write` (pm2's cluster mode sends what a worker
// writes there to the application's log file; fd 2 goes to the daemon's own log), stderr lines go
// through that function instead: whatever is queued for fd 2 is written first, so the order
// holds, and from then on the replacement owns the line (docs/tracing.md says what it can lose).
import fs = require('node:fs');
import { globalSlot, KEYS } from './global-state';
import { ownershipProblem } from './ownership';
import { FdSink, type Sink } from './sink';

// Taken before any patch can wrap them: tracing `fs#openSync` must not trace its own output.
const openSync = fs.openSync;
const fstatSync = fs.fstatSync;
const closeSync = fs.closeSync;

interface WriterState {
  readonly byPath: Map<string, Sink>;
  stderr: Sink | undefined;
  /** `process.stderr` once anything has created it (seen through the getter watchStderr puts in front). */
  stream: { write?: unknown } | undefined;
  watched: boolean;
}

/** One writer per destination per thread, shared by every copy of wrapt-hooks in the thread. */
const state = (): WriterState => globalSlot<WriterState>(KEYS.writer, () => ({ byPath: new Map(), stderr: undefined, stream: undefined, watched: false }));

/** The writer for stderr: the debug log, and trace lines when WRAPT_TRACE_FILE is not set. */
export function stderrSink(): Sink {
  const s = state();
  if (s.stderr === undefined) {
    watchStderr();
    s.stderr = new FdSink(2, 'stderr', replacedStderrWrite);
  }
  return s.stderr;
}

/**
 * The writer appending to `file`, opened once with O_APPEND (with several processes appending,
 * every write lands whole at the end) and O_NOFOLLOW (a symlink planted at the path is not
 * followed), created with mode 0600. Throws a TraceFileRefused when the file is not one this
 * process alone should write to: not a regular file, owned by another user, or writable by
 * group or others; throws the system error when it cannot be opened.
 */
export function fileSink(file: string): Sink {
  const s = state();
  let sink = s.byPath.get(file);
  if (sink === undefined) {
    sink = new FdSink(openTraceFile(file), file);
    s.byPath.set(file, sink);
  }
  return sink;
}

/** A trace file refused for who owns it or who may write it (the message says which). */
export class TraceFileRefused extends Error {
  override name = 'TraceFileRefused';
}

function openTraceFile(file: string): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
  // O_NONBLOCK: a FIFO at the path fails at once (ENXIO without a reader) instead of hanging the
  // start until something reads it; on a regular file it changes nothing.
  const flags = O_WRONLY | O_APPEND | O_CREAT | (O_NOFOLLOW ?? 0) | (O_NONBLOCK ?? 0);
  let fd: number;
  try {
    fd = openSync(file, flags, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new TraceFileRefused('it is a symbolic link, which is not followed');
    throw error;
  }
  let problem: string | undefined;
  try {
    // /dev/null (lines thrown away on purpose) is everybody's and harms nobody.
    problem = file === '/dev/null' ? undefined : untrusted(fstatSync(fd));
  } catch (error) {
    problem = `its status cannot be read (${String((error as Error).message)})`;
  }
  if (problem !== undefined) {
    try {
      closeSync(fd);
    } catch {
      // nothing written to it; nothing to lose
    }
    throw new TraceFileRefused(problem);
  }
  return fd;
}

/** Why an opened trace file is not this process's own to write, or undefined when it is. */
export function untrusted(stat: fs.Stats, uid: number | undefined = process.getuid?.()): string | undefined {
  if (!stat.isFile()) return 'it is not a regular file';
  // Windows has no owners or mode bits to check.
  if (uid === undefined) return undefined;
  const problem = ownershipProblem(stat, { uid, forbiddenBits: 0o022 });
  if (problem?.owner !== undefined) return `it is owned by uid ${problem.owner}, not by this process's user (uid ${uid})`;
  if (problem?.mode !== undefined)
    return `it is writable by ${(problem.mode & 0o020) !== 0 ? 'its group' : 'others'} (mode ${problem.mode.toString(8).padStart(4, '0')})`;
  return undefined;
}

/** Writes everything queued for every destination, waiting for the readers (at exit, on a signal). */
export function flushAll(): void {
  const s = state();
  s.stderr?.flush();
  for (const sink of s.byPath.values()) sink.flush();
}

/**
 * Puts a getter in front of `process.stderr` that remembers the stream once anything creates it,
 * without creating it: creating it switches a shared stderr pipe to non-blocking mode.
 */
function watchStderr(): void {
  const s = state();
  if (s.watched) return;
  s.watched = true;
  const descriptor = Object.getOwnPropertyDescriptor(process, 'stderr');
  if (descriptor === undefined || !descriptor.configurable || typeof descriptor.get !== 'function') return;
  const get = descriptor.get;
  try {
    Object.defineProperty(process, 'stderr', {
      configurable: true,
      enumerable: descriptor.enumerable ?? true,
      get(this: unknown) {
        const stream = get.call(this) as { write?: unknown };
        s.stream = stream;
        return stream;
      },
      ...(descriptor.set === undefined ? {} : { set: descriptor.set }),
    });
  } catch {
    // a frozen process object: lines go to fd 2
  }
}

/** `process.stderr.write` when something has replaced it on the stream (pm2), else undefined. */
function replacedStderrWrite(): ((text: string) => unknown) | undefined {
  const stream = state().stream;
  if (stream === undefined) return undefined;
  const own = Object.getOwnPropertyDescriptor(stream, 'write');
  if (own === undefined || typeof own.value !== 'function') return undefined;
  const write = own.value as (this: unknown, text: string) => unknown;
  return (text) => write.call(stream, text);
}
