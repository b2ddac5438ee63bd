// Promises returned by traced functions: observed until they settle, and returned unchanged.
//
// Observing a promise with `.then(onFulfilled, onRejected)` would mark it handled: an
// application that forgot to handle a rejection would no longer see 'unhandledRejection' nor
// crash. So the promise gets no handler at all. Settlement is observed with V8's promise hooks
// (`v8.promiseHooks.onSettled`, switched on only while a traced promise is pending), and the
// outcome is read with `util.inspect`, which reads a promise's state without reacting to it.
// The hook runs before V8 records the state, so the outcome is read from a microtask queued
// there: after the promise has settled, before any handler of the application runs, and before
// Node decides whether a rejection was handled.
import { promiseState, type Limits } from './format';

/** Called once with `resolved <value>` / `rejected <reason>` (or the promise itself without promise hooks) and the end time. */
export type Settled = (state: string, failed: boolean, end: bigint) => void;

interface Watch {
  readonly limits: Limits;
  readonly done: Settled;
  released: boolean;
}

type OnSettled = (hook: (promise: Promise<unknown>) => void) => () => void;
/** Pending traced promises; a promise returned by several calls has one watch per call. */
const watching = new WeakMap<object, Watch[]>();
let watchCount = 0;
let stopHook: (() => void) | undefined;
let onSettled: OnSettled | null | undefined;
// A traced promise that never settles and is collected must not keep the hook on forever.
let finalizer: FinalizationRegistry<Watch> | undefined;
/** Runs a function with tracing of nested calls off (the tracer's `quietly`). */
let guard: <T>(fn: () => T) => T | undefined = (fn) => fn();

/** Loads V8's promise hooks now, before the module hooks exist (see registerTraces). */
export function loadPromiseHooks(quietly: <T>(fn: () => T) => T | undefined): void {
  guard = quietly;
  onSettled ??= settledHook();
}

/**
 * Calls `done` when `promise` settles (at once if it has). Returns false when this runtime has
 * no promise hooks: the caller then reports the promise as returned.
 */
export function observe(promise: Promise<unknown>, end: bigint, limits: Limits, done: Settled): boolean {
  const state = promiseState(promise, limits);
  if (state !== undefined) {
    done(state, state.startsWith('rejected '), end);
    return true;
  }
  onSettled ??= settledHook();
  if (onSettled === null) return false;
  const watch: Watch = { limits, done, released: false };
  const list = watching.get(promise);
  if (list === undefined) watching.set(promise, [watch]);
  else list.push(watch);
  finalizer ??= new FinalizationRegistry(release);
  finalizer.register(promise, watch, watch);
  watchCount++;
  stopHook ??= onSettled(settled);
  return true;
}

function settledHook(): OnSettled | null {
  try {
    const hooks = (require('node:v8') as { promiseHooks?: { onSettled?: OnSettled } }).promiseHooks;
    return typeof hooks?.onSettled === 'function' ? hooks.onSettled.bind(hooks) : null;
  } catch {
    return null;
  }
}

/** The promise hook: runs for every promise that settles while a traced one is pending. */
function settled(promise: Promise<unknown>): void {
  if (!watching.has(promise)) return;
  const end = process.hrtime.bigint();
  queueMicrotask(() => {
    guard(() => {
      const list = watching.get(promise);
      if (list === undefined) return;
      if (promiseState(promise) === undefined) return; // resolved with a pending thenable: the hook runs again
      watching.delete(promise);
      for (const watch of list) {
        finalizer?.unregister(watch);
        release(watch);
        const state = promiseState(promise, watch.limits)!;
        watch.done(state, state.startsWith('rejected '), end);
      }
    });
  });
}

function release(watch: Watch): void {
  if (watch.released) return;
  watch.released = true;
  watchCount--;
  if (watchCount === 0 && stopHook !== undefined) {
    const stop = stopHook;
    stopHook = undefined;
    try {
      stop();
    } catch {
      // already stopped
    }
  }
}
