// One destination's ordered, never-losing writer (writer.ts says why it works this way): a line
// is written at once with `writeSync` when nothing is queued; when the pipe is full (EAGAIN), or
// only part of the line fits, the rest waits in a queue that an unreferenced timer retries, and
// the process's 'exit' event, or a terminating signal the application does not handle, writes
// whatever is left, waiting for the reader. A worker thread writes synchronously.
import fs = require('node:fs');
import { isMainThread } from './thread';

// Taken before any patch can wrap them: tracing `fs#writeSync` must not trace its own output.
const writeSync = fs.writeSync;
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

export class FdSink implements Sink {
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
    private readonly replaced: () => ((text: string) => unknown) | undefined = () => undefined,
  ) {
    this.waitForReader = !isMainThread();
  }

  write(text: string): void {
    const through = this.replaced();
    if (through !== undefined && this.writeThrough(through, text)) return;
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

  /**
   * Hands `text` to a replaced `process.stderr.write`, after what is still queued for the fd;
   * false when the replacement throws (the line then goes to the fd as before).
   */
  private writeThrough(write: (text: string) => unknown, text: string): boolean {
    if (this.queued > 0) this.drain(true);
    try {
      write(text);
      return true;
    } catch {
      return false;
    }
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
      // A signal that ends the process runs no 'exit' listener: signal-exit's handler does (it
      // raises the signal again afterwards, so the process dies as it would have; trace/at-exit.ts).
      (require('signal-exit') as typeof import('signal-exit')).onExit(() => {
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
