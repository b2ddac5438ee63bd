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
import fs = require('node:fs');
import { globalSlot, KEYS } from './global-state';

// Taken before any patch can wrap them: tracing `fs#writeSync` must not trace its own output.
const writeSync = fs.writeSync;
const openSync = fs.openSync;
const startTimer = globalThis.setTimeout;

/** Bytes queued before a write waits for the reader instead of growing the queue. */
const HIGH_WATER = 4 * 1024 * 1024;
/** The longest pause between two retries while the reader is behind. */
const MAX_RETRY_MS = 32;

export interface Sink {
  /** Writes whole lines (`text` ends with a newline); never throws. */
  write(text: string): void;
  /** Writes everything queued now, waiting for the reader. */
  flush(): void;
  /** Bytes waiting for the reader (for tests and the bench). */
  pending(): number;
}

interface WriterState {
  readonly byPath: Map<string, Sink>;
  stderr: Sink | undefined;
}

/** One writer per destination per thread, shared by every copy of wrapt-hooks in the thread. */
const state = (): WriterState => globalSlot<WriterState>(KEYS.writer, () => ({ byPath: new Map(), stderr: undefined }));

/** The writer for stderr: the debug log, and trace lines when WRAPT_TRACE_FILE is not set. */
export function stderrSink(): Sink {
  const s = state();
  return (s.stderr ??= new FdSink(2, 'stderr'));
}

/**
 * The writer appending to `file` (opened once, O_APPEND, mode 0600: with several processes
 * appending, every write lands whole at the end). Throws when the file cannot be opened.
 */
export function fileSink(file: string): Sink {
  const s = state();
  let sink = s.byPath.get(file);
  if (sink === undefined) {
    sink = new FdSink(openSync(file, 'a', 0o600), file);
    s.byPath.set(file, sink);
  }
  return sink;
}

let sleepCell: Int32Array | undefined;
/** Pauses the thread for `ms` without spinning the CPU. */
function pause(ms: number): void {
  try {
    sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(sleepCell, 0, 0, ms);
  } catch {
    // SharedArrayBuffer switched off: a short spin instead.
    const until = Date.now() + ms;
    while (Date.now() < until);
  }
}

/**
 * Node sets `process._exiting` before it emits 'exit': a line queued from an 'exit' listener
 * that runs before ours (or when ours was never added) is written at once.
 */
function exiting(): boolean {
  return (process as unknown as { _exiting?: unknown })._exiting === true;
}

function isMainThread(): boolean {
  // Every worker thread has worker_threads loaded; the main thread need not load it to know.
  const loaded = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList;
  if (loaded !== undefined && !loaded.includes('NativeModule worker_threads')) return true;
  return (require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
}

class FdSink implements Sink {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = 1;
  /** Write-through mode: a worker thread, or the process is exiting. */
  private waitForReader: boolean;
  private exitHooked = false;
  private dead = false;

  constructor(
    private readonly fd: number,
    private readonly name: string,
  ) {
    this.waitForReader = !isMainThread();
  }

  write(text: string): void {
    if (this.dead) return;
    const bytes = Buffer.from(text, 'utf8');
    if (this.queue.length === 0) {
      const written = this.tryWrite(bytes);
      if (written === bytes.length || this.dead) return;
      this.enqueue(written > 0 ? bytes.subarray(written) : bytes);
    } else {
      this.enqueue(bytes);
    }
    if (this.waitForReader || exiting()) this.drain(true);
    else if (this.queued > HIGH_WATER) this.drain(true, HIGH_WATER / 2);
    else this.schedule();
  }

  flush(): void {
    this.drain(true);
  }

  pending(): number {
    return this.queued;
  }

  private enqueue(bytes: Buffer): void {
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (!this.exitHooked && !this.waitForReader) {
      // Only once a line had to wait: a process whose reader keeps up gets no listener at all.
      this.exitHooked = true;
      process.on('exit', () => {
        this.waitForReader = true;
        this.drain(true);
      });
    }
  }

  /** Bytes written, 0 when the reader is behind (EAGAIN); a dead destination drops everything. */
  private tryWrite(bytes: Buffer): number {
    try {
      return writeSync(this.fd, bytes);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') return 0;
      // EPIPE, EBADF: the reader is gone or the descriptor closed; there is nowhere to write to.
      this.dead = true;
      this.queue.length = 0;
      this.queued = 0;
      return 0;
    }
  }

  /** Writes queued bytes until the queue is at most `limit`; `wait`: pause on EAGAIN, else stop. */
  private drain(wait: boolean, limit = 0): boolean {
    while (this.queued > limit && !this.dead) {
      const head = this.queue[0]!;
      const written = this.tryWrite(head);
      if (written === 0) {
        if (!wait) return false;
        pause(1);
        continue;
      }
      this.queued -= written;
      if (written === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(written);
    }
    return true;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const retry = (): void => {
      this.timer = undefined;
      const before = this.queued;
      if (this.drain(false)) {
        this.retryMs = 1;
        return;
      }
      // Back off while the reader makes no progress; start again at once when it does.
      this.retryMs = this.queued < before ? 1 : Math.min(this.retryMs * 2, MAX_RETRY_MS);
      this.schedule();
    };
    this.timer = startTimer(retry, this.retryMs);
    this.timer.unref();
  }

  toString(): string {
    return `writer(${this.name})`;
  }
}
