// Which thread this is, answered without loading node:worker_threads on the main thread (loading
// it there would add to every start): every worker thread has it loaded by the time preloads run,
// the main thread has not, and `process.moduleLoadList` says which builtins Node loaded. dist/start.js
// asks isLoaderThread() before it reads the preload, because Node 20's module.register loader
// thread runs --require and --import preloads too, and installs nothing there: reading the preload
// there would cost every start on Node 20 its parse (the main thread waits for that thread).

/** Has Node loaded builtin `name` in this thread? (Unknowable without `process.moduleLoadList`: then yes.) */
export function builtinLoaded(name: string): boolean {
  const list = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList;
  return list === undefined || list.includes(`NativeModule ${name}`);
}

export function isMainThread(): boolean {
  if (!builtinLoaded('worker_threads')) return true;
  return (require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
}

/** This thread's id: 0 on the main thread. */
export function threadId(): number {
  if (isMainThread()) return 0;
  return (require('node:worker_threads') as typeof import('node:worker_threads')).threadId;
}

/** Node's internal loader thread (Node 20's module.register thread runs --require preloads too). */
export function isLoaderThread(): boolean {
  if (!builtinLoaded('worker_threads')) return false;
  const threads = require('node:worker_threads') as typeof import('node:worker_threads') & { isInternalThread?: boolean };
  // Node 22.14+, 23.7+.
  if (typeof threads.isInternalThread === 'boolean') return threads.isInternalThread;
  return !threads.isMainThread && threads.parentPort === null;
}
