// Which thread this is: dist/start.js asks before it reads the preload, because Node 20's
// module.register loader thread runs --require and --import preloads too, and installs nothing
// there. Reading the preload there would cost every
// start on Node 20 its parse (the main thread waits for the loader thread to be ready).
/** Node's internal loader thread (Node 20's module.register thread runs --require preloads too). */
export function isLoaderThread(): boolean {
  // Every worker thread has worker_threads loaded by the time preloads run; the main thread has
  // not (loading it there would add to every start), so its absence answers the question for free.
  const loaded = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList;
  if (loaded !== undefined && !loaded.includes('NativeModule worker_threads')) return false;

  const threads = require('node:worker_threads') as typeof import('node:worker_threads') & { isInternalThread?: boolean };
  // Node 22.14+, 23.7+.
  if (typeof threads.isInternalThread === 'boolean') return threads.isInternalThread;
  return !threads.isMainThread && threads.parentPort === null;
}
