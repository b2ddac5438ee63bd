// End-of-run work (the tempfile leak report, the trace summary, the debug summary, lines still
// queued for a slow reader) that must also happen when the process is ended by SIGINT, SIGTERM
// or SIGHUP and the application has no handler of its own for that signal: Node then runs no
// 'exit' listener at all. `signal-exit` handles exactly this: it listens to a signal only while
// nobody else does, runs the callbacks, then raises the same signal again, so the process dies
// the way it would have without wrapt-hooks (exit status 143 for SIGTERM, 130 for SIGINT). An
// application's own handler, added before or after, is left alone, and the process then lives
// or dies as that handler decides. Loaded only when something has end-of-run work.
import { isMainThread } from '../thread';
import { flushAll } from '../writer';

/**
 * Runs `fn` once when the process ends: at 'exit' (natural end, `process.exit()`) or on a
 * terminating signal the application does not handle; then writes every queued line. In a
 * worker thread (signals reach only the main thread) it is the thread's 'exit' event.
 */
export function atExit(fn: () => void): void {
  let ran = false;
  const run = (): void => {
    if (ran) return;
    ran = true;
    try {
      fn();
    } catch {
      // a report that cannot be written must not change how the process ends
    }
    try {
      flushAll();
    } catch {
      // nowhere left to write
    }
  };
  if (!isMainThread()) {
    process.on('exit', run);
    return;
  }
  // Returning nothing (not `true`) lets signal-exit raise the signal again after the callbacks.
  // Required, not imported: the same copy of signal-exit as the writer's (sink.ts).
  (require('signal-exit') as typeof import('signal-exit')).onExit(() => {
    run();
  });
}
